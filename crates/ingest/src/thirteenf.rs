//! Form 13F institutional holdings: the cover page (`primary_doc.xml`) and the
//! information table, bare or inside an EDGAR full-text submission.
//!
//! ## The value unit
//! The `value` column was in thousands of dollars until the SEC's change effective
//! for filings on and after 2023-01-03, and in dollars from then on. The filing
//! date is the rule: a report filed before the cutover is read in thousands, one
//! filed on or after it in dollars. (A bare cover page has no filing date; its
//! signature date stands in. With neither, a quarter ending 2022-12-31 or later
//! was due after the cutover.)
//!
//! The data may contradict the rule: some early-2023 filers still wrote
//! thousands. The check is the median implied price (`value / shares` over share
//! rows): a share price in dollars is tens to hundreds of dollars, in thousands a
//! thousandth of that. A contradiction is always flagged (a warning stored with
//! the file); it overrides the date only for a report filed on or after the
//! cutover whose table has at least [`MIN_ROWS_TO_OVERRIDE`] share rows with a
//! median below $1. A small table of high-priced shares proves nothing (five rows
//! of Amazon and Alphabet in thousands look like $0.26 to $1.75 "prices"), and
//! before the cutover there was only one unit. Only a report with no date at all
//! is decided by the data alone. The choice and its reason travel with the report.

use alphadesk_model::{parse_date, Accession, NaiveDate};
use serde::Serialize;

use crate::error::{check_text, Location, ParseError, Warning};
use crate::ownership::number;
use crate::sgml;
use crate::xml::{self, Element};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Holding {
    pub issuer: String,
    pub class: Option<String>,
    pub cusip: String,
    pub value_usd: f64,
    /// Shares (`SH`) or principal amount (`PRN`) per `share_type`.
    pub shares: Option<f64>,
    pub share_type: Option<String>,
    /// `Put` or `Call` rows are options, not share holdings.
    pub put_call: Option<String>,
    pub discretion: Option<String>,
    pub voting: Voting,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Voting {
    pub sole: Option<f64>,
    pub shared: Option<f64>,
    pub none: Option<f64>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ValueUnit {
    Thousands,
    Dollars,
}

#[derive(Debug, Clone, Serialize)]
pub struct HoldingsReport {
    pub manager: Option<String>,
    pub manager_cik: Option<String>,
    pub form_type: Option<String>,
    /// Quarter end the report covers.
    pub period: Option<NaiveDate>,
    pub accession: Option<Accession>,
    pub filed: Option<NaiveDate>,
    /// Cover-page signature date.
    pub signed: Option<NaiveDate>,
    pub is_amendment: bool,
    pub holdings: Vec<Holding>,
    pub total_value_usd: f64,
    /// Cover-page totals as filed (in the filer's unit), for reconciliation.
    pub reported_entry_total: Option<u64>,
    pub reported_value_total: Option<f64>,
    pub has_cover: bool,
    pub has_table: bool,
    pub value_unit: ValueUnit,
    pub value_unit_reason: String,
    /// A value unit the data contradicts, and what was done about it.
    pub warnings: Vec<Warning>,
}

/// First filing date on which 13F values had to be reported in dollars.
pub fn dollar_cutover() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 3).expect("valid date")
}

pub(crate) fn looks_like_root(name: &str) -> bool {
    name.eq_ignore_ascii_case("informationTable") || name.eq_ignore_ascii_case("edgarSubmission")
}

struct Raw {
    cover: Option<Element>,
    table: Option<Element>,
}

pub fn parse(bytes: &[u8]) -> Result<HoldingsReport, ParseError> {
    check_text(bytes)?;
    let mut raw = Raw { cover: None, table: None };
    let mut header = sgml::Header::default();
    if sgml::is_submission(bytes) {
        header = sgml::header(bytes);
        for block in sgml::xml_blocks(bytes) {
            let e = xml::parse(block.bytes, block.offset)?;
            place(&mut raw, e)?;
        }
    } else {
        place(&mut raw, xml::parse(bytes, 0)?)?;
    }
    if raw.cover.is_none() && raw.table.is_none() {
        return Err(ParseError::file("no 13F cover page or information table found"));
    }
    build(raw, header)
}

fn place(raw: &mut Raw, e: Element) -> Result<(), ParseError> {
    if e.name.eq_ignore_ascii_case("informationTable") {
        raw.table = Some(e);
    } else if e.name.eq_ignore_ascii_case("edgarSubmission") {
        raw.cover = Some(e);
    } else {
        return Err(ParseError::at(
            Location::Element { path: e.name.clone(), offset: e.offset },
            "expected <edgarSubmission> (13F cover) or <informationTable>",
        ));
    }
    Ok(())
}

fn build(raw: Raw, header: sgml::Header) -> Result<HoldingsReport, ParseError> {
    let cover = raw.cover.as_ref();
    let cp = cover.and_then(|c| c.path(&["formData", "coverPage"]));
    let manager = cp.and_then(|c| c.text_at(&["filingManager", "name"])).map(str::to_string);
    let manager_cik =
        cover.and_then(|c| c.text_at(&["headerData", "filerInfo", "filer", "credentials", "cik"])).map(str::to_string);
    let period = cp
        .and_then(|c| c.text_at(&["reportCalendarOrQuarter"]))
        .or_else(|| cover.and_then(|c| c.text_at(&["headerData", "filerInfo", "periodOfReport"])))
        .and_then(parse_date)
        .or(header.period);
    let form_type = cover
        .and_then(|c| c.text_at(&["headerData", "submissionType"]))
        .map(str::to_string)
        .or(header.form_type.clone());
    let is_amendment = cp.and_then(|c| c.text_at(&["isAmendment"])).is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || form_type.as_deref().is_some_and(|f| f.ends_with("/A"));
    let summary = cover.and_then(|c| c.path(&["formData", "summaryPage"]));
    let reported_entry_total = summary.and_then(|s| s.text_at(&["tableEntryTotal"])).and_then(|v| v.parse().ok());
    let reported_value_total = number(summary.and_then(|s| s.text_at(&["tableValueTotal"])));
    let signed = cover.and_then(|c| c.text_at(&["formData", "signatureBlock", "signatureDate"])).and_then(parse_date);

    let mut rows = Vec::new();
    if let Some(t) = &raw.table {
        for (i, r) in t.children_named("infoTable").enumerate() {
            let need = |path: &[&str], what: &str| {
                r.text_at(path).ok_or_else(|| {
                    ParseError::at(
                        Location::Element {
                            path: format!("informationTable/infoTable[{}]/{}", i + 1, path.join("/")),
                            offset: r.offset,
                        },
                        format!("missing {what}"),
                    )
                })
            };
            let issuer = need(&["nameOfIssuer"], "nameOfIssuer")?.to_string();
            let cusip = need(&["cusip"], "cusip")?.to_string();
            let value_raw = need(&["value"], "value")?;
            let value = number(Some(value_raw)).ok_or_else(|| {
                ParseError::at(
                    Location::Element {
                        path: format!("informationTable/infoTable[{}]/value", i + 1),
                        offset: r.offset,
                    },
                    format!("value {value_raw:?} is not a number"),
                )
            })?;
            rows.push(Holding {
                issuer,
                class: r.text_at(&["titleOfClass"]).map(str::to_string),
                cusip,
                value_usd: value,
                shares: number(r.text_at(&["shrsOrPrnAmt", "sshPrnamt"])),
                share_type: r.text_at(&["shrsOrPrnAmt", "sshPrnamtType"]).map(str::to_string),
                put_call: r.text_at(&["putCall"]).map(str::to_string),
                discretion: r.text_at(&["investmentDiscretion"]).map(str::to_string),
                voting: Voting {
                    sole: number(r.text_at(&["votingAuthority", "Sole"])),
                    shared: number(r.text_at(&["votingAuthority", "Shared"])),
                    none: number(r.text_at(&["votingAuthority", "None"])),
                },
            });
        }
    }
    // A bare cover page has no filing date, but its signature date is the day the
    // filer signed it, within days of filing: good enough to place it against the
    // cutover.
    let (value_unit, value_unit_reason, flag) = decide_unit(&rows, header.filed.or(signed), period);
    let warnings = flag.map(|f| vec![Warning::file(format!("13F value unit: {f}"))]).unwrap_or_default();
    let scale = if value_unit == ValueUnit::Thousands { 1000.0 } else { 1.0 };
    for r in &mut rows {
        r.value_usd *= scale;
    }
    // With a table, the total is the sum of its rows (checkable against the cover);
    // a cover page alone still tells the portfolio's size.
    let total_value_usd = if raw.table.is_some() {
        rows.iter().fold(0.0, |acc, r| acc + r.value_usd)
    } else {
        reported_value_total.map(|v| v * scale).unwrap_or(0.0)
    };
    Ok(HoldingsReport {
        manager,
        manager_cik,
        form_type,
        period,
        accession: header.accession,
        filed: header.filed,
        signed,
        is_amendment,
        holdings: rows,
        total_value_usd,
        reported_entry_total,
        reported_value_total,
        has_cover: raw.cover.is_some(),
        has_table: raw.table.is_some(),
        value_unit,
        value_unit_reason,
        warnings,
    })
}

/// Share rows a post-cutover report needs before its implied prices may overrule
/// its filing date (see the module documentation).
pub const MIN_ROWS_TO_OVERRIDE: usize = 20;

/// The unit of a report's `value` column, why, and a warning when the data
/// contradicts the calendar. See the module documentation.
pub fn decide_unit(
    rows: &[Holding],
    filed: Option<NaiveDate>,
    period: Option<NaiveDate>,
) -> (ValueUnit, String, Option<String>) {
    let mut implied: Vec<f64> = rows
        .iter()
        .filter(|r| r.put_call.is_none() && r.share_type.as_deref().is_none_or(|t| t.eq_ignore_ascii_case("SH")))
        .filter_map(|r| match r.shares {
            Some(s) if s > 0.0 && r.value_usd > 0.0 => Some(r.value_usd / s),
            _ => None,
        })
        .collect();
    implied.sort_by(|a, b| a.total_cmp(b));
    let median = implied.get(implied.len() / 2).copied();
    let data_says = median.map(|m| if m < 1.0 { ValueUnit::Thousands } else { ValueUnit::Dollars });
    let evidence = median.map(|m| format!("median value/shares over {} share rows is {m:.4}", implied.len()));
    let cut = dollar_cutover();
    let by_date = match (filed, period) {
        (Some(f), _) if f >= cut => {
            Some((ValueUnit::Dollars, format!("filed or signed {f}, on or after the {cut} dollar cutover")))
        }
        (Some(f), _) => Some((ValueUnit::Thousands, format!("filed or signed {f}, before the {cut} dollar cutover"))),
        // A quarter ending 2022-12-31 or later was due after the cutover.
        (None, Some(p)) if p >= NaiveDate::from_ymd_opt(2022, 12, 31).expect("valid date") => {
            Some((ValueUnit::Dollars, format!("no filing date; period {p} was reported after the cutover")))
        }
        (None, Some(p)) => {
            Some((ValueUnit::Thousands, format!("no filing date; period {p} was reported before the cutover")))
        }
        (None, None) => None,
    };
    let unit_name = |u: ValueUnit| if u == ValueUnit::Thousands { "thousands of dollars" } else { "dollars" };
    match (by_date, data_says, evidence) {
        (None, Some(unit), Some(ev)) => {
            (unit, format!("no filing date or period; {ev}: a share price in {}", unit_name(unit)), None)
        }
        (None, _, _) => {
            (ValueUnit::Dollars, "no share rows, filing date or period; values taken as dollars".into(), None)
        }
        (Some((unit, why)), Some(data), Some(ev)) if data != unit => {
            let overrule = unit == ValueUnit::Dollars && implied.len() >= MIN_ROWS_TO_OVERRIDE;
            let chosen = if overrule { data } else { unit };
            let flag = format!(
                "{ev}, which reads as {} though the report was {why}; values taken in {}{}",
                unit_name(data),
                unit_name(chosen),
                if overrule {
                    format!(" (a table of {} share rows outweighs the date)", implied.len())
                } else if unit == ValueUnit::Thousands {
                    " (before the cutover there was one unit)".to_string()
                } else {
                    format!(" (fewer than {MIN_ROWS_TO_OVERRIDE} share rows cannot overrule the date)")
                }
            );
            (chosen, flag.clone(), Some(flag))
        }
        (Some((unit, why)), _, ev) => {
            let agree = ev.map(|e| format!("; {e}, consistent")).unwrap_or_default();
            (unit, format!("{why}{agree}"), None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(value: &str, shares: &str) -> String {
        format!(
            "  \n<?xml version=\"1.0\"?><n1:informationTable xmlns:n1=\"urn:x\"><n1:infoTable><n1:nameOfIssuer>3M</n1:nameOfIssuer><n1:titleOfClass>COM</n1:titleOfClass><n1:cusip>88579Y101</n1:cusip><n1:value>{value}</n1:value><n1:shrsOrPrnAmt><n1:sshPrnamt>{shares}</n1:sshPrnamt><n1:sshPrnamtType>SH</n1:sshPrnamtType></n1:shrsOrPrnAmt><n1:investmentDiscretion>SOLE</n1:investmentDiscretion><n1:votingAuthority><n1:Sole>0</n1:Sole><n1:Shared>0</n1:Shared><n1:None>{shares}</n1:None></n1:votingAuthority></n1:infoTable></n1:informationTable>"
        )
    }

    #[test]
    fn unit_is_decided_from_implied_price() {
        let r = parse(table("287", "2397").as_bytes()).unwrap();
        assert_eq!(r.value_unit, ValueUnit::Thousands);
        assert_eq!(r.holdings[0].value_usd, 287_000.0);
        let r = parse(table("287000", "2397").as_bytes()).unwrap();
        assert_eq!(r.value_unit, ValueUnit::Dollars);
        assert_eq!(r.total_value_usd, 287_000.0);
        assert_eq!(r.holdings[0].voting.none, Some(2397.0));
    }

    /// A full-text 13F-HR filed on `filed` (YYYYMMDD) whose table holds `rows` of
    /// (issuer, cusip, value as written, shares).
    fn submission(filed: &str, rows: &[(&str, &str, u64, u64)]) -> Vec<u8> {
        let mut table = String::new();
        for (issuer, cusip, value, shares) in rows {
            table.push_str(&format!(
                "<infoTable><nameOfIssuer>{issuer}</nameOfIssuer><titleOfClass>COM</titleOfClass><cusip>{cusip}</cusip><value>{value}</value><shrsOrPrnAmt><sshPrnamt>{shares}</sshPrnamt><sshPrnamtType>SH</sshPrnamtType></shrsOrPrnAmt><investmentDiscretion>SOLE</investmentDiscretion><votingAuthority><Sole>{shares}</Sole><Shared>0</Shared><None>0</None></votingAuthority></infoTable>"
            ));
        }
        format!(
            "<SEC-DOCUMENT>0000999999-21-000001.txt : {filed}\n<SEC-HEADER>0000999999-21-000001.hdr.sgml : {filed}\nACCESSION NUMBER:\t\t0000999999-21-000001\nCONFORMED SUBMISSION TYPE:\t13F-HR\nCONFORMED PERIOD OF REPORT:\t20201231\nFILED AS OF DATE:\t\t{filed}\n</SEC-HEADER>\n<DOCUMENT>\n<TYPE>INFORMATION TABLE\n<TEXT>\n<XML>\n<informationTable xmlns=\"http://www.sec.gov/edgar/document/thirteenf/informationtable\">{table}</informationTable>\n</XML>\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"
        )
        .into_bytes()
    }

    /// Five high-priced holdings in thousands, as a European manager filed them in
    /// February 2021: implied "prices" of $1.19 to $3.26 look like dollars.
    const HIGH_PRICED: &[(&str, &str, u64, u64)] = &[
        ("AMAZON COM INC", "023135106", 3_257, 1_000),
        ("ALPHABET INC", "02079K305", 1_752, 1_000),
        ("BOOKING HOLDINGS INC", "09857L108", 2_227, 1_000),
        ("CHIPOTLE MEXICAN GRILL", "169656105", 1_387, 1_000),
        ("AUTOZONE INC", "053332102", 1_185, 1_000),
    ];

    #[test]
    fn the_filing_date_decides_on_a_small_table() {
        let r = parse(&submission("20210210", HIGH_PRICED)).unwrap();
        assert_eq!(r.value_unit, ValueUnit::Thousands, "{}", r.value_unit_reason);
        assert_eq!(r.holdings[0].value_usd, 3_257_000.0);
        assert_eq!(r.total_value_usd, 9_808_000.0);
        // The contradiction is flagged, with the evidence, but does not decide.
        assert_eq!(r.warnings.len(), 1);
        let w = r.warnings[0].to_string();
        assert!(w.contains("median value/shares over 5 share rows is 1.7520") && w.contains("one unit"), "{w}");
        // Filed after the cutover, the same rows are dollars, and nothing disagrees.
        let r = parse(&submission("20230210", HIGH_PRICED)).unwrap();
        assert_eq!((r.value_unit, r.warnings.len()), (ValueUnit::Dollars, 0));
        // Five rows that look like thousands cannot overrule a post-cutover date.
        let r = parse(&submission("20230210", &[("3M CO", "88579Y101", 287, 2_397); 5])).unwrap();
        assert_eq!(r.value_unit, ValueUnit::Dollars);
        assert!(r.warnings[0].to_string().contains("fewer than 20 share rows"), "{:?}", r.warnings);
    }

    #[test]
    fn a_large_post_cutover_table_in_thousands_is_scaled() {
        let rows: Vec<(&str, &str, u64, u64)> = (0..25).map(|_| ("3M CO", "88579Y101", 287, 2_397)).collect();
        let r = parse(&submission("20230214", &rows)).unwrap();
        assert_eq!(r.value_unit, ValueUnit::Thousands, "{}", r.value_unit_reason);
        assert_eq!(r.holdings[0].value_usd, 287_000.0);
        assert!(r.warnings[0].to_string().contains("25 share rows outweighs the date"));
        // Consistent data raises nothing.
        let rows: Vec<(&str, &str, u64, u64)> = (0..25).map(|_| ("3M CO", "88579Y101", 287_000, 2_397)).collect();
        let r = parse(&submission("20230214", &rows)).unwrap();
        assert_eq!((r.value_unit, r.warnings.len()), (ValueUnit::Dollars, 0));
        assert!(r.value_unit_reason.contains("consistent"), "{}", r.value_unit_reason);
    }

    #[test]
    fn missing_value_is_an_error_with_row() {
        let bad = table("", "10");
        let err = parse(bad.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("infoTable[1]/value"), "{err}");
        assert!(parse(b"<ownershipDocument/>").is_err());
    }
}
