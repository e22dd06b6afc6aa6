//! SEC `submissions` JSON: the filer record and its filing index.
//!
//! The main file (`CIK##########.json`) holds the filer (name, tickers, exchanges,
//! SIC, fiscal year end, former names) and the most recent ~1,000 filings as
//! parallel arrays under `filings.recent`; older filings live in pages
//! (`CIK##########-submissions-NNN.json`) that hold only those arrays. A page does
//! not name its filer, so its CIK comes from the file name.

use alphadesk_model::{parse_date, Accession, Cik, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{check_text, ParseError, Warning};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FilingRow {
    pub accession: Accession,
    pub form: String,
    /// Date EDGAR accepted the filing: the day it became public.
    pub filed: NaiveDate,
    /// Period the filing reports on (`reportDate`), when it has one.
    pub report_date: Option<NaiveDate>,
    pub acceptance_datetime: Option<String>,
    pub primary_document: Option<String>,
    pub primary_doc_description: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FormerName {
    pub name: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Filer {
    pub name: String,
    pub entity_type: Option<String>,
    pub sic: Option<u32>,
    pub sic_description: Option<String>,
    pub tickers: Vec<String>,
    pub exchanges: Vec<String>,
    /// `MMDD` as SEC writes it (`0924` for Apple's late-September year end).
    pub fiscal_year_end: Option<String>,
    pub former_names: Vec<FormerName>,
    /// File names of the older pages this file points to.
    pub pages: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Submissions {
    pub cik: Cik,
    /// `None` for a pagination page.
    pub filer: Option<Filer>,
    pub filings: Vec<FilingRow>,
    pub warnings: Vec<Warning>,
}

pub(crate) fn looks_like(head: &[u8]) -> bool {
    use crate::companyfacts::contains;
    (contains(head, b"\"filings\"") && (contains(head, b"\"entityType\"") || contains(head, b"\"sicDescription\"")))
        || is_page(head)
}

/// A page is the bare column object: its first key is `accessionNumber` in SEC's
/// files. A re-serialised copy may reorder keys, so failing that, a head with the
/// filing columns and no filer fields is a page too.
pub(crate) fn is_page(head: &[u8]) -> bool {
    use crate::companyfacts::contains;
    let body = head.iter().position(|b| !b.is_ascii_whitespace()).map(|i| &head[i..]).unwrap_or(head);
    if let Some(rest) = body.strip_prefix(b"{") {
        let rest = rest.iter().position(|b| !b.is_ascii_whitespace()).map(|i| &rest[i..]).unwrap_or(rest);
        if rest.starts_with(b"\"accessionNumber\"") {
            return true;
        }
    }
    contains(head, b"\"accessionNumber\"") && !contains(head, b"\"cik\"") && !contains(head, b"\"filings\"")
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Columns {
    #[serde(default)]
    accession_number: Vec<String>,
    #[serde(default)]
    filing_date: Vec<String>,
    #[serde(default)]
    report_date: Vec<String>,
    #[serde(default)]
    acceptance_date_time: Vec<String>,
    #[serde(default)]
    form: Vec<String>,
    #[serde(default)]
    primary_document: Vec<String>,
    #[serde(default)]
    primary_doc_description: Vec<String>,
}

#[derive(Deserialize)]
struct PageRef {
    name: String,
}

#[derive(Deserialize, Default)]
struct Filings {
    #[serde(default)]
    recent: Columns,
    #[serde(default)]
    files: Vec<PageRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFormer {
    name: String,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMain {
    cik: serde_json::Value,
    name: String,
    entity_type: Option<String>,
    sic: Option<String>,
    sic_description: Option<String>,
    #[serde(default)]
    tickers: Vec<Option<String>>,
    #[serde(default)]
    exchanges: Vec<Option<String>>,
    fiscal_year_end: Option<String>,
    #[serde(default)]
    former_names: Vec<RawFormer>,
    #[serde(default)]
    filings: Filings,
}

/// CIK from a file name like `CIK0001009672-submissions-001.json`.
pub fn cik_from_file_name(name: &str) -> Option<Cik> {
    let i = name.find("CIK")?;
    let digits: String = name[i + 3..].chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

pub fn parse(bytes: &[u8], file_name: &str) -> Result<Submissions, ParseError> {
    check_text(bytes)?;
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if is_page(head) {
        let cols: Columns = serde_json::from_slice(bytes).map_err(|e| ParseError::from_json(&e))?;
        let cik = cik_from_file_name(file_name).ok_or_else(|| {
            ParseError::file(format!(
                "a submissions page names no filer; its file name {file_name:?} must contain CIK##########"
            ))
        })?;
        let mut warnings = Vec::new();
        let filings = rows(&cols, &mut warnings)?;
        return Ok(Submissions { cik, filer: None, filings, warnings });
    }
    let raw: RawMain = serde_json::from_slice(bytes).map_err(|e| ParseError::from_json(&e))?;
    let cik = match &raw.cik {
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| Cik::new(n).ok()),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| ParseError::file(format!("submissions `cik` is not a CIK: {}", raw.cik)))?;
    let mut warnings = Vec::new();
    let filings = rows(&raw.filings.recent, &mut warnings)?;
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let filer = Filer {
        name: raw.name,
        entity_type: nonempty(raw.entity_type),
        sic: raw.sic.as_deref().and_then(|s| s.trim().parse().ok()),
        sic_description: nonempty(raw.sic_description),
        tickers: raw.tickers.into_iter().flatten().collect(),
        exchanges: raw.exchanges.into_iter().map(|e| e.unwrap_or_default()).collect(),
        fiscal_year_end: nonempty(raw.fiscal_year_end),
        former_names: raw
            .former_names
            .into_iter()
            .map(|f| FormerName {
                name: f.name,
                from: f.from.as_deref().and_then(parse_date),
                to: f.to.as_deref().and_then(parse_date),
            })
            .collect(),
        pages: raw.filings.files.into_iter().map(|p| p.name).collect(),
    };
    Ok(Submissions { cik, filer: Some(filer), filings, warnings })
}

fn rows(c: &Columns, warnings: &mut Vec<Warning>) -> Result<Vec<FilingRow>, ParseError> {
    let n = c.accession_number.len();
    if c.filing_date.len() != n || c.form.len() != n {
        return Err(ParseError::file(format!(
            "filing index columns differ in length: accessionNumber {n}, filingDate {}, form {}",
            c.filing_date.len(),
            c.form.len()
        )));
    }
    let opt = |v: &Vec<String>, i: usize| v.get(i).map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let Ok(accession) = Accession::new(&c.accession_number[i]) else {
            warnings.push(Warning::file(format!("filing #{i}: bad accession {:?}; skipped", c.accession_number[i])));
            continue;
        };
        let Some(filed) = parse_date(&c.filing_date[i]) else {
            warnings.push(Warning::file(format!("filing {accession}: bad filingDate {:?}; skipped", c.filing_date[i])));
            continue;
        };
        out.push(FilingRow {
            accession,
            form: c.form[i].clone(),
            filed,
            report_date: c.report_date.get(i).and_then(|s| parse_date(s)),
            acceptance_datetime: opt(&c.acceptance_date_time, i),
            primary_document: opt(&c.primary_document, i),
            primary_doc_description: opt(&c.primary_doc_description, i),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_file_and_page() {
        let main = br#"{"cik":"320193","entityType":"operating","sic":"3571","sicDescription":"Electronic Computers","name":"Apple Inc.","tickers":["AAPL"],"exchanges":["Nasdaq"],"fiscalYearEnd":"0926","formerNames":[{"name":"APPLE COMPUTER INC","from":"1994-01-26T00:00:00.000Z","to":"2007-01-04T00:00:00.000Z"}],
          "filings":{"recent":{"accessionNumber":["0000320193-22-000061"],"filingDate":["2022-05-06"],"reportDate":["2022-05-04"],"acceptanceDateTime":["2022-05-06T18:30:57.000Z"],"form":["4"],"primaryDocument":["x.xml"],"primaryDocDescription":["FORM 4"]},"files":[{"name":"CIK0000320193-submissions-001.json","filingCount":5}]}}"#;
        let s = parse(main, "CIK0000320193.json").unwrap();
        let f = s.filer.unwrap();
        assert_eq!(f.sic, Some(3571));
        assert_eq!(f.former_names[0].to.unwrap().to_string(), "2007-01-04");
        assert_eq!(s.filings[0].report_date.unwrap().to_string(), "2022-05-04");
        assert_eq!(f.pages.len(), 1);
        let page = br#"{"accessionNumber":["0000320193-03-000001"],"filingDate":["2003-01-02"],"reportDate":[""],"acceptanceDateTime":[""],"form":["8-K"],"primaryDocument":[""],"primaryDocDescription":[""]}"#;
        let p = parse(page, "CIK0000320193-submissions-001.json").unwrap();
        assert_eq!(p.cik.get(), 320193);
        assert!(p.filer.is_none());
        assert_eq!(p.filings[0].report_date, None);
        assert!(parse(page, "page.json").is_err());
    }
}
