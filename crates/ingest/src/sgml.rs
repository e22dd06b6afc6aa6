//! EDGAR full-text submissions (`.txt`, and the `.nc` dissemination form).
//!
//! A submission wraps one or more documents in SGML-like tags and carries a header
//! with the facts a point-in-time store needs most: the accession number and the
//! filing date. Two header dialects exist: the public `.txt` form
//! (`ACCESSION NUMBER:\t\t...`, `FILED AS OF DATE:\t...`) and the `.nc` form
//! (`<ACCESSION-NUMBER>...<FILING-DATE>...`). Both are read here.

use alphadesk_model::{parse_date, Accession, NaiveDate};

#[derive(Debug, Clone, Default)]
pub struct Header {
    pub accession: Option<Accession>,
    pub form_type: Option<String>,
    pub filed: Option<NaiveDate>,
    pub period: Option<NaiveDate>,
    /// EDGAR acceptance time as written (`20220506183057`), US Eastern.
    pub acceptance: Option<String>,
}

/// One `<XML>...</XML>` block and where it starts in the file.
pub struct XmlBlock<'a> {
    pub bytes: &'a [u8],
    pub offset: u64,
}

pub fn is_submission(bytes: &[u8]) -> bool {
    let head = trim_start(&bytes[..bytes.len().min(512)]);
    head.starts_with(b"<SEC-DOCUMENT>")
        || head.starts_with(b"<SUBMISSION>")
        || head.starts_with(b"<SEC-HEADER>")
        || head.starts_with(b"<IMS-DOCUMENT>")
}

fn trim_start(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    &b[i..]
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// Value after a `.txt` header label, up to the end of its line.
fn labelled<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let i = text.find(label)?;
    let rest = &text[i + label.len()..];
    let end = rest.find('\n').unwrap_or(rest.len());
    let v = rest[..end].trim();
    (!v.is_empty()).then_some(v)
}

/// Value after a `.nc` tag, up to the next `<`.
fn tagged<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    let i = text.find(tag)?;
    let rest = &text[i + tag.len()..];
    let end = rest.find('<').unwrap_or(rest.len());
    let v = rest[..end].trim();
    (!v.is_empty()).then_some(v)
}

pub fn header(bytes: &[u8]) -> Header {
    // The header precedes the first <DOCUMENT>; never scan document bodies for it.
    let end = find(bytes, b"<DOCUMENT>", 0).unwrap_or(bytes.len().min(64 * 1024));
    let text = String::from_utf8_lossy(&bytes[..end]);
    let pick = |label: &str, tag: &str| labelled(&text, label).or_else(|| tagged(&text, tag)).map(str::to_string);
    Header {
        accession: pick("ACCESSION NUMBER:", "<ACCESSION-NUMBER>").and_then(|s| Accession::new(&s).ok()),
        form_type: pick("CONFORMED SUBMISSION TYPE:", "<TYPE>"),
        filed: pick("FILED AS OF DATE:", "<FILING-DATE>").and_then(|s| parse_date(&s)),
        period: pick("CONFORMED PERIOD OF REPORT:", "<PERIOD>").and_then(|s| parse_date(&s)),
        acceptance: pick("<ACCEPTANCE-DATETIME>", "<ACCEPTANCE-DATETIME>"),
    }
}

/// Every `<XML>` block in the submission, in order. An unterminated block is
/// returned up to the end of the file so that the XML parser reports the truncation
/// at its real place.
pub fn xml_blocks(bytes: &[u8]) -> Vec<XmlBlock<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = find(bytes, b"<XML>", from) {
        let start = i + 5;
        let end = find(bytes, b"</XML>", start).unwrap_or(bytes.len());
        out.push(XmlBlock { bytes: &bytes[start..end], offset: start as u64 });
        from = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_header_dialects() {
        let txt = b"<SEC-DOCUMENT>x\nACCESSION NUMBER:\t\t0000320193-22-000061\nCONFORMED SUBMISSION TYPE:\t4\nFILED AS OF DATE:\t\t20220506\n<DOCUMENT>\n<XML>\n<a/>\n</XML>";
        let h = header(txt);
        assert_eq!(h.accession.unwrap().as_str(), "0000320193-22-000061");
        assert_eq!(h.filed.unwrap().to_string(), "2022-05-06");
        assert_eq!(xml_blocks(txt).len(), 1);
        let nc = b"<SUBMISSION>\n<ACCESSION-NUMBER>0001127602-25-004598<TYPE>4<PERIOD>20250212<FILING-DATE>20250213<DOCUMENT>";
        let h = header(nc);
        assert_eq!(h.form_type.as_deref(), Some("4"));
        assert_eq!(h.filed.unwrap().to_string(), "2025-02-13");
        assert_eq!(h.period.unwrap().to_string(), "2025-02-12");
    }
}
