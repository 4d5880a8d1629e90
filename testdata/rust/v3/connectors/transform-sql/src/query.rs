//! A tiny SQL subset: `SELECT <projection> FROM input [WHERE <cond> [AND <cond>]...]`.
//!
//! A projection is `*` or a list of `column [AS alias]`; a condition is
//! `column <op> literal` (`=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`) or
//! `column IS [NOT] NULL`. Literals are numbers, 'strings', TRUE and FALSE.

use std::cmp::Ordering;

use rapidbyte_sdk::json::JsonValue;
use rapidbyte_sdk::{ColumnSchema, ConnectorError, RecordBatch};

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Num(f64),
    Sym(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Projection {
    All,
    Columns(Vec<(String, String)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    IsNull,
    IsNotNull,
}

#[derive(Debug, Clone, PartialEq)]
struct Condition {
    column: String,
    op: Op,
    literal: JsonValue,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    projection: Projection,
    conditions: Vec<Condition>,
}

fn invalid(message: impl Into<String>) -> ConnectorError {
    ConnectorError::config("INVALID_QUERY", message)
}

fn tokenize(sql: &str) -> Result<Vec<Token>, ConnectorError> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' || c == '"' {
            let quoted = c == '"';
            let start = if quoted { i + 1 } else { i };
            let mut j = start;
            while j < chars.len()
                && (if quoted { chars[j] != '"' } else { chars[j].is_ascii_alphanumeric() || chars[j] == '_' })
            {
                j += 1;
            }
            tokens.push(Token::Word(chars[start..j].iter().collect()));
            i = if quoted { j + 1 } else { j };
        } else if c == '\'' {
            let mut j = i + 1;
            let mut text = String::new();
            loop {
                match chars.get(j) {
                    None => return Err(invalid("unterminated string literal")),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        text.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(ch) => {
                        text.push(*ch);
                        j += 1;
                    }
                }
            }
            tokens.push(Token::Str(text));
            i = j + 1;
        } else if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            let text: String = chars[i..j].iter().collect();
            tokens.push(Token::Num(text.parse().map_err(|_| invalid(format!("bad number {text}")))?));
            i = j;
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let sym = if matches!(two.as_str(), "<=" | ">=" | "!=" | "<>") { two } else { c.to_string() };
            i += sym.len();
            tokens.push(Token::Sym(sym));
        }
    }
    Ok(tokens)
}

struct Cursor {
    tokens: Vec<Token>,
    pos: usize,
}

impl Cursor {
    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    fn keyword(&mut self, keyword: &str) -> Result<(), ConnectorError> {
        if self.peek_keyword(keyword) {
            self.pos += 1;
            Ok(())
        } else {
            Err(invalid(format!("expected {keyword}")))
        }
    }

    fn ident(&mut self) -> Result<String, ConnectorError> {
        match self.tokens.get(self.pos) {
            Some(Token::Word(w)) => {
                self.pos += 1;
                Ok(w.clone())
            }
            other => Err(invalid(format!("expected a column name, found {other:?}"))),
        }
    }

    fn sym(&mut self, sym: &str) -> bool {
        if matches!(self.tokens.get(self.pos), Some(Token::Sym(s)) if s == sym) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
}

impl Query {
    pub fn parse(sql: &str) -> Result<Query, ConnectorError> {
        let mut cur = Cursor { tokens: tokenize(sql.trim().trim_end_matches(';'))?, pos: 0 };
        cur.keyword("SELECT")?;
        let projection = if cur.sym("*") {
            Projection::All
        } else {
            let mut columns = Vec::new();
            loop {
                let name = cur.ident()?;
                let alias = if cur.peek_keyword("AS") {
                    cur.pos += 1;
                    cur.ident()?
                } else {
                    name.clone()
                };
                columns.push((name, alias));
                if !cur.sym(",") {
                    break;
                }
            }
            Projection::Columns(columns)
        };
        cur.keyword("FROM")?;
        cur.keyword("input")?;
        let mut conditions = Vec::new();
        if cur.peek_keyword("WHERE") {
            cur.pos += 1;
            loop {
                conditions.push(parse_condition(&mut cur)?);
                if !cur.peek_keyword("AND") {
                    break;
                }
                cur.pos += 1;
            }
        }
        if cur.pos != cur.tokens.len() {
            return Err(invalid(format!("unexpected {:?}", cur.tokens[cur.pos])));
        }
        Ok(Query { projection, conditions })
    }

    /// Output column names, when they do not depend on the input schema.
    pub fn output_columns(&self) -> Option<Vec<&str>> {
        match &self.projection {
            Projection::All => None,
            Projection::Columns(cols) => Some(cols.iter().map(|(_, alias)| alias.as_str()).collect()),
        }
    }

    pub fn apply(&self, batch: &RecordBatch) -> Result<RecordBatch, ConnectorError> {
        let lookup = |name: &str| {
            batch
                .column_index(name)
                .ok_or_else(|| ConnectorError::schema("UNKNOWN_COLUMN", format!("no column {name}")))
        };
        let filters =
            self.conditions.iter().map(|c| Ok((lookup(&c.column)?, c))).collect::<Result<Vec<_>, ConnectorError>>()?;
        let (indices, schema): (Vec<usize>, Vec<ColumnSchema>) = match &self.projection {
            Projection::All => (0..batch.schema.len()).zip(batch.schema.iter().cloned()).unzip(),
            Projection::Columns(cols) => cols
                .iter()
                .map(|(name, alias)| {
                    let i = lookup(name)?;
                    Ok((i, ColumnSchema { name: alias.clone(), ..batch.schema[i].clone() }))
                })
                .collect::<Result<Vec<_>, ConnectorError>>()?
                .into_iter()
                .unzip(),
        };
        let mut out = RecordBatch::new(batch.stream.clone(), schema);
        for row in &batch.rows {
            if filters.iter().all(|(i, cond)| cond.matches(&row[*i])) {
                out.push_row(indices.iter().map(|i| row[*i].clone()).collect())?;
            }
        }
        Ok(out)
    }
}

fn parse_condition(cur: &mut Cursor) -> Result<Condition, ConnectorError> {
    let column = cur.ident()?;
    if cur.peek_keyword("IS") {
        cur.pos += 1;
        let op = if cur.peek_keyword("NOT") {
            cur.pos += 1;
            Op::IsNotNull
        } else {
            Op::IsNull
        };
        cur.keyword("NULL")?;
        return Ok(Condition { column, op, literal: JsonValue::Null });
    }
    let op = match cur.tokens.get(cur.pos) {
        Some(Token::Sym(s)) => match s.as_str() {
            "=" => Op::Eq,
            "!=" | "<>" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            other => return Err(invalid(format!("unknown operator {other}"))),
        },
        other => return Err(invalid(format!("expected an operator, found {other:?}"))),
    };
    cur.pos += 1;
    let literal = match cur.tokens.get(cur.pos) {
        Some(Token::Num(n)) => JsonValue::Number(*n),
        Some(Token::Str(s)) => JsonValue::String(s.clone()),
        Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => JsonValue::Bool(true),
        Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => JsonValue::Bool(false),
        other => return Err(invalid(format!("expected a literal, found {other:?}"))),
    };
    cur.pos += 1;
    Ok(Condition { column, op, literal })
}

impl Condition {
    fn matches(&self, value: &JsonValue) -> bool {
        match self.op {
            Op::IsNull => value.is_null(),
            Op::IsNotNull => !value.is_null(),
            _ if value.is_null() => false,
            op => {
                let ordering = match (value, &self.literal) {
                    (JsonValue::Number(a), JsonValue::Number(b)) => a.partial_cmp(b),
                    (JsonValue::String(a), JsonValue::String(b)) => Some(a.cmp(b)),
                    (JsonValue::Bool(a), JsonValue::Bool(b)) => Some(a.cmp(b)),
                    (JsonValue::String(a), JsonValue::Number(b)) => {
                        a.parse::<f64>().ok().and_then(|a| a.partial_cmp(b))
                    }
                    _ => None,
                };
                let Some(ordering) = ordering else { return false };
                match op {
                    Op::Eq => ordering == Ordering::Equal,
                    Op::Ne => ordering != Ordering::Equal,
                    Op::Lt => ordering == Ordering::Less,
                    Op::Le => ordering != Ordering::Greater,
                    Op::Gt => ordering == Ordering::Greater,
                    Op::Ge => ordering != Ordering::Less,
                    Op::IsNull | Op::IsNotNull => unreachable!("handled above"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch() -> RecordBatch {
        let col = |name: &str, data_type: &str| ColumnSchema {
            name: name.into(),
            data_type: data_type.into(),
            nullable: true,
        };
        let mut batch = RecordBatch::new("users", vec![col("id", "int64"), col("name", "string")]);
        batch.push_row(vec![JsonValue::from(1i64), JsonValue::from("Ada")]).unwrap();
        batch.push_row(vec![JsonValue::from(2i64), JsonValue::Null]).unwrap();
        batch
    }

    #[test]
    fn filters_and_projects() {
        let query = Query::parse("SELECT name AS who FROM input WHERE id >= 1 AND name IS NOT NULL").unwrap();
        let out = query.apply(&batch()).unwrap();
        assert_eq!(out.schema[0].name, "who");
        assert_eq!(out.rows, vec![vec![JsonValue::from("Ada")]]);
    }

    #[test]
    fn rejects_other_tables() {
        assert!(Query::parse("SELECT * FROM users").is_err());
    }
}
