//! Parsers for every primary source alphadesk reads.
//!
//! Bytes in, normalised records out. This crate does no I/O and knows nothing of the
//! store: that keeps each parser testable on a byte string, fuzzable, and reusable by
//! `alphadesk parse`, which prints what a file holds without storing it.
//!
//! [`detect`] decides a file's kind from its content (the file name is only a
//! tie-breaker), because EDGAR downloads arrive under every name imaginable.
//! Every parser returns a [`ParseError`] naming the line, byte offset or element
//! where the input broke, and never panics on any input (a property test feeds them
//! arbitrary bytes).

pub mod companyfacts;
mod csvrows;
pub mod documents;
mod error;
pub mod ownership;
pub mod prices;
pub mod sgml;
pub mod submissions;
pub mod tables;
pub mod thirteenf;
pub mod tiingo;
pub mod xml;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

pub use error::{decode_text, Location, ParseError, Warning};

/// The kinds of source file alphadesk understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Prices,
    CompanyFacts,
    Submissions,
    Form4,
    ThirteenF,
    Fundamentals,
    MarketSnapshot,
    Listings,
    SecTickers,
    SicCodes,
    Articles,
    Posts,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Prices,
        Kind::CompanyFacts,
        Kind::Submissions,
        Kind::Form4,
        Kind::ThirteenF,
        Kind::Fundamentals,
        Kind::MarketSnapshot,
        Kind::Listings,
        Kind::SecTickers,
        Kind::SicCodes,
        Kind::Articles,
        Kind::Posts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Prices => "prices",
            Kind::CompanyFacts => "companyfacts",
            Kind::Submissions => "submissions",
            Kind::Form4 => "form4",
            Kind::ThirteenF => "13f",
            Kind::Fundamentals => "fundamentals",
            Kind::MarketSnapshot => "snapshot",
            Kind::Listings => "listings",
            Kind::SecTickers => "sec-tickers",
            Kind::SicCodes => "sic",
            Kind::Articles => "articles",
            Kind::Posts => "posts",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|x| x.name() == k)
            .or(match k.as_str() {
                "form3" | "form5" | "ownership" => Some(Kind::Form4),
                "thirteenf" | "13f-hr" => Some(Kind::ThirteenF),
                "securities" | "constituents" | "sectors" => Some(Kind::Listings),
                "company_tickers" | "company-tickers" => Some(Kind::SecTickers),
                "article" | "news" => Some(Kind::Articles),
                "post" | "tweets" | "social" => Some(Kind::Posts),
                _ => None,
            })
            .ok_or_else(|| {
                format!(
                    "unknown kind {s:?}; expected one of: {}",
                    Kind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
                )
            })
    }
}

/// What `detect` concluded about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    Kind(Kind),
    /// Text we do not read (yet): documentation, licences, other datasets.
    Unrecognised(String),
}

/// Decides a file's kind from its first bytes.
pub fn detect(bytes: &[u8]) -> Result<Detected, ParseError> {
    error::check_text(bytes)?;
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let lead = lead_of(head);
    if lead.starts_with(b"{") {
        match documents::looks_like(lead) {
            Some(documents::DocKind::Article) => return Ok(Detected::Kind(Kind::Articles)),
            Some(documents::DocKind::Post) => return Ok(Detected::Kind(Kind::Posts)),
            None => {}
        }
        if companyfacts::looks_like(head) {
            return Ok(Detected::Kind(Kind::CompanyFacts));
        }
        if submissions::looks_like(head) {
            return Ok(Detected::Kind(Kind::Submissions));
        }
        if companyfacts::contains(head, b"\"cik_str\"")
            || (companyfacts::contains(head, b"\"fields\"") && companyfacts::contains(head, b"\"ticker\""))
        {
            return Ok(Detected::Kind(Kind::SecTickers));
        }
        return Ok(Detected::Unrecognised("JSON of an unknown layout".into()));
    }
    if documents::markup_kind(lead).is_some() {
        return Ok(Detected::Kind(Kind::Articles));
    }
    if sgml::is_submission(bytes) {
        for block in sgml::xml_blocks(bytes) {
            let trimmed = &block.bytes[block.bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0)..];
            match xml::root_name(trimmed) {
                Some(n) if ownership::looks_like_root(&n) => return Ok(Detected::Kind(Kind::Form4)),
                Some(n) if thirteenf::looks_like_root(&n) => return Ok(Detected::Kind(Kind::ThirteenF)),
                _ => {}
            }
        }
        return Ok(Detected::Unrecognised("EDGAR submission without ownership or 13F XML".into()));
    }
    if lead.starts_with(b"<") {
        return Ok(match xml::root_name(lead) {
            Some(n) if ownership::looks_like_root(&n) => Detected::Kind(Kind::Form4),
            Some(n) if thirteenf::looks_like_root(&n) => Detected::Kind(Kind::ThirteenF),
            Some(n) => Detected::Unrecognised(format!("XML with root <{n}>")),
            None => Detected::Unrecognised("markup without a readable root element".into()),
        });
    }
    let first_line =
        error::decode_text(&lead[..lead.iter().position(|&b| b == b'\n').unwrap_or(lead.len())]).into_owned();
    let cols: Vec<String> =
        first_line.trim_end().split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
    let has = |c: &str| cols.iter().any(|x| x == c);
    if prices::looks_like(&first_line) {
        return Ok(Detected::Kind(Kind::Prices));
    }
    if has("ticker symbol") && has("period ending") {
        return Ok(Detected::Kind(Kind::Fundamentals));
    }
    if has("symbol") && has("market cap") {
        return Ok(Detected::Kind(Kind::MarketSnapshot));
    }
    if (has("ticker symbol") && has("gics sector")) || (has("symbol") && has("sector")) {
        return Ok(Detected::Kind(Kind::Listings));
    }
    if has("sic code") {
        return Ok(Detected::Kind(Kind::SicCodes));
    }
    Ok(Detected::Unrecognised("text of an unknown layout".into()))
}

/// The bytes from the first non-space (after a BOM).
fn lead_of(bytes: &[u8]) -> &[u8] {
    let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    &b[b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len())..]
}

/// A parsed file of any kind.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Parsed<'a> {
    Prices(prices::PriceFile),
    CompanyFacts(#[serde(borrow)] companyfacts::CompanyFacts<'a>),
    Submissions(submissions::Submissions),
    Ownership(Box<ownership::OwnershipReport>),
    Holdings(thirteenf::HoldingsReport),
    Fundamentals(tables::FundamentalsTable),
    Snapshot(tables::MarketSnapshot),
    Listings(tables::Listings),
    SicCodes(Vec<tables::SicCode>),
    Documents(documents::Documents),
}

impl Parsed<'_> {
    /// The parse free of the bytes it borrowed from (only companyfacts borrow).
    pub fn into_owned(self) -> Parsed<'static> {
        match self {
            Parsed::CompanyFacts(f) => Parsed::CompanyFacts(f.into_owned()),
            Parsed::Prices(p) => Parsed::Prices(p),
            Parsed::Submissions(s) => Parsed::Submissions(s),
            Parsed::Ownership(o) => Parsed::Ownership(o),
            Parsed::Holdings(h) => Parsed::Holdings(h),
            Parsed::Fundamentals(f) => Parsed::Fundamentals(f),
            Parsed::Snapshot(s) => Parsed::Snapshot(s),
            Parsed::Listings(l) => Parsed::Listings(l),
            Parsed::SicCodes(c) => Parsed::SicCodes(c),
            Parsed::Documents(d) => Parsed::Documents(d),
        }
    }

    /// Warnings the parser raised about a usable file.
    pub fn warnings(&self) -> &[Warning] {
        match self {
            Parsed::Prices(p) => &p.warnings,
            Parsed::Submissions(s) => &s.warnings,
            Parsed::Fundamentals(f) => &f.warnings,
            Parsed::Snapshot(s) => &s.warnings,
            Parsed::Listings(l) => &l.warnings,
            Parsed::Documents(d) => &d.warnings,
            Parsed::Holdings(h) => &h.warnings,
            _ => &[],
        }
    }
}

/// Parses `bytes` as `kind`. `file_name` is the base name; a few layouts take an
/// identifier from it (a price file's ticker, a submissions page's CIK, a snapshot's
/// date) because the file itself does not say.
pub fn parse<'a>(kind: Kind, file_name: &str, bytes: &'a [u8]) -> Result<Parsed<'a>, ParseError> {
    let stem = file_name.rsplit_once('.').map(|(s, _)| s).unwrap_or(file_name);
    Ok(match kind {
        Kind::Prices => Parsed::Prices(prices::parse(bytes, stem)?),
        Kind::CompanyFacts => Parsed::CompanyFacts(companyfacts::parse(bytes)?),
        Kind::Submissions => Parsed::Submissions(submissions::parse(bytes, file_name)?),
        Kind::Form4 => Parsed::Ownership(Box::new(ownership::parse(bytes)?)),
        Kind::ThirteenF => Parsed::Holdings(thirteenf::parse(bytes)?),
        Kind::Fundamentals => Parsed::Fundamentals(tables::parse_fundamentals(bytes)?),
        Kind::MarketSnapshot => Parsed::Snapshot(tables::parse_snapshot(bytes, file_name)?),
        Kind::Listings => Parsed::Listings(tables::parse_listing_csv(bytes)?),
        Kind::SecTickers => Parsed::Listings(tables::parse_sec_tickers(bytes)?),
        Kind::SicCodes => Parsed::SicCodes(tables::parse_sic(bytes)?),
        // Articles arrive as JSON Lines, RSS/Atom feeds, HTML or dated text.
        Kind::Articles => Parsed::Documents(if lead_of(bytes).starts_with(b"{") {
            documents::parse_articles(bytes)?
        } else if documents::markup_kind(lead_of(bytes)) == Some(documents::MarkupKind::Feed) {
            documents::parse_feed(bytes)?
        } else {
            documents::parse_text_article(bytes)?
        }),
        // Posts take their ticker from the folder: callers pass `TICKER/DATE`.
        Kind::Posts => Parsed::Documents(documents::parse_posts(bytes, file_name)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn detects_by_content() {
        let k = |b: &[u8]| detect(b).unwrap();
        assert_eq!(k(b"date,open,high,low,close,volume,Name\n"), Detected::Kind(Kind::Prices));
        assert_eq!(k(b"  <?xml version=\"1.0\"?>\n<ownershipDocument/>"), Detected::Kind(Kind::Form4));
        assert_eq!(k(b"<ns1:informationTable xmlns:ns1=\"u\"/>"), Detected::Kind(Kind::ThirteenF));
        assert_eq!(k(b"{\"cik\":1,\"entityName\":\"a\",\"facts\":{}}"), Detected::Kind(Kind::CompanyFacts));
        assert!(matches!(k(b"# hello\n"), Detected::Unrecognised(_)));
        assert!(detect(b"").unwrap_err().message.contains("empty"));
        assert!(detect(b"\x00\x01\x02").unwrap_err().message.contains("binary"));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        #[test]
        fn no_parser_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = detect(&bytes);
            for k in Kind::ALL {
                let _ = parse(k, "CIK0000000001-submissions-001_2018-01-01.csv", &bytes);
            }
        }

        #[test]
        fn no_parser_panics_on_mangled_documents(cut in 0usize..4000, flip in 0usize..4000, byte in any::<u8>()) {
            let docs: [&[u8]; 3] = [
                b"<?xml version=\"1.0\"?><ownershipDocument><documentType>4</documentType><issuer><issuerCik>1</issuerCik></issuer><nonDerivativeTable><nonDerivativeTransaction><transactionAmounts><transactionShares><value>5</value></transactionShares></transactionAmounts></nonDerivativeTransaction></nonDerivativeTable></ownershipDocument>",
                b"{\"cik\":1,\"entityName\":\"a\",\"facts\":{\"dei\":{\"X\":{\"label\":\"l\",\"units\":{\"USD\":[{\"end\":\"2020-01-01\",\"val\":1,\"accn\":\"0000000001-20-000001\",\"fy\":2020,\"fp\":\"FY\",\"form\":\"10-K\",\"filed\":\"2020-02-02\"}]}}}}}",
                b"<informationTable><infoTable><nameOfIssuer>A</nameOfIssuer><cusip>037833100</cusip><value>5</value><shrsOrPrnAmt><sshPrnamt>1</sshPrnamt></shrsOrPrnAmt></infoTable></informationTable>",
            ];
            for d in docs {
                let mut v = d[..cut.min(d.len())].to_vec();
                if !v.is_empty() { let i = flip % v.len(); v[i] = byte; }
                for k in Kind::ALL { let _ = parse(k, "f", &v); }
            }
        }
    }
}
