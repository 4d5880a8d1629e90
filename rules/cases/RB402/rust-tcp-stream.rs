use std::io::Write;

use rapidbyte_sdk::host_tcp::HostTcpStream;
use rapidbyte_sdk::ConnectorError;

pub struct PgConnection {
    stream: HostTcpStream,
}

impl PgConnection {
    pub fn connect(host: &str, port: u16) -> Result<Self, ConnectorError> {
        let stream = HostTcpStream::connect(host, port)?;
        Ok(PgConnection { stream })
    }
}

// the io::Write impl of a local type is not the destination's `write`
impl Write for PgConnection {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
