//! A small PostgreSQL client: startup, cleartext password auth and the simple
//! query protocol, spoken over a socket opened by the host.

use std::io::{Read, Write};

use rapidbyte_sdk::host_tcp::TcpStream;
use rapidbyte_sdk::{host_ffi, ConnectorError, LogLevel};

use crate::config::Config;

/// One column of a result set: its name and the type OID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultColumn {
    pub name: String,
    pub type_oid: u32,
}

/// Rows come back in the text format; `None` is SQL NULL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryResult {
    pub columns: Vec<ResultColumn>,
    pub rows: Vec<Vec<Option<String>>>,
}

pub struct PgClient {
    stream: TcpStream,
}

impl PgClient {
    pub fn connect(config: &Config) -> Result<Self, ConnectorError> {
        let stream = TcpStream::connect(&config.host, config.port).map_err(|e| {
            host_ffi::log(LogLevel::Error, &format!("connect to {}:{} failed: {e}", config.host, config.port));
            ConnectorError::transient_network("CONNECT_FAILED", e.to_string())
        })?;
        let mut client = PgClient { stream };
        client.startup(config)?;
        Ok(client)
    }

    fn startup(&mut self, config: &Config) -> Result<(), ConnectorError> {
        let mut body = Vec::new();
        body.extend_from_slice(&196_608u32.to_be_bytes()); // protocol 3.0
        for (key, value) in [("user", config.user.as_str()), ("database", config.database.as_str())] {
            body.extend_from_slice(key.as_bytes());
            body.push(0);
            body.extend_from_slice(value.as_bytes());
            body.push(0);
        }
        body.push(0);
        let mut packet = ((body.len() + 4) as u32).to_be_bytes().to_vec();
        packet.extend_from_slice(&body);
        self.stream.write_all(&packet)?;

        loop {
            let (tag, payload) = self.read_message()?;
            match tag {
                b'R' => match read_u32(&payload, 0)? {
                    0 => {}
                    3 => {
                        let password = config.password.clone().unwrap_or_default();
                        self.send(b'p', &[password.as_bytes(), &[0]].concat())?;
                    }
                    other => {
                        return Err(ConnectorError::auth(
                            "UNSUPPORTED_AUTH",
                            format!("authentication method {other} is not supported"),
                        ))
                    }
                },
                b'E' => return Err(server_error(&payload)),
                b'Z' => return Ok(()),
                _ => {} // ParameterStatus, BackendKeyData, NoticeResponse
            }
        }
    }

    /// Run one statement with the simple query protocol.
    pub fn query(&mut self, sql: &str) -> Result<QueryResult, ConnectorError> {
        self.send(b'Q', &[sql.as_bytes(), &[0]].concat())?;
        let mut result = QueryResult::default();
        let mut failure = None;
        loop {
            let (tag, payload) = self.read_message()?;
            match tag {
                b'T' => result.columns = parse_row_description(&payload)?,
                b'D' => result.rows.push(parse_data_row(&payload)?),
                b'E' => failure = Some(server_error(&payload)),
                b'Z' => break,
                _ => {} // CommandComplete, EmptyQueryResponse, NoticeResponse
            }
        }
        match failure {
            Some(err) => Err(err),
            None => Ok(result),
        }
    }

    /// Send Terminate; the socket closes when the client is dropped.
    pub fn terminate(mut self) {
        let _ = self.send(b'X', &[]);
    }

    fn send(&mut self, tag: u8, body: &[u8]) -> Result<(), ConnectorError> {
        let mut packet = vec![tag];
        packet.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
        packet.extend_from_slice(body);
        self.stream.write_all(&packet)?;
        Ok(())
    }

    fn read_message(&mut self) -> Result<(u8, Vec<u8>), ConnectorError> {
        let mut header = [0u8; 5];
        self.stream.read_exact(&mut header)?;
        let len = u32::from_be_bytes([header[1], header[2], header[3], header[4]]) as usize;
        let mut payload = vec![0u8; len.saturating_sub(4)];
        self.stream.read_exact(&mut payload)?;
        Ok((header[0], payload))
    }
}

fn protocol_error(what: &str) -> ConnectorError {
    ConnectorError::transient_db("PROTOCOL_ERROR", format!("malformed {what} message"))
}

fn read_u32(buf: &[u8], at: usize) -> Result<u32, ConnectorError> {
    let bytes = buf.get(at..at + 4).ok_or_else(|| protocol_error("backend"))?;
    Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

fn read_cstr(buf: &[u8], at: usize) -> Result<(String, usize), ConnectorError> {
    let end = buf[at..].iter().position(|b| *b == 0).ok_or_else(|| protocol_error("string"))?;
    Ok((String::from_utf8_lossy(&buf[at..at + end]).into_owned(), at + end + 1))
}

fn parse_row_description(payload: &[u8]) -> Result<Vec<ResultColumn>, ConnectorError> {
    let count = u16::from_be_bytes([payload[0], payload[1]]) as usize;
    let mut at = 2;
    let mut columns = Vec::with_capacity(count);
    for _ in 0..count {
        let (name, next) = read_cstr(payload, at)?;
        let type_oid = read_u32(payload, next + 6)?;
        columns.push(ResultColumn { name, type_oid });
        at = next + 18;
    }
    Ok(columns)
}

fn parse_data_row(payload: &[u8]) -> Result<Vec<Option<String>>, ConnectorError> {
    let count = u16::from_be_bytes([payload[0], payload[1]]) as usize;
    let mut at = 2;
    let mut values = Vec::with_capacity(count);
    for _ in 0..count {
        let len = read_u32(payload, at)? as i32;
        at += 4;
        if len < 0 {
            values.push(None);
        } else {
            let bytes = payload.get(at..at + len as usize).ok_or_else(|| protocol_error("DataRow"))?;
            values.push(Some(String::from_utf8_lossy(bytes).into_owned()));
            at += len as usize;
        }
    }
    Ok(values)
}

fn server_error(payload: &[u8]) -> ConnectorError {
    let mut code = String::new();
    let mut message = String::new();
    let mut at = 0;
    while at < payload.len() && payload[at] != 0 {
        let field = payload[at];
        let Ok((value, next)) = read_cstr(payload, at + 1) else { break };
        match field {
            b'C' => code = value,
            b'M' => message = value,
            _ => {}
        }
        at = next;
    }
    if code.starts_with("28") {
        ConnectorError::auth(code, message)
    } else if code.starts_with("42") {
        ConnectorError::schema(code, message)
    } else {
        ConnectorError::transient_db(code, message)
    }
}
