//! A companyfacts document's facts kept as one compact record (`fact_sets`),
//! not as a row each.
//!
//! A row a fact made SQLite the bound of every companyfacts write: a B-tree
//! insert on a nine-column key per fact, about 0.8 µs each however they were
//! handed over (docs/perf.md), which held a bulk sync of EDGAR's
//! companyfacts.zip under half its 100 MB/s target. Every read of facts is by
//! filer (a filer's facts for some concepts, its splits, its periodic reports)
//! or of them all (export), so nothing is lost by keeping a document's facts
//! together: a filer's documents are decoded — their strings once each, the
//! facts of the concepts asked for — in less time than SQLite took to step
//! through the same facts' rows.
//!
//! The table of rows kept only the first copy of a fact's identity (filer,
//! concept, taxonomy, unit, start, end, accession, frame, value): a second
//! snapshot of a company's facts added only what was new. A set keeps its
//! document whole, and readers keep the first copy ([`Identity`]), by source
//! and then place in it — the same facts, in the same order, as the rows gave.
//!
//! The encoding (version 1): a version byte; the count of distinct strings and
//! each as a LEB128 length and its UTF-8 bytes; the count of facts and each as
//! LEB128 string indexes — concept, taxonomy, unit, start (0 for none, else
//! index + 1), end, accession, frame (likewise), fp (likewise), form, filed —
//! then the value as 8 bytes of a little-endian f64, then fy (0 for none, else
//! its zig-zag + 1); last, the CRC-32 of all before it, 4 bytes little-endian.
//! SQLite's integrity check reads a blob's pages, not what they say: the
//! checksum is how a damaged set is told from a set (`Store::check_integrity`).

use std::collections::HashMap;

use alphadesk_ingest::companyfacts::CompanyFacts;

use crate::StoreError;

const VERSION: u8 = 1;

/// One fact, as a document states it: its text as stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FactRow<'a> {
    pub concept: &'a str,
    pub taxonomy: &'a str,
    pub unit: &'a str,
    /// The period's start; none for an instant (nor when stated empty).
    pub start: Option<&'a str>,
    /// The period's end, or the instant.
    pub end: &'a str,
    /// The filing that reported it.
    pub accn: &'a str,
    /// The SEC's calendar frame, when it assigned one.
    pub frame: Option<&'a str>,
    pub value: f64,
    pub fy: Option<i64>,
    pub fp: Option<&'a str>,
    pub form: &'a str,
    /// When it became public.
    pub filed: &'a str,
}

/// What makes two facts one — the key the table of rows kept them unique by —
/// as the numbers of its strings: concept, taxonomy, unit, start, end,
/// accession, frame (`start` and `frame` [`NONE`] where none or empty, as the
/// rows had them `''`), and the value's bits, −0 as 0 (SQLite compared them as
/// numbers).
type Identity = ([u32; 7], u64);

const NONE: u32 = u32::MAX;

fn value_key(value: f64) -> u64 {
    if value == 0.0 { 0.0f64 } else { value }.to_bits()
}

/// Encodes the facts of `facts` that neither an earlier one of them nor a set
/// in `stored` (the filer's sets stored already) states, in their order: the
/// table of rows kept only the first copy of a fact (`INSERT OR IGNORE`), and
/// so does this, so that a filer's sets never overlap and a reader takes them
/// as they are. The encoding, and how many facts it holds.
pub(crate) fn encode(facts: &[FactRow<'_>], stored: &[FactSet<'_>]) -> (Vec<u8>, u64) {
    let mut strings = Strings::default();
    // A document lists a concept's facts together, and their unit, filing
    // and form run on from one fact to the next: each field asks first
    // whether it repeats the last fact's.
    let mut last: [(&str, u32); 10] = [("", 0); 10];
    let coded: Vec<[u32; 10]> = facts
        .iter()
        .map(|f| {
            let fields = [
                Some(f.concept),
                Some(f.taxonomy),
                Some(f.unit),
                f.start,
                Some(f.end),
                Some(f.accn),
                f.frame,
                f.fp,
                Some(f.form),
                Some(f.filed),
            ];
            let mut c = [0u32; 10];
            for (i, field) in fields.into_iter().enumerate() {
                let optional = matches!(i, 3 | 6 | 7);
                c[i] = match field {
                    None => 0,
                    Some(s) => {
                        let id = if last[i].1 > 0 && last[i].0 == s { last[i].1 - 1 } else { strings.at(s) };
                        last[i] = (s, id + 1);
                        id + u32::from(optional)
                    }
                };
            }
            c
        })
        .collect();
    let Strings { index, list: strings } = strings;
    let empty = index.get("").copied();
    let stated = |i: u32| if i == 0 || Some(i - 1) == empty { NONE } else { i - 1 };
    let identity = |c: &[u32; 10], value: f64| -> Identity {
        ([c[0], c[1], c[2], stated(c[3]), c[4], c[5], stated(c[6])], value_key(value))
    };
    let mut seen: std::collections::HashSet<Identity, foldhash::fast::RandomState> = Default::default();
    for set in stored {
        // A stored fact with a string this document never states cannot be
        // one of its facts.
        let ids: Vec<Option<u32>> = set.strings.iter().map(|s| index.get(s).copied()).collect();
        for c in set.coded().map_while(|c| c) {
            let id = |i: u32| ids[i as usize];
            let optional = |o: Option<u32>| match o {
                None => Some(0),
                Some(i) if set.strings[i as usize].is_empty() => Some(0),
                Some(i) => id(i).map(|x| x + 1),
            };
            let (Some(concept), Some(taxonomy), Some(unit), Some(start), Some(end), Some(accn), Some(frame)) = (
                id(c.concept),
                id(c.taxonomy),
                id(c.unit),
                optional(c.start),
                id(c.end),
                id(c.accn),
                optional(c.frame),
            ) else {
                continue;
            };
            seen.insert(identity(&[concept, taxonomy, unit, start, end, accn, frame, 0, 0, 0], c.value));
        }
    }
    let mut body = Vec::new();
    let mut count = 0u64;
    for (f, c) in facts.iter().zip(&coded) {
        if !seen.insert(identity(c, f.value)) {
            continue;
        }
        count += 1;
        for &n in c {
            put(&mut body, u64::from(n));
        }
        body.extend_from_slice(&f.value.to_le_bytes());
        put(&mut body, f.fy.map_or(0, |y| zigzag(y) + 1));
    }
    let mut out = Vec::with_capacity(body.len() + strings.iter().map(|s| s.len() + 2).sum::<usize>() + 16);
    out.push(VERSION);
    put(&mut out, strings.len() as u64);
    for s in &strings {
        put(&mut out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }
    put(&mut out, count);
    out.extend_from_slice(&body);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    (out, count)
}

/// A set's strings, each once, numbered in the order first met.
#[derive(Default)]
struct Strings<'a> {
    index: HashMap<&'a str, u32, foldhash::fast::RandomState>,
    list: Vec<&'a str>,
}

impl<'a> Strings<'a> {
    fn at(&mut self, s: &'a str) -> u32 {
        *self.index.entry(s).or_insert_with(|| {
            self.list.push(s);
            self.list.len() as u32 - 1
        })
    }
}

/// A set read back: its strings, borrowed from the stored bytes, and its facts
/// still encoded.
pub(crate) struct FactSet<'b> {
    pub strings: Vec<&'b str>,
    count: u64,
    body: &'b [u8],
}

/// A fact of a set by the indexes of its strings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Coded {
    pub concept: u32,
    pub taxonomy: u32,
    pub unit: u32,
    pub start: Option<u32>,
    pub end: u32,
    pub accn: u32,
    pub frame: Option<u32>,
    pub fp: Option<u32>,
    pub form: u32,
    pub filed: u32,
    pub value: f64,
    pub fy: Option<i64>,
}

impl<'b> FactSet<'b> {
    /// Reads a set's strings; `what` names it in an error (its source).
    pub fn decode(bytes: &'b [u8], what: &str) -> Result<FactSet<'b>, StoreError> {
        let corrupt = || StoreError::Damaged {
            what: format!("the stored facts of {what}"),
            why: "not a fact set this build reads (damaged, or written by a newer one)".into(),
        };
        let (bytes, crc) = bytes.split_at_checked(bytes.len().saturating_sub(4)).ok_or_else(corrupt)?;
        if crc.len() != 4 || crc32fast::hash(bytes).to_le_bytes() != crc {
            return Err(StoreError::Damaged {
                what: format!("the stored facts of {what}"),
                why: "its checksum does not match what it holds".into(),
            });
        }
        let mut r = Reader { bytes, at: 0 };
        if r.byte().ok_or_else(corrupt)? != VERSION {
            return Err(corrupt());
        }
        let n = r.varint().ok_or_else(corrupt)?;
        let mut strings = Vec::with_capacity(n.min(1 << 20) as usize);
        for _ in 0..n {
            let len = r.varint().ok_or_else(corrupt)? as usize;
            let raw = r.take(len).ok_or_else(corrupt)?;
            strings.push(std::str::from_utf8(raw).map_err(|_| corrupt())?);
        }
        let count = r.varint().ok_or_else(corrupt)?;
        Ok(FactSet { strings, count, body: &bytes[r.at..] })
    }

    /// The facts, in their document's order; `None` ends a damaged set early
    /// (see [`FactSet::check`]).
    pub fn coded(&self) -> impl Iterator<Item = Option<Coded>> + '_ {
        let mut r = Reader { bytes: self.body, at: 0 };
        let n = self.strings.len() as u64;
        (0..self.count).map(move |_| {
            let mut idx = [0u64; 10];
            for slot in &mut idx {
                *slot = r.varint()?;
            }
            let value = f64::from_le_bytes(r.take(8)?.try_into().ok()?);
            let fy = match r.varint()? {
                0 => None,
                z => Some(unzigzag(z - 1)),
            };
            let plain = |i: u64| (i < n).then_some(i as u32);
            let optional = |i: u64| if i == 0 { Some(None) } else { plain(i - 1).map(Some) };
            Some(Coded {
                concept: plain(idx[0])?,
                taxonomy: plain(idx[1])?,
                unit: plain(idx[2])?,
                start: optional(idx[3])?,
                end: plain(idx[4])?,
                accn: plain(idx[5])?,
                frame: optional(idx[6])?,
                fp: optional(idx[7])?,
                form: plain(idx[8])?,
                filed: plain(idx[9])?,
                value,
                fy,
            })
        })
    }

    /// A coded fact with its strings.
    pub fn row(&self, c: &Coded) -> FactRow<'b> {
        let s = |i: u32| self.strings[i as usize];
        FactRow {
            concept: s(c.concept),
            taxonomy: s(c.taxonomy),
            unit: s(c.unit),
            start: c.start.map(s),
            end: s(c.end),
            accn: s(c.accn),
            frame: c.frame.map(s),
            value: c.value,
            fy: c.fy,
            fp: c.fp.map(s),
            form: s(c.form),
            filed: s(c.filed),
        }
    }
}

fn put(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(z: u64) -> i64 {
    ((z >> 1) as i64) ^ -((z & 1) as i64)
}

struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn take(&mut self, len: usize) -> Option<&'b [u8]> {
        let end = self.at.checked_add(len)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }
}

/// A companyfacts document's facts made ready to store, on the thread that
/// parsed them (no string of them copied): its set as though the filer had
/// none stored yet, and the filings it cites.
pub struct Encoded {
    set: Vec<u8>,
    count: u64,
    /// The facts the document states, copies included: the rows it reports.
    pub stated: usize,
    accessions: Vec<String>,
}

impl Encoded {
    pub(crate) fn of(facts: &CompanyFacts<'_>) -> Encoded {
        let rows: Vec<FactRow<'_>> = facts
            .facts
            .iter()
            .map(|x| FactRow {
                concept: &x.concept,
                taxonomy: &x.taxonomy,
                unit: &x.unit,
                start: x.start.as_deref(),
                end: &x.end,
                accn: &x.accn,
                frame: x.frame.as_deref(),
                value: x.val,
                fy: x.fy.map(i64::from),
                fp: x.fp.as_deref(),
                form: &x.form,
                filed: &x.filed,
            })
            .collect();
        let (set, count) = encode(&rows, &[]);
        let mut seen: std::collections::HashSet<&str, foldhash::fast::RandomState> = Default::default();
        let accessions = rows.iter().filter(|r| seen.insert(r.accn)).map(|r| r.accn.to_string()).collect();
        Encoded { set, count, stated: rows.len(), accessions }
    }
}

/// Stores a document's facts as its set (`source_id` the document's
/// source), less those the filer's stored sets hold already, and the
/// filings they cite.
pub(crate) fn store(tx: &rusqlite::Connection, source_id: i64, cik: i64, facts: &Encoded) -> Result<(), StoreError> {
    let stored: Vec<(i64, Vec<u8>)> = tx
        .prepare_cached(crate::read::FACT_SETS_OF)?
        .query_map([cik], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let refiltered;
    let (set, count) = if stored.is_empty() {
        (&facts.set, facts.count)
    } else {
        let sets = stored
            .iter()
            .map(|(id, bytes)| FactSet::decode(bytes, &format!("source {id}")))
            .collect::<Result<Vec<_>, _>>()?;
        let mine = FactSet::decode(&facts.set, "the document being stored")?;
        let rows: Vec<FactRow<'_>> = mine.coded().map_while(|c| c).map(|c| mine.row(&c)).collect();
        refiltered = encode(&rows, &sets);
        (&refiltered.0, refiltered.1)
    };
    tx.prepare_cached("INSERT INTO fact_sets (source_id, cik, facts, encoded) VALUES (?1, ?2, ?3, ?4)")?
        .execute(rusqlite::params![source_id, cik, count as i64, set])?;
    // The filings the facts came from, once each (see `read::accession_known`).
    let mut acc = tx.prepare_cached("INSERT OR IGNORE INTO fact_accessions (accn) VALUES (?1)")?;
    for a in &facts.accessions {
        acc.execute([a])?;
    }
    Ok(())
}

impl crate::Store {
    /// Removes every stored fact filed after `date`, leaving the facts as the
    /// store held them then (a copy of what was known, for tests that a
    /// score never looks ahead): how many were removed.
    pub fn remove_facts_filed_after(&mut self, date: alphadesk_model::NaiveDate) -> Result<u64, StoreError> {
        let tx = self.conn.transaction()?;
        let sets: Vec<(i64, Vec<u8>)> = tx
            .prepare("SELECT source_id, encoded FROM fact_sets")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut removed = 0;
        for (source_id, bytes) in &sets {
            let set = FactSet::decode(bytes, &format!("source {source_id}"))?;
            let all: Vec<FactRow<'_>> = set.coded().map_while(|c| c).map(|c| set.row(&c)).collect();
            let kept: Vec<FactRow<'_>> = all
                .iter()
                .copied()
                .filter(|f| alphadesk_model::parse_date(f.filed).is_some_and(|filed| filed <= date))
                .collect();
            if kept.len() < all.len() {
                removed += (all.len() - kept.len()) as u64;
                let (encoded, count) = encode(&kept, &[]);
                tx.execute(
                    "UPDATE fact_sets SET facts = ?1, encoded = ?2 WHERE source_id = ?3",
                    rusqlite::params![count as i64, encoded, source_id],
                )?;
            }
        }
        tx.commit()?;
        Ok(removed)
    }
}

/// Reads every stored set through (its checksum, then each fact): the first
/// that does not read back, named by its source.
pub(crate) fn check_all(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    let mut st = conn.prepare("SELECT source_id, encoded FROM fact_sets")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let source_id: i64 = r.get(0)?;
        let name = format!("source {source_id}");
        let set = FactSet::decode(r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?, &name)?;
        if set.coded().any(|c| c.is_none()) {
            return Err(StoreError::Damaged {
                what: format!("the stored facts of {name}"),
                why: "a fact does not read back".into(),
            });
        }
    }
    Ok(())
}

/// Migration 19: the rows of `facts`, by source in their stored order, into
/// sets; then the table goes. The rows were each the first copy of their
/// identity, so the sets read back exactly what they held.
pub(crate) fn from_rows(tx: &rusqlite::Connection) -> rusqlite::Result<()> {
    /// A row as stored: `start` and `frame` are `""` where none.
    struct Stored {
        source_id: i64,
        cik: i64,
        text: [String; 9],
        fp: Option<String>,
        value: f64,
        fy: Option<i64>,
    }
    fn flush(tx: &rusqlite::Connection, held: &mut Vec<Stored>) -> rusqlite::Result<()> {
        let Some(first) = held.first() else { return Ok(()) };
        fn some(s: &str) -> Option<&str> {
            (!s.is_empty()).then_some(s)
        }
        let facts = held.iter().map(|r| FactRow {
            concept: &r.text[0],
            taxonomy: &r.text[1],
            unit: &r.text[2],
            start: some(&r.text[3]),
            end: &r.text[4],
            accn: &r.text[5],
            frame: some(&r.text[6]),
            value: r.value,
            fy: r.fy,
            fp: r.fp.as_deref(),
            form: &r.text[7],
            filed: &r.text[8],
        });
        let facts: Vec<FactRow<'_>> = facts.collect();
        let (encoded, count) = encode(&facts, &[]);
        tx.prepare_cached("INSERT INTO fact_sets (source_id, cik, facts, encoded) VALUES (?1, ?2, ?3, ?4)")?
            .execute(rusqlite::params![first.source_id, first.cik, count as i64, encoded])?;
        held.clear();
        Ok(())
    }
    let mut st = tx.prepare(
        "SELECT source_id, cik, concept, taxonomy, unit, start, end, accn, frame, form, filed, fp, value, fy
         FROM facts ORDER BY source_id, seq",
    )?;
    let mut rows = st.query([])?;
    let mut held: Vec<Stored> = Vec::new();
    while let Some(r) = rows.next()? {
        let source_id: i64 = r.get(0)?;
        if held.first().is_some_and(|h| h.source_id != source_id) {
            flush(tx, &mut held)?;
        }
        let mut text: [String; 9] = Default::default();
        for (slot, i) in text.iter_mut().zip(2..) {
            *slot = r.get(i)?;
        }
        held.push(Stored { source_id, cik: r.get(1)?, text, fp: r.get(11)?, value: r.get(12)?, fy: r.get(13)? });
    }
    flush(tx, &mut held)?;
    drop(rows);
    drop(st);
    tx.execute_batch("DROP TABLE facts")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact<'a>(concept: &'a str, value: f64, start: Option<&'a str>, fy: Option<i64>) -> FactRow<'a> {
        FactRow {
            concept,
            taxonomy: "us-gaap",
            unit: "USD",
            start,
            end: "2017-09-30",
            accn: "0000320193-17-000070",
            frame: None,
            value,
            fy,
            fp: Some("FY"),
            form: "10-K",
            filed: "2017-11-03",
        }
    }

    fn read(bytes: &[u8]) -> Vec<FactRow<'_>> {
        let set = FactSet::decode(bytes, "test").unwrap();
        set.coded().map(|c| set.row(&c.unwrap())).collect()
    }

    #[test]
    fn a_set_reads_back_the_facts_it_was_given_in_their_order() {
        let facts = vec![
            fact("Revenues", 229_234_000_000.0, Some("2016-09-25"), Some(2017)),
            fact("Assets", 375_319_000_000.0, None, None),
            fact("NetIncomeLoss", -1.5, Some("2016-09-25"), Some(-3)),
            FactRow { frame: Some("CY2017"), fp: None, ..fact("Revenues", 0.1 + 0.2, None, Some(i64::MAX)) },
        ];
        let (bytes, n) = encode(&facts, &[]);
        assert_eq!((read(&bytes), n), (facts, 4));
        // Strings are kept once each: the facts share all but their concepts.
        let set = FactSet::decode(&bytes, "test").unwrap();
        assert_eq!(set.strings.iter().filter(|s| **s == "us-gaap").count(), 1);
    }

    #[test]
    fn only_the_first_copy_of_a_fact_is_kept_as_the_rows_kept_it() {
        let first = [fact("Revenues", 1.0, None, Some(2017)), fact("Assets", 2.0, None, None)];
        let (stored, _) = encode(&first, &[]);
        let stored = FactSet::decode(&stored, "first").unwrap();
        // Again in a later snapshot (its fy and form may differ: not identity),
        // twice in one document, 0 and −0, and a start stated empty: one each.
        let later = [
            FactRow { fy: Some(2018), form: "10-K/A", ..fact("Revenues", 1.0, None, Some(2017)) },
            fact("Revenues", 3.0, None, None),
            fact("Revenues", 3.0, None, None),
            fact("Equity", 0.0, None, None),
            fact("Equity", -0.0, Some(""), None),
            fact("Assets", 2.0, Some("2016-09-25"), None),
        ];
        let (bytes, n) = encode(&later, std::slice::from_ref(&stored));
        assert_eq!(n, 3);
        assert_eq!(read(&bytes), vec![later[1], later[3], later[5]]);
    }

    #[test]
    fn a_damaged_set_is_an_error_never_a_wrong_fact() {
        let (bytes, _) = encode(&[fact("Revenues", 1.0, None, Some(2017)), fact("Assets", 2.0, None, None)], &[]);
        assert!(FactSet::decode(&bytes, "x").is_ok());
        assert!(FactSet::decode(&[2], "x").is_err(), "another version");
        for cut in 0..bytes.len() {
            assert!(FactSet::decode(&bytes[..cut], "x").is_err(), "cut at {cut} read");
        }
        // A byte overwritten anywhere, with a byte that still makes text (`Z`).
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] = if damaged[at] == b'Z' { b'Y' } else { b'Z' };
            assert!(FactSet::decode(&damaged, "x").is_err(), "a byte changed at {at} read");
        }
    }
}
