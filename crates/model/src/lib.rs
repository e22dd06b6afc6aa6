//! Domain value types shared by every alphadesk stage.
//!
//! Identifiers that travel between stages (a CIK, a ticker, an accession number, a
//! CUSIP) are newtypes that validate on construction, so that an unpadded CIK or a
//! lowercase ticker is caught where it enters the system instead of silently failing
//! to join three stages later. Dates are plain calendar dates (`chrono::NaiveDate`);
//! every field that holds one says in its name which date it is (`filed`,
//! `period_end`, `trade_date`), because "when did this happen" and "when could anyone
//! have known it" are different questions and only the second may drive a score.

#![warn(missing_docs)]

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use chrono::NaiveDate;

/// A value failed validation when it entered the system.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: {value:?} ({reason})")]
pub struct InvalidValue {
    /// What was being read ("CIK", "ticker").
    pub kind: &'static str,
    /// The value as given (at most 64 characters).
    pub value: String,
    /// What it should have been.
    pub reason: &'static str,
}

fn invalid(kind: &'static str, value: &str, reason: &'static str) -> InvalidValue {
    InvalidValue { kind, value: value.chars().take(64).collect(), reason }
}

/// A vocabulary's one spelling per variant — as stored, filed and shown —
/// read back by `FromStr` (an unknown word is an [`InvalidValue`] naming
/// what was expected) and written by `as_str` and `Display`. Serde's names
/// are declared on the enum and checked against these by the tests.
macro_rules! spelled {
    ($ty:ident, $what:literal, $expected:literal, $($variant:ident => $text:literal),+ $(,)?) => {
        impl $ty {
            /// The spelling as stored and filed.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text,)+
                }
            }
        }

        impl FromStr for $ty {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($text => Ok($ty::$variant),)+
                    _ => Err(invalid($what, s, $expected)),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // `pad`, not `write_str`: a table's `{:<24}` lines it up.
                f.pad(self.as_str())
            }
        }
    };
}

/// SEC Central Index Key. Stored as a number; displayed zero-padded to ten digits as
/// EDGAR does in file names (`CIK0000320193.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cik(u64);

impl Cik {
    /// The largest CIK EDGAR issues: ten digits.
    pub const MAX: u64 = 9_999_999_999;

    /// A CIK from its number; 0 and more than ten digits are refused.
    pub fn new(n: u64) -> Result<Self, InvalidValue> {
        if n == 0 || n > Self::MAX {
            return Err(invalid("CIK", &n.to_string(), "must be 1..=9999999999"));
        }
        Ok(Cik(n))
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }

    /// The ten-digit, zero-padded form EDGAR uses in paths.
    pub fn padded(self) -> String {
        format!("{:010}", self.0)
    }
}

impl FromStr for Cik {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t.strip_prefix("CIK").unwrap_or(t);
        if t.is_empty() || t.len() > 10 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("CIK", s, "expected up to ten digits"));
        }
        Cik::new(t.parse().map_err(|_| invalid("CIK", s, "not a number"))?)
    }
}

impl fmt::Display for Cik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An exchange ticker symbol, upper case: letters, digits, and `.` or `-` between
/// them (`BRK.B`, `BF-B`, `TWO-PA`). Nothing else: a ticker names files (`AAPL.md`)
/// and URL paths (`/t/AAPL`), so `/`, `..` and the like are refused where they
/// enter. Share classes keep their separator as the source wrote it, because the
/// sources disagree on it and rewriting would break the join back to the source
/// row; [`Ticker::alternate`] gives the other spelling, so that `BRK-B` finds
/// `BRK.B`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ticker(String);

impl Ticker {
    /// The longest ticker accepted (a root of six and a class suffix).
    pub const MAX_LEN: usize = 12;

    /// A ticker from any spelling a source uses (`brk-b`, `BRK.B`), upper-cased; junk is refused.
    pub fn new(s: &str) -> Result<Self, InvalidValue> {
        let t = s.trim();
        if t.is_empty() || t.len() > Self::MAX_LEN {
            return Err(invalid("ticker", s, "expected 1 to 12 characters"));
        }
        if !t.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')) {
            return Err(invalid("ticker", s, "only letters, digits, '.' and '-' are allowed"));
        }
        let b = t.as_bytes();
        if !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
            return Err(invalid("ticker", s, "must start and end with a letter or digit"));
        }
        if b.windows(2).any(|w| !w[0].is_ascii_alphanumeric() && !w[1].is_ascii_alphanumeric()) {
            return Err(invalid("ticker", s, "two separators in a row"));
        }
        if !t.bytes().any(|b| b.is_ascii_alphabetic()) {
            return Err(invalid("ticker", s, "no letter"));
        }
        Ok(Ticker(t.to_ascii_uppercase()))
    }

    /// The ticker as stored, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same symbol with the other share-class separator (`BRK.B` ↔ `BRK-B`),
    /// when it has one.
    pub fn alternate(&self) -> Option<Ticker> {
        let swapped: String = self
            .0
            .chars()
            .map(|c| match c {
                '.' => '-',
                '-' => '.',
                c => c,
            })
            .collect();
        (swapped != self.0).then_some(Ticker(swapped))
    }
}

impl TryFrom<String> for Ticker {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Ticker::new(&s)
    }
}

impl From<Ticker> for String {
    fn from(t: Ticker) -> String {
        t.0
    }
}

impl FromStr for Ticker {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ticker::new(s)
    }
}

impl fmt::Display for Ticker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// EDGAR accession number, `0000320193-22-000061`: filer id, year, sequence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Accession(String);

impl Accession {
    /// An accession from its 18 digits, with or without dashes.
    pub fn new(s: &str) -> Result<Self, InvalidValue> {
        let t = s.trim();
        let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
        let only_digits_and_dashes = t.chars().all(|c| c.is_ascii_digit() || c == '-');
        if digits.len() != 18 || !only_digits_and_dashes {
            return Err(invalid("accession number", s, "expected 18 digits as NNNNNNNNNN-YY-NNNNNN"));
        }
        Ok(Accession(format!("{}-{}-{}", &digits[..10], &digits[10..12], &digits[12..])))
    }

    /// The dashed form, `NNNNNNNNNN-YY-NNNNNN`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Accession {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Accession::new(&s)
    }
}

impl From<Accession> for String {
    fn from(a: Accession) -> String {
        a.0
    }
}

impl fmt::Display for Accession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A nine-character CUSIP (issuer, issue, check digit). The check digit is verified:
/// 13F tables are typed by hand often enough that a bad CUSIP is a real signal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cusip(String);

impl Cusip {
    /// A CUSIP whose check digit holds, upper-cased.
    pub fn new(s: &str) -> Result<Self, InvalidValue> {
        let t = s.trim().to_ascii_uppercase();
        if t.len() != 9 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b"*@#".contains(&b)) {
            return Err(invalid("CUSIP", s, "expected nine alphanumeric characters"));
        }
        Ok(Cusip(t))
    }

    /// Whether the ninth character is the correct Luhn-style check digit.
    pub fn check_digit_ok(&self) -> bool {
        let b = self.0.as_bytes();
        let mut sum = 0u32;
        for (i, &c) in b[..8].iter().enumerate() {
            let mut v = match c {
                b'0'..=b'9' => (c - b'0') as u32,
                b'A'..=b'Z' => (c - b'A') as u32 + 10,
                b'*' => 36,
                b'@' => 37,
                b'#' => 38,
                _ => return false,
            };
            if i % 2 == 1 {
                v *= 2;
            }
            sum += v / 10 + v % 10;
        }
        let check = (10 - sum % 10) % 10;
        b[8] == b'0' + check as u8
    }

    /// The nine characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Cusip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The date a point-in-time query is asked for: "what was known at the close of this
/// US-Eastern trading day". Everything filed, published or priced on or before it is
/// visible; nothing after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AsOf(pub NaiveDate);

impl AsOf {
    /// The calendar date.
    pub fn date(self) -> NaiveDate {
        self.0
    }
}

impl FromStr for AsOf {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_date(s).map(AsOf).ok_or_else(|| invalid("as-of date", s, "expected YYYY-MM-DD"))
    }
}

impl fmt::Display for AsOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A stored path as a reader is shown it: its last three components, which name
/// the file without the machine's directory layout (`market/prices/AAPL_data.csv`,
/// `sec/companyfacts/CIK0000320193.json`). Notes cite files this way, and every
/// answer the faces give names a source this way, so no answer reveals where the
/// server keeps its data. A document `sync` fetched is stored under its URL, which
/// is shown whole: it names a public record and links the reader to it.
pub fn display_path(path: &str) -> String {
    if path.starts_with("https://") || path.starts_with("http://") {
        return path.to_string();
    }
    let parts: Vec<&str> = path.trim_end_matches('/').rsplit('/').take(3).collect();
    parts.into_iter().rev().collect::<Vec<_>>().join("/")
}

/// Month names, lower case.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Numbers in words, zero to nineteen (index = value): one list for the
/// composer that keeps figures out of headlines and the checker that reads
/// "seventy-two" as 72.
pub const NUMBER_UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
/// Tens in words, twenty to ninety (index + 2 = tens).
pub const NUMBER_TENS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// Short month names wire copy uses ("June 17", "Jun 17", "Sept. 3").
pub const MONTH_ABBREVIATIONS: &[&str] =
    &["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"];

/// A lower-case month name, full or short.
pub fn is_month_word(w: &str) -> bool {
    MONTHS.contains(&w) || MONTH_ABBREVIATIONS.contains(&w)
}

/// The date a file's name carries, such as `constituents-financials_2017-03-08.csv`:
/// the day a dated snapshot describes.
pub fn date_from_file_name(name: &str) -> Option<NaiveDate> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        name.get(i..i + 10)
            .and_then(|s| (s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-').then(|| parse_date(s)).flatten())
    })
}

/// Parses the date spellings the sources use: ISO `2014-06-06`, EDGAR's compact
/// `20140606`, and the 13F cover page's `06-30-2014`. Anything else is `None`: the
/// caller knows which file and field it was reading and reports it.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    let b = t.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = t.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = match b.len() {
        10 if b[4] == b'-' && b[7] == b'-' => (num(0..4)?, num(5..7)?, num(8..10)?),
        10 if b[2] == b'-' && b[5] == b'-' => (num(6..10)?, num(0..2)?, num(3..5)?),
        10 if b[2] == b'/' && b[5] == b'/' => (num(6..10)?, num(0..2)?, num(3..5)?),
        8 => (num(0..4)?, num(4..6)?, num(6..8)?),
        // ISO date-time (`2022-05-06T18:30:57.000Z`): the calendar date is the part
        // before the T; callers that need the time parse it themselves.
        n if n > 10 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' => (num(0..4)?, num(5..7)?, num(8..10)?),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// The eleven GICS sectors under their current names. Sources spell some of them
/// differently ("Telecommunications Services", "Telecommunication Services"); every
/// spelling maps here so that "rank within sector" means one thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Sector {
    #[serde(rename = "Communication Services")]
    /// GICS 50.
    CommunicationServices,
    #[serde(rename = "Consumer Discretionary")]
    /// GICS 25.
    ConsumerDiscretionary,
    #[serde(rename = "Consumer Staples")]
    /// GICS 30.
    ConsumerStaples,
    /// GICS 10.
    Energy,
    /// GICS 40.
    Financials,
    #[serde(rename = "Health Care")]
    /// GICS 35.
    HealthCare,
    /// GICS 20.
    Industrials,
    #[serde(rename = "Information Technology")]
    /// GICS 45.
    InformationTechnology,
    /// GICS 15.
    Materials,
    #[serde(rename = "Real Estate")]
    /// GICS 60.
    RealEstate,
    /// GICS 55.
    Utilities,
}

impl Sector {
    /// The eleven sectors, in alphabetical order of their names.
    pub const ALL: [Sector; 11] = [
        Sector::CommunicationServices,
        Sector::ConsumerDiscretionary,
        Sector::ConsumerStaples,
        Sector::Energy,
        Sector::Financials,
        Sector::HealthCare,
        Sector::Industrials,
        Sector::InformationTechnology,
        Sector::Materials,
        Sector::RealEstate,
        Sector::Utilities,
    ];

    /// The GICS name, as every face prints it ("Health Care").
    pub fn name(self) -> &'static str {
        match self {
            Sector::CommunicationServices => "Communication Services",
            Sector::ConsumerDiscretionary => "Consumer Discretionary",
            Sector::ConsumerStaples => "Consumer Staples",
            Sector::Energy => "Energy",
            Sector::Financials => "Financials",
            Sector::HealthCare => "Health Care",
            Sector::Industrials => "Industrials",
            Sector::InformationTechnology => "Information Technology",
            Sector::Materials => "Materials",
            Sector::RealEstate => "Real Estate",
            Sector::Utilities => "Utilities",
        }
    }

    /// Maps a source's sector spelling to the canonical sector. The 2018 GICS
    /// reshuffle renamed Telecommunication Services to Communication Services; the
    /// shared tables predate it and use the old name.
    pub fn from_label(s: &str) -> Option<Sector> {
        let norm: String = s.trim().to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphabetic()).collect();
        Some(match norm.as_str() {
            "communicationservices"
            | "telecommunicationservices"
            | "telecommunicationsservices"
            | "telecommunications"
            | "telecom" => Sector::CommunicationServices,
            "consumerdiscretionary" => Sector::ConsumerDiscretionary,
            "consumerstaples" => Sector::ConsumerStaples,
            "energy" => Sector::Energy,
            "financials" | "financial" => Sector::Financials,
            "healthcare" => Sector::HealthCare,
            "industrials" => Sector::Industrials,
            "informationtechnology" | "technology" => Sector::InformationTechnology,
            "materials" => Sector::Materials,
            "realestate" => Sector::RealEstate,
            "utilities" => Sector::Utilities,
            _ => return None,
        })
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a stored document is: an article (news, a press release, a feed item)
/// or a social post. Posts weigh less in a tone signal and are never quoted
/// as news.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// A news article (a wire story or a company-page lead).
    Article,
    /// A social post (StockNet).
    Post,
}

spelled!(DocKind, "document kind", "expected article or post", Article => "article", Post => "post");

/// A standard fundamentals field: what a filer's XBRL facts (or the annual
/// table) are read into, and what the score's value and quality metrics and
/// the notes' fundamentals lines are computed from.
///
/// Declared in the order of their spellings, so that a map keyed by them lists
/// them as one keyed by the spelling did (JSON output unchanged); the order
/// they are *reported* in is [`Field::REPORTED`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Capital expenditure over the trailing twelve months.
    CapexTtm,
    /// Gross profit over the trailing twelve months.
    GrossProfitTtm,
    /// Market capitalisation at a close (priced per date, not filed).
    MarketCap,
    /// Net income over the trailing twelve months.
    NetIncomeTtm,
    /// Operating cash flow over the trailing twelve months.
    OperatingCashFlowTtm,
    /// Operating income over the trailing twelve months.
    OperatingIncomeTtm,
    /// Revenue over the trailing twelve months.
    RevenueTtm,
    /// Common shares outstanding.
    SharesOutstanding,
    /// Total assets on the latest balance sheet.
    TotalAssets,
    /// Total debt on the latest balance sheet.
    TotalDebt,
    /// Total equity on the latest balance sheet.
    TotalEquity,
    /// Total liabilities on the latest balance sheet.
    TotalLiabilities,
}

impl Field {
    /// Every field, in the order a report lists them: flows, then the balance
    /// sheet, then the share count and the market cap priced on it.
    pub const REPORTED: [Field; 12] = [
        Field::RevenueTtm,
        Field::GrossProfitTtm,
        Field::OperatingIncomeTtm,
        Field::NetIncomeTtm,
        Field::OperatingCashFlowTtm,
        Field::CapexTtm,
        Field::TotalAssets,
        Field::TotalLiabilities,
        Field::TotalEquity,
        Field::TotalDebt,
        Field::SharesOutstanding,
        Field::MarketCap,
    ];

    /// A flow over the trailing twelve months (the rest are instants).
    pub fn is_flow(self) -> bool {
        self.as_str().ends_with("_ttm")
    }

    /// Its spelling with spaces: how a sentence names it ("net income ttm").
    pub fn words(self) -> String {
        self.as_str().replace('_', " ")
    }
}

spelled!(
    Field,
    "fundamentals field",
    "expected a standard field such as revenue_ttm or total_assets",
    CapexTtm => "capex_ttm",
    GrossProfitTtm => "gross_profit_ttm",
    MarketCap => "market_cap",
    NetIncomeTtm => "net_income_ttm",
    OperatingCashFlowTtm => "operating_cash_flow_ttm",
    OperatingIncomeTtm => "operating_income_ttm",
    RevenueTtm => "revenue_ttm",
    SharesOutstanding => "shares_outstanding",
    TotalAssets => "total_assets",
    TotalDebt => "total_debt",
    TotalEquity => "total_equity",
    TotalLiabilities => "total_liabilities",
);

/// What a corporate action a price source states is: a split (its value new
/// shares per old) or a cash dividend (its value cash per share).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// New shares per old share, on the ex-date.
    Split,
    /// Cash per share.
    Dividend,
}

spelled!(ActionKind, "corporate action kind", "expected split or dividend", Split => "split", Dividend => "dividend");

/// The transaction code of an open-market insider trade (Form 4, table I): the
/// two codes the score and the notes read. Grants, exercises, tax withholding
/// and the other codes are stored as filed and never become one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum TradeCode {
    /// `P`: a purchase in the open market or privately.
    #[serde(rename = "P")]
    Purchase,
    /// `S`: a sale in the open market or privately.
    #[serde(rename = "S")]
    Sale,
}

spelled!(TradeCode, "open-market trade code", "expected P or S", Purchase => "P", Sale => "S");

impl TradeCode {
    /// What the insider did, in the past tense of a sentence ("bought").
    pub fn verb(self) -> &'static str {
        match self {
            TradeCode::Purchase => "bought",
            TradeCode::Sale => "sold",
        }
    }

    /// The trade as a noun ("purchase").
    pub fn noun(self) -> &'static str {
        match self {
            TradeCode::Purchase => "purchase",
            TradeCode::Sale => "sale",
        }
    }
}

/// A 13F manager as its report names it: the CIK on the cover page, or the
/// manager's name when the report gives none. Spelled as the CIK's number
/// (unpadded) or the name, and ordered by that spelling, as it was when it was
/// a string (so sums over managers keep their order).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Manager {
    /// The CIK on the report's cover page.
    Cik(Cik),
    /// The manager's name, when the report gives no CIK.
    Name(String),
}

impl Manager {
    /// The manager's CIK, when its report states one.
    pub fn cik(&self) -> Option<Cik> {
        match self {
            Manager::Cik(c) => Some(*c),
            Manager::Name(_) => None,
        }
    }

    fn spelling(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Manager::Cik(c) => c.get().to_string().into(),
            Manager::Name(n) => n.as_str().into(),
        }
    }
}

impl fmt::Display for Manager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spelling())
    }
}

impl Ord for Manager {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.spelling().cmp(&other.spelling())
    }
}

impl PartialOrd for Manager {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Manager {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A publishing rule of the checker, by its stable id (docs/rules.md). The
/// variants are in the alphabetical order of their ids, so ordering by a rule
/// orders by its id, as violations were always sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RuleId {
    /// Upside language needs a stated risk or limitation.
    Balance,
    /// The configured disclaimer, verbatim.
    Disclaimer,
    /// Two numbered sources that are one record.
    DuplicateSource,
    /// A company named as the subject must be the subject (a warning by default).
    Entity,
    /// The note's data date within the window of its publication date.
    Freshness,
    /// Every number matches a value held for the subject and cites its source.
    Grounding,
    /// Wire codes and other text no reader should see.
    Language,
    /// Advice addressed to the reader.
    PersonalizedAdvice,
    /// Price targets and predictions.
    Projection,
    /// Promises of gains.
    Promissory,
    /// A quotation that is not about the subject.
    QuoteRelevance,
    /// Alpha Scores, pillar scores and labels equal the computed ones.
    ScoreConsistency,
    /// Every citation resolves to a numbered source, and every source to a record.
    Sources,
    /// No company but the subject unless a cited record about it names it.
    TickerRelevance,
    /// Quotations appear verbatim in a cited article.
    Verbatim,
}

spelled!(
    RuleId,
    "rule",
    "expected a rule of docs/rules.md",
    Balance => "balance",
    Disclaimer => "disclaimer",
    DuplicateSource => "duplicate-source",
    Entity => "entity",
    Freshness => "freshness",
    Grounding => "grounding",
    Language => "language",
    PersonalizedAdvice => "personalized-advice",
    Projection => "projection",
    Promissory => "promissory",
    QuoteRelevance => "quote-relevance",
    ScoreConsistency => "score-consistency",
    Sources => "sources",
    TickerRelevance => "ticker-relevance",
    Verbatim => "verbatim",
);

impl RuleId {
    /// Every rule, in the order of their ids.
    pub const ALL: [RuleId; 15] = [
        RuleId::Balance,
        RuleId::Disclaimer,
        RuleId::DuplicateSource,
        RuleId::Entity,
        RuleId::Freshness,
        RuleId::Grounding,
        RuleId::Language,
        RuleId::PersonalizedAdvice,
        RuleId::Projection,
        RuleId::Promissory,
        RuleId::QuoteRelevance,
        RuleId::ScoreConsistency,
        RuleId::Sources,
        RuleId::TickerRelevance,
        RuleId::Verbatim,
    ];
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_order_as_their_spellings_and_are_each_reported_once() {
        let mut by_spelling = Field::REPORTED;
        by_spelling.sort_by_key(|f| f.as_str());
        let mut by_order = Field::REPORTED;
        by_order.sort();
        assert_eq!(by_order, by_spelling, "a map keyed by Field must list its keys as one keyed by their spelling");
        for f in Field::REPORTED {
            assert_eq!(f.as_str().parse::<Field>().unwrap(), f);
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{f}\""));
            assert_eq!(Field::REPORTED.iter().filter(|g| **g == f).count(), 1);
        }
        assert!("revenue".parse::<Field>().is_err());
    }

    use super::*;

    /// Each variant's spelling reads back as itself, and serde writes the same.
    fn one_spelling<T>(all: &[T])
    where
        T: Copy + PartialEq + fmt::Debug + fmt::Display + FromStr<Err = InvalidValue> + Serialize,
    {
        for v in all {
            assert_eq!(v.to_string().parse::<T>(), Ok(*v));
            assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{v}\""));
        }
    }

    #[test]
    fn vocabularies_have_one_spelling() {
        one_spelling(&[TradeCode::Purchase, TradeCode::Sale]);
        one_spelling(&RuleId::ALL);
        let (cik, name) = (Manager::Cik(Cik::new(93_751).unwrap()), Manager::Name("Berkshire".into()));
        assert_eq!((cik.to_string(), serde_json::to_string(&name).unwrap()), ("93751".into(), "\"Berkshire\"".into()));
        // Ordered as spelled: "1067983" before "93751", as the strings were.
        assert!(Manager::Cik(Cik::new(1_067_983).unwrap()) < cik && cik < name);
        assert_eq!((cik.cik().map(Cik::get), name.cik()), (Some(93_751), None));
        // Ordered as their ids are, so sorting violations by rule is unchanged.
        assert!(RuleId::ALL.windows(2).all(|w| w[0] < w[1] && w[0].as_str() < w[1].as_str()));
        one_spelling(&[DocKind::Article, DocKind::Post]);
        one_spelling(&[ActionKind::Split, ActionKind::Dividend]);
        assert!("A".parse::<TradeCode>().is_err(), "a grant is not an open-market trade");
        let e = "news".parse::<DocKind>().unwrap_err().to_string();
        assert!(e.contains("document kind") && e.contains("expected article or post"), "{e}");
    }

    #[test]
    fn cik_parses_padded_and_prefixed() {
        assert_eq!("0000320193".parse::<Cik>().unwrap().get(), 320193);
        assert_eq!("CIK0000320193".parse::<Cik>().unwrap().padded(), "0000320193");
        assert!("".parse::<Cik>().is_err());
        assert!("12a".parse::<Cik>().is_err());
        assert!("0".parse::<Cik>().is_err());
        assert!("12345678901".parse::<Cik>().is_err());
    }

    #[test]
    fn ticker_upper_cases_and_rejects_junk() {
        assert_eq!(Ticker::new(" aapl ").unwrap().as_str(), "AAPL");
        assert_eq!(Ticker::new("BRK.B").unwrap().as_str(), "BRK.B");
        assert_eq!(Ticker::new("brk-b").unwrap().alternate().unwrap().as_str(), "BRK.B");
        assert_eq!(Ticker::new("AAPL").unwrap().alternate(), None);
        for bad in ["", "A B", "123", "../PWN", "A/B", "..", ".A", "A.", "A..B", "A.-B", "^GSPC", "AAPL\0", "ÅPL"] {
            assert!(Ticker::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn accession_normalises_dashes() {
        let a = Accession::new("000032019322000061").unwrap();
        assert_eq!(a.as_str(), "0000320193-22-000061");
        assert!(Accession::new("0000320193-22-00006").is_err());
        assert!(Accession::new("0000320193-22-00006x").is_err());
    }

    #[test]
    fn cusip_check_digit() {
        assert!(Cusip::new("037833100").unwrap().check_digit_ok()); // Apple
        assert!(Cusip::new("88579Y101").unwrap().check_digit_ok()); // 3M
        assert!(!Cusip::new("037833101").unwrap().check_digit_ok());
        assert!(Cusip::new("0378331").is_err());
    }

    proptest::proptest! {
        /// Whatever the input, an accepted ticker is safe as a file name and a URL
        /// path segment, and round-trips through serde.
        #[test]
        fn accepted_tickers_are_safe_names(s in "\\PC{0,16}") {
            if let Ok(t) = Ticker::new(&s) {
                let v = t.as_str();
                proptest::prop_assert!(v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.' || b == b'-'));
                proptest::prop_assert!(!v.contains("..") && !v.starts_with('.') && !v.starts_with('-'));
                proptest::prop_assert!(v.len() <= Ticker::MAX_LEN);
                let json = serde_json::to_string(&t).unwrap();
                proptest::prop_assert_eq!(serde_json::from_str::<Ticker>(&json).unwrap(), t);
            } else {
                let json = serde_json::to_string(&s).unwrap();
                proptest::prop_assert!(serde_json::from_str::<Ticker>(&json).is_err());
            }
        }
    }

    #[test]
    fn dates_in_every_source_spelling() {
        let d = NaiveDate::from_ymd_opt(2014, 6, 6).unwrap();
        assert_eq!(parse_date("2014-06-06"), Some(d));
        assert_eq!(parse_date("20140606"), Some(d));
        assert_eq!(parse_date("06-06-2014"), Some(d));
        assert_eq!(parse_date("2014-06-06T18:30:57.000Z"), Some(d));
        assert_eq!(parse_date("2014-13-06"), None);
        assert_eq!(parse_date("June 6"), None);
    }

    #[test]
    fn sector_spellings_fold() {
        assert_eq!(Sector::from_label("Telecommunications Services"), Some(Sector::CommunicationServices));
        assert_eq!(Sector::from_label("Health Care"), Some(Sector::HealthCare));
        assert_eq!(Sector::from_label("Widgets"), None);
        for s in Sector::ALL {
            assert_eq!(Sector::from_label(s.name()), Some(s));
        }
    }
}
