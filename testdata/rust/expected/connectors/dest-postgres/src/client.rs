//! PostgreSQL connection for loading: simple queries and `COPY FROM STDIN`.

use std::io::{Read, Write};

use rapidbyte_sdk::host_tcp::TcpStream;
use rapidbyte_sdk::prelude::*;

use crate::config::Config;
use crate::error_ext::ResultExt;

pub struct PgConnection {
    stream: TcpStream,
}

impl PgConnection {
    pub fn connect(config: &Config) -> Result<Self, ConnectorError> {
        let stream = TcpStream::connect(&config.host, config.port)
            .context(&format!("connecting to {}:{}", config.host, config.port))?;
        let mut conn = PgConnection { stream };
        conn.startup(config).context("postgres startup")?;
        Ok(conn)
    }

    fn startup(&mut self, config: &Config) -> Result<(), ConnectorError> {
        let mut body = 196_608u32.to_be_bytes().to_vec();
        for (key, value) in [("user", &config.user), ("database", &config.database)] {
            body.extend_from_slice(key.as_bytes());
            body.push(0);
            body.extend_from_slice(value.as_bytes());
            body.push(0);
        }
        body.push(0);
        let mut packet = ((body.len() + 4) as u32).to_be_bytes().to_vec();
        packet.extend_from_slice(&body);
        self.stream.write_all(&packet).context("sending startup packet")?;
        loop {
            let (tag, payload) = self.read_message()?;
            match (tag, payload.get(..4)) {
                (b'R', Some([0, 0, 0, 0])) => {}
                (b'R', Some([0, 0, 0, 3])) => {
                    let password = config.password.clone().unwrap_or_default();
                    self.send(b'p', &[password.as_bytes(), &[0]].concat())?;
                }
                (b'R', _) => return Err(ConnectorError::auth("UNSUPPORTED_AUTH", "unsupported authentication method")),
                (b'E', _) => return Err(server_error(&payload)),
                (b'Z', _) => return Ok(()),
                _ => {}
            }
        }
    }

    /// Run statements that return no rows we care about.
    pub fn execute(&mut self, sql: &str) -> Result<(), ConnectorError> {
        self.send(b'Q', &[sql.as_bytes(), &[0]].concat())?;
        self.finish(None)
    }

    /// Stream `data` (COPY text format) into `copy_sql` (`COPY t (...) FROM STDIN`).
    pub fn copy_in(&mut self, copy_sql: &str, data: &[u8]) -> Result<(), ConnectorError> {
        self.send(b'Q', &[copy_sql.as_bytes(), &[0]].concat())?;
        loop {
            let (tag, payload) = self.read_message()?;
            match tag {
                b'G' => break,
                b'E' => return self.finish(Some(server_error(&payload))),
                _ => {}
            }
        }
        for chunk in data.chunks(64 * 1024) {
            self.send(b'd', chunk)?;
        }
        self.send(b'c', &[])?;
        self.finish(None)
    }

    fn finish(&mut self, mut failure: Option<ConnectorError>) -> Result<(), ConnectorError> {
        loop {
            let (tag, payload) = self.read_message()?;
            match tag {
                b'E' => failure = Some(server_error(&payload)),
                b'Z' => return failure.map_or(Ok(()), Err),
                _ => {}
            }
        }
    }

    fn send(&mut self, tag: u8, body: &[u8]) -> Result<(), ConnectorError> {
        let mut packet = vec![tag];
        packet.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
        packet.extend_from_slice(body);
        self.stream.write_all(&packet).context("writing to postgres")
    }

    fn read_message(&mut self) -> Result<(u8, Vec<u8>), ConnectorError> {
        let mut header = [0u8; 5];
        self.stream.read_exact(&mut header).context("reading from postgres")?;
        let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
        let mut payload = vec![0u8; len.saturating_sub(4)];
        self.stream.read_exact(&mut payload).context("reading from postgres")?;
        Ok((header[0], payload))
    }
}

fn server_error(payload: &[u8]) -> ConnectorError {
    let mut code = String::new();
    let mut message = String::new();
    for field in payload.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let value = String::from_utf8_lossy(&field[1..]).into_owned();
        match field[0] {
            b'C' => code = value,
            b'M' => message = value,
            _ => {}
        }
    }
    match code.get(..2) {
        Some("22" | "23") => ConnectorError::data(code, message),
        Some("42") => ConnectorError::schema(code, message),
        Some("28") => ConnectorError::auth(code, message),
        _ => ConnectorError::transient_db(code, message),
    }
}

/// Double-quote an identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
