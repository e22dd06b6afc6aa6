//! Parse errors that say where a file broke, so a user can open it and look.

use std::fmt;

use serde::Serialize;

/// Where in a file something went wrong. Each parser reports in the unit a person
/// would use to find the spot: CSV by line, JSON by line and column, XML by byte
/// offset and element path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Location {
    /// The file as a whole (empty, binary, unknown layout).
    File,
    Line {
        line: u64,
    },
    LineColumn {
        line: u64,
        column: u64,
    },
    Byte {
        offset: u64,
    },
    Element {
        path: String,
        offset: u64,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Line { line } => write!(f, "line {line}"),
            Location::LineColumn { line, column } => write!(f, "line {line}, column {column}"),
            Location::Byte { offset } => write!(f, "byte {offset}"),
            Location::Element { path, offset } => write!(f, "element <{path}> at byte {offset}"),
        }
    }
}

/// A file could not be parsed at all. Nothing from it may be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub struct ParseError {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Location::File => write!(f, "{}", self.message),
            ref loc => write!(f, "{loc}: {}", self.message),
        }
    }
}

impl ParseError {
    pub fn file(message: impl Into<String>) -> Self {
        ParseError { location: Location::File, message: message.into() }
    }

    pub fn at(location: Location, message: impl Into<String>) -> Self {
        ParseError { location, message: message.into() }
    }

    pub fn line(line: u64, message: impl Into<String>) -> Self {
        Self::at(Location::Line { line }, message)
    }

    pub(crate) fn from_json(e: &serde_json::Error) -> Self {
        let kind = if e.is_eof() { "truncated JSON" } else { "invalid JSON" };
        let message = format!("{kind}: {e}");
        // serde_json reports line 0 for errors that have no position.
        if e.line() == 0 {
            Self::file(message)
        } else {
            Self::at(Location::LineColumn { line: e.line() as u64, column: e.column() as u64 }, message)
        }
    }
}

/// Something in an otherwise usable file that the user should know about: an empty
/// cell, a gap in a price history, a row that was skipped. Stored with the source and
/// printed in the ingest summary; never silently repaired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Location::File => write!(f, "{}", self.message),
            ref loc => write!(f, "{loc}: {}", self.message),
        }
    }
}

impl Warning {
    pub fn line(line: u64, message: impl Into<String>) -> Self {
        Warning { location: Location::Line { line }, message: message.into() }
    }
    pub fn file(message: impl Into<String>) -> Self {
        Warning { location: Location::File, message: message.into() }
    }
}

/// Rejects input that is not worth handing to a parser, with a reason a person
/// understands.
pub(crate) fn check_text(bytes: &[u8]) -> Result<(), ParseError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ParseError::file("empty file"));
    }
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(pos) = head.iter().position(|&b| b == 0) {
        return Err(ParseError::at(Location::Byte { offset: pos as u64 }, "binary file (NUL byte); not a text source"));
    }
    Ok(())
}

/// Text decoding that never fails: UTF-8 when valid, otherwise latin-1, which maps
/// every byte. Older EDGAR documents and some CSV exports are latin-1.
pub fn decode_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(bytes.iter().map(|&b| b as char).collect()),
    }
}
