//! Form 13F institutional holdings: the cover page (`primary_doc.xml`) and the
//! information table, bare or inside an EDGAR full-text submission.
//!
//! ## The value unit
//! The `value` column was in thousands of dollars until the SEC's change effective
//! 2023-01-03, and in dollars after. Filers did not all switch on time (a Q4 2022
//! report filed in February 2023 in thousands, a 2021 amendment re-filed in 2023 in
//! dollars), so neither the period nor the filing date settles it. We decide from the
//! data: the median implied price (`value / shares` over share rows) of a table in
//! dollars is a share price, tens to hundreds of dollars; in thousands it is a
//! thousandth of that. A median below $1 means thousands. Only when a table has no
//! share rows do we fall back to the calendar: filed (or, lacking a filing date,
//! period ending) on or after the cutover means dollars. The choice and its reason
//! travel with the report.

use alphadesk_model::{parse_date, Accession, NaiveDate};
use serde::Serialize;

use crate::error::{check_text, Location, ParseError};
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
    let (value_unit, value_unit_reason) = decide_unit(&rows, header.filed.or(signed), period);
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
    })
}

/// See the module documentation for why the data decides before the calendar does.
pub fn decide_unit(rows: &[Holding], filed: Option<NaiveDate>, period: Option<NaiveDate>) -> (ValueUnit, String) {
    let mut implied: Vec<f64> = rows
        .iter()
        .filter(|r| r.put_call.is_none() && r.share_type.as_deref().is_none_or(|t| t.eq_ignore_ascii_case("SH")))
        .filter_map(|r| match r.shares {
            Some(s) if s > 0.0 && r.value_usd > 0.0 => Some(r.value_usd / s),
            _ => None,
        })
        .collect();
    if !implied.is_empty() {
        implied.sort_by(|a, b| a.total_cmp(b));
        let median = implied[implied.len() / 2];
        let unit = if median < 1.0 { ValueUnit::Thousands } else { ValueUnit::Dollars };
        let reason = format!(
            "median value/shares over {} share rows is {median:.4}: {}",
            implied.len(),
            if unit == ValueUnit::Thousands {
                "a share price in thousands of dollars"
            } else {
                "a share price in dollars"
            }
        );
        return (unit, reason);
    }
    let cut = dollar_cutover();
    match (filed, period) {
        (Some(f), _) => {
            if f >= cut {
                (
                    ValueUnit::Dollars,
                    format!("no share rows; filed or signed {f}, on or after the {cut} dollar cutover"),
                )
            } else {
                (ValueUnit::Thousands, format!("no share rows; filed or signed {f}, before the {cut} dollar cutover"))
            }
        }
        (None, Some(p)) => {
            // A quarter ending 2022-12-31 or later was due after the cutover.
            if p >= NaiveDate::from_ymd_opt(2022, 12, 31).expect("valid date") {
                (ValueUnit::Dollars, format!("no share rows or filing date; period {p} reported after the cutover"))
            } else {
                (ValueUnit::Thousands, format!("no share rows or filing date; period {p} reported before the cutover"))
            }
        }
        (None, None) => (ValueUnit::Dollars, "no share rows, filing date or period; values taken as dollars".into()),
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

    #[test]
    fn missing_value_is_an_error_with_row() {
        let bad = table("", "10");
        let err = parse(bad.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("infoTable[1]/value"), "{err}");
        assert!(parse(b"<ownershipDocument/>").is_err());
    }
}
