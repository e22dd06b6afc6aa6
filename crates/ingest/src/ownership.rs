//! SEC insider ownership reports: Forms 3, 4 and 5 and their amendments.
//!
//! Read from the bare XML (`ownershipDocument`, schema versions X0203 to X0508 share
//! the element names used here) or from the `<XML>` block of an EDGAR full-text
//! submission, whose header also gives the accession number and the filing date.
//! The filing date is what makes a trade *known*; bare XML carries none, so the
//! store dates such a document by its period of report plus the statutory two
//! business days and marks the date as estimated.

use std::collections::BTreeMap;

use alphadesk_model::{parse_date, Accession, NaiveDate};
use serde::Serialize;

use crate::error::{check_text, ParseError};
use crate::sgml;
use crate::xml::{self, Element};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Issuer {
    pub cik: Option<String>,
    pub name: Option<String>,
    pub ticker: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReportingOwner {
    pub cik: Option<String>,
    pub name: Option<String>,
    pub is_director: bool,
    pub is_officer: bool,
    pub officer_title: Option<String>,
    pub is_ten_percent_owner: bool,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    NonDerivative,
    Derivative,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A change in holdings with a transaction code.
    Transaction,
    /// A position reported without a transaction (every row of a Form 3).
    Holding,
}

/// One row of the non-derivative or derivative table, in document order.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InsiderTrade {
    pub table: Table,
    pub kind: EntryKind,
    pub security_title: Option<String>,
    /// Trade date (not when it became public).
    pub date: Option<NaiveDate>,
    /// SEC transaction code: P open-market purchase, S sale, A grant, M exercise,
    /// F tax withholding, G gift, ...
    pub code: Option<String>,
    pub shares: Option<f64>,
    /// Price per share in USD; weighted averages and missing prices are footnoted.
    pub price: Option<f64>,
    /// `A` acquired or `D` disposed.
    pub acquired_disposed: Option<String>,
    pub shares_owned_after: Option<f64>,
    /// Dollar amount for securities reported by value rather than shares
    /// (`transactionTotalValue`); `shares` is then null.
    pub total_value: Option<f64>,
    /// `D` direct or `I` indirect.
    pub ownership: Option<String>,
    pub conversion_or_exercise_price: Option<f64>,
    pub underlying_security_title: Option<String>,
    pub underlying_shares: Option<f64>,
    /// Footnote ids referenced anywhere in the row, in order of first reference.
    pub footnotes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnershipReport {
    pub form_type: String,
    pub schema_version: Option<String>,
    pub issuer: Issuer,
    pub reporting_owners: Vec<ReportingOwner>,
    pub period_of_report: Option<NaiveDate>,
    pub transactions: Vec<InsiderTrade>,
    pub footnotes: BTreeMap<String, String>,
    /// From the full-text submission header; `None` for bare XML.
    pub accession: Option<Accession>,
    pub filed: Option<NaiveDate>,
    /// An amendment (`4/A`) names the filing date of the report it replaces.
    pub original_filed: Option<NaiveDate>,
}

pub(crate) fn looks_like_root(name: &str) -> bool {
    name.eq_ignore_ascii_case("ownershipDocument")
}

pub fn parse(bytes: &[u8]) -> Result<OwnershipReport, ParseError> {
    check_text(bytes)?;
    if sgml::is_submission(bytes) {
        let header = sgml::header(bytes);
        for block in sgml::xml_blocks(bytes) {
            if xml::root_name(trim(block.bytes)).is_some_and(|n| looks_like_root(&n)) {
                let root = xml::parse(block.bytes, block.offset)?;
                let mut r = from_root(&root)?;
                r.accession = header.accession.clone();
                r.filed = header.filed;
                return Ok(r);
            }
        }
        return Err(ParseError::file("full-text submission holds no ownershipDocument XML"));
    }
    let root = xml::parse(bytes, 0)?;
    from_root(&root)
}

fn trim(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    &b[i..]
}

fn flag(e: &Element, path: &[&str]) -> bool {
    matches!(e.value_at(path), Some(v) if v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Numbers in ownership filings are mostly plain, but thousands separators and
/// dollar signs appear in hand-made filings.
pub(crate) fn number(s: Option<&str>) -> Option<f64> {
    let s = s?;
    let cleaned: String = s.chars().filter(|c| !matches!(c, ',' | '$' | ' ')).collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn date(s: Option<&str>) -> Option<NaiveDate> {
    // Some filers append a zone offset (`2005-03-01-05:00`); the calendar date is
    // the first ten characters.
    let s = s?;
    parse_date(s.get(..10).unwrap_or(s))
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

fn from_root(root: &Element) -> Result<OwnershipReport, ParseError> {
    if !looks_like_root(&root.name) {
        return Err(ParseError::at(
            crate::Location::Element { path: root.name.clone(), offset: root.offset },
            "expected an <ownershipDocument> root element",
        ));
    }
    let form_type = root
        .text_at(&["documentType"])
        .ok_or_else(|| {
            ParseError::at(
                crate::Location::Element { path: "ownershipDocument/documentType".into(), offset: root.offset },
                "missing documentType",
            )
        })?
        .to_string();
    let issuer = root.child("issuer");
    let issuer = Issuer {
        cik: issuer.and_then(|i| owned(i.text_at(&["issuerCik"]))),
        name: issuer.and_then(|i| owned(i.text_at(&["issuerName"]))),
        ticker: issuer.and_then(|i| owned(i.text_at(&["issuerTradingSymbol"]))),
    };
    let reporting_owners = root
        .children_named("reportingOwner")
        .map(|o| ReportingOwner {
            cik: owned(o.text_at(&["reportingOwnerId", "rptOwnerCik"])),
            name: owned(o.text_at(&["reportingOwnerId", "rptOwnerName"])),
            is_director: flag(o, &["reportingOwnerRelationship", "isDirector"]),
            is_officer: flag(o, &["reportingOwnerRelationship", "isOfficer"]),
            officer_title: owned(o.text_at(&["reportingOwnerRelationship", "officerTitle"])),
            is_ten_percent_owner: flag(o, &["reportingOwnerRelationship", "isTenPercentOwner"]),
        })
        .collect();
    let mut transactions = Vec::new();
    for (table_name, table) in [("nonDerivativeTable", Table::NonDerivative), ("derivativeTable", Table::Derivative)] {
        let Some(t) = root.child(table_name) else { continue };
        for row in &t.children {
            let kind = match row.name.as_str() {
                "nonDerivativeTransaction" | "derivativeTransaction" => EntryKind::Transaction,
                "nonDerivativeHolding" | "derivativeHolding" => EntryKind::Holding,
                _ => continue,
            };
            transactions.push(trade(row, table, kind));
        }
    }
    let mut footnotes = BTreeMap::new();
    if let Some(f) = root.child("footnotes") {
        for n in f.children_named("footnote") {
            if let Some(id) = n.attr("id") {
                footnotes.insert(id.to_string(), n.text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }
    Ok(OwnershipReport {
        form_type,
        schema_version: owned(root.text_at(&["schemaVersion"])),
        issuer,
        reporting_owners,
        period_of_report: date(root.text_at(&["periodOfReport"])),
        transactions,
        footnotes,
        accession: None,
        filed: None,
        original_filed: date(root.text_at(&["dateOfOriginalSubmission"])),
    })
}

fn trade(row: &Element, table: Table, kind: EntryKind) -> InsiderTrade {
    let mut footnotes: Vec<String> = Vec::new();
    for d in row.descendants() {
        if d.name == "footnoteId" {
            if let Some(id) = d.attr("id") {
                if !footnotes.iter().any(|f| f == id) {
                    footnotes.push(id.to_string());
                }
            }
        }
    }
    let amounts = |p: &str| row.value_at(&["transactionAmounts", p]);
    InsiderTrade {
        table,
        kind,
        security_title: owned(row.value_at(&["securityTitle"])),
        date: date(row.value_at(&["transactionDate"])),
        code: owned(row.text_at(&["transactionCoding", "transactionCode"])),
        shares: number(amounts("transactionShares")),
        price: number(amounts("transactionPricePerShare")),
        acquired_disposed: owned(amounts("transactionAcquiredDisposedCode")),
        shares_owned_after: number(row.value_at(&["postTransactionAmounts", "sharesOwnedFollowingTransaction"])),
        total_value: number(amounts("transactionTotalValue")),
        ownership: owned(row.value_at(&["ownershipNature", "directOrIndirectOwnership"])),
        conversion_or_exercise_price: number(row.value_at(&["conversionOrExercisePrice"])),
        underlying_security_title: owned(row.value_at(&["underlyingSecurity", "underlyingSecurityTitle"])),
        underlying_shares: number(row.value_at(&["underlyingSecurity", "underlyingSecurityShares"])),
        footnotes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0"?>
<ownershipDocument><schemaVersion>X0306</schemaVersion><documentType>4/A</documentType>
<periodOfReport>2022-05-04</periodOfReport>
<issuer><issuerCik>0000320193</issuerCik><issuerName>Apple Inc.</issuerName><issuerTradingSymbol>AAPL</issuerTradingSymbol></issuer>
<reportingOwner><reportingOwnerId><rptOwnerCik>1</rptOwnerCik><rptOwnerName>A</rptOwnerName></reportingOwnerId>
 <reportingOwnerRelationship><isDirector>true</isDirector></reportingOwnerRelationship></reportingOwner>
<reportingOwner><reportingOwnerId><rptOwnerCik>2</rptOwnerCik><rptOwnerName>B</rptOwnerName></reportingOwnerId>
 <reportingOwnerRelationship><isOfficer>1</isOfficer><officerTitle>CFO</officerTitle></reportingOwnerRelationship></reportingOwner>
<nonDerivativeTable>
 <nonDerivativeTransaction><securityTitle><value>Common</value></securityTitle><transactionDate><value>2022-05-04-05:00</value></transactionDate>
  <transactionCoding><transactionCode>P</transactionCode></transactionCoding>
  <transactionAmounts><transactionShares><value>1,000</value></transactionShares><transactionPricePerShare><footnoteId id="F1"/></transactionPricePerShare>
  <transactionAcquiredDisposedCode><value>A</value></transactionAcquiredDisposedCode></transactionAmounts>
  <postTransactionAmounts><sharesOwnedFollowingTransaction><value>5000</value></sharesOwnedFollowingTransaction></postTransactionAmounts>
  <ownershipNature><directOrIndirectOwnership><value>D</value></directOrIndirectOwnership></ownershipNature></nonDerivativeTransaction>
 <nonDerivativeHolding><securityTitle><value>Common</value></securityTitle><postTransactionAmounts><sharesOwnedFollowingTransaction><value>7</value></sharesOwnedFollowingTransaction></postTransactionAmounts></nonDerivativeHolding>
</nonDerivativeTable>
<footnotes><footnote id="F1">Weighted   average
 price.</footnote></footnotes></ownershipDocument>"#;

    #[test]
    fn reads_owners_rows_and_footnotes() {
        let r = parse(DOC.as_bytes()).unwrap();
        assert_eq!(r.form_type, "4/A");
        assert_eq!(r.reporting_owners.len(), 2);
        assert!(r.reporting_owners[0].is_director && !r.reporting_owners[0].is_officer);
        assert_eq!(r.reporting_owners[1].officer_title.as_deref(), Some("CFO"));
        let t = &r.transactions[0];
        assert_eq!(t.code.as_deref(), Some("P"));
        assert_eq!(t.shares, Some(1000.0));
        assert_eq!(t.price, None);
        assert_eq!(t.footnotes, vec!["F1"]);
        assert_eq!(t.date.unwrap().to_string(), "2022-05-04");
        assert_eq!(r.transactions[1].kind, EntryKind::Holding);
        assert_eq!(r.footnotes["F1"], "Weighted average price.");
    }

    #[test]
    fn wrong_root_and_truncation_are_errors() {
        assert!(parse(b"<informationTable/>").unwrap_err().message.contains("ownershipDocument"));
        let err = parse(&DOC.as_bytes()[..600]).unwrap_err();
        assert!(err.to_string().contains("element <ownershipDocument"), "{err}");
    }
}
