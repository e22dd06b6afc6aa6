//! CSV reading shared by the table parsers: true line numbers and a warning, not a
//! failure, for a row that cannot be read.

use csv::StringRecord;

use crate::error::{ParseError, Warning};

/// Line numbers from byte offsets. The csv crate miscounts lines in CRLF files (it
/// reports the header's line for the first record), and a wrong line number in an
/// error message sends a user to the wrong row, so we count newlines ourselves.
/// Offsets must be asked for in increasing order; each byte is scanned once.
struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, pos: 0, line: 1 }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = (byte as usize).min(self.bytes.len());
        // In CRLF files the reported record start is the header's trailing `\n`.
        while target < self.bytes.len() && matches!(self.bytes[target], b'\r' | b'\n') {
            target += 1;
        }
        if target < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += self.bytes[self.pos..target].iter().filter(|&&b| b == b'\n').count() as u64;
        self.pos = target;
        self.line
    }

    fn of_record(&mut self, rec: &csv::StringRecord) -> u64 {
        rec.position().map(|p| self.line_at(p.byte())).unwrap_or(0)
    }

    fn of_error(&mut self, e: &csv::Error) -> u64 {
        e.position().map(|p| self.line_at(p.byte())).unwrap_or(0)
    }
}

/// Records of a CSV file with the 1-based line each starts on.
pub(crate) struct Rows<'a> {
    rdr: csv::Reader<&'a [u8]>,
    lines: LineCounter<'a>,
    pub header: StringRecord,
}

impl<'a> Rows<'a> {
    pub(crate) fn open(bytes: &'a [u8]) -> Result<Self, ParseError> {
        // A BOM may lead; every offset below is into the same (stripped) slice.
        let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(b);
        let header = rdr.headers().map_err(|e| ParseError::line(1, format!("unreadable header: {e}")))?.clone();
        Ok(Rows { rdr, lines: LineCounter::new(b), header })
    }

    /// The next readable record. Unreadable rows, and with `full_width` rows whose
    /// field count differs from the header's, are skipped with a warning.
    pub(crate) fn next_row(&mut self, warnings: &mut Vec<Warning>, full_width: bool) -> Option<(u64, StringRecord)> {
        let mut rec = StringRecord::new();
        loop {
            match self.rdr.read_record(&mut rec) {
                Ok(false) => return None,
                Ok(true) => {
                    let line = self.lines.of_record(&rec);
                    if full_width && rec.len() != self.header.len() {
                        warnings.push(Warning::line(
                            line,
                            format!("row has {} fields, header has {}; skipped", rec.len(), self.header.len()),
                        ));
                        continue;
                    }
                    return Some((line, rec));
                }
                Err(e) => {
                    let line = self.lines.of_error(&e);
                    warnings.push(Warning::line(line, format!("unreadable row skipped: {e}")));
                    // An error without a position (I/O at end of input) would repeat
                    // forever; stop reading.
                    e.position()?;
                }
            }
        }
    }
}
