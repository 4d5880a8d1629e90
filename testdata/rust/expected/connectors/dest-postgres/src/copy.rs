//! COPY text-format encoding.

use std::io::{self, Write};

use rapidbyte_sdk::prelude::*;

/// Accumulates rows in PostgreSQL's COPY text format.
#[derive(Debug, Default)]
pub struct CopyBuffer {
    data: Vec<u8>,
    rows: u64,
}

impl CopyBuffer {
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn take(&mut self) -> (Vec<u8>, u64) {
        (std::mem::take(&mut self.data), std::mem::replace(&mut self.rows, 0))
    }

    /// Append one row; values are JSON as decoded from the batch.
    pub fn push_row(&mut self, row: &[JsonValue]) -> io::Result<()> {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                self.write_all(b"\t")?;
            }
            match value {
                JsonValue::Null => self.write_all(b"\\N")?,
                JsonValue::String(s) => write!(self, "{}", escape(s))?,
                other => write!(self, "{}", escape(&other.to_string()))?,
            }
        }
        self.write_all(b"\n")?;
        self.rows += 1;
        Ok(())
    }
}

// TRAP: impl io::Write fn write is std::io, not the destination write
impl Write for CopyBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.data.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rows() {
        let mut buf = CopyBuffer::default();
        buf.push_row(&[JsonValue::from(1i64), JsonValue::from("a\tb"), JsonValue::Null]).unwrap();
        assert_eq!(buf.take(), (b"1\ta\\tb\t\\N\n".to_vec(), 1));
    }
}
