//! Linking text to companies, only on real evidence.
//!
//! A company is linked when the text names it: its normalised legal name ("Exxon
//! Mobil"), an alias from the user-editable alias file ("BofA"), a cashtag
//! (`$AAPL`), or a ticker stated as one ("(NYSE: ALL)", "ticker ALL"). A bare
//! capitalised word that happens to be a ticker (ALL, IT, KEY, A, SO, T, F, V) never
//! links: that is the failure this module exists to prevent. Names that are also
//! ordinary English words (Apple, Amazon, Target, Visa, Gap) link only when written
//! with a capital letter *and* with company context in the same sentence ("shares",
//! "Inc", "said", "quarter", ...): "the Amazon river flooded" links nothing.
//!
//! Each link carries the text that justified it, a confidence by kind of evidence,
//! and a salience: mentions in the headline count three times, in the lead (first
//! sentence of the body) twice, elsewhere once, as a share of all mentions.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// A company the linker can find.
#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub ticker: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Cashtag,
    ExchangeTicker,
    Name,
    Alias,
    /// A name that is also an English word, linked on company context.
    ContextName,
}

impl Kind {
    pub fn confidence(self) -> f64 {
        match self {
            Kind::Cashtag | Kind::ExchangeTicker => 0.95,
            Kind::Name => 0.9,
            Kind::Alias => 0.85,
            Kind::ContextName => 0.7,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub ticker: String,
    pub name: String,
    pub confidence: f64,
    /// The first span that justified the link, as written.
    pub evidence: String,
    pub kind: Kind,
    pub mentions: usize,
    pub salience: f64,
    /// How much the article is about the company, 0–100 (see [`crate::relevance`]);
    /// set when an article is analysed, 0 from [`Linker::link`] alone.
    pub relevance: u8,
    /// Why the relevance is what it is.
    pub relevance_evidence: Vec<String>,
}

/// Where in an article a piece of text sits, for salience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Headline,
    Lead,
    Body,
}

impl Part {
    fn weight(self) -> f64 {
        match self {
            Part::Headline => 3.0,
            Part::Lead => 2.0,
            Part::Body => 1.0,
        }
    }
}

const SUFFIXES: &[&str] = &[
    "inc",
    "inc.",
    "incorporated",
    "corp",
    "corp.",
    "corporation",
    "co",
    "co.",
    "cos",
    "cos.",
    "company",
    "companies",
    "ltd",
    "ltd.",
    "limited",
    "plc",
    "llc",
    "lp",
    "l.p.",
    "holdings",
    "holding",
    "group",
    "the",
    "class",
    "sa",
    "ag",
    "nv",
    "n.v.",
    "se",
    "&",
];

/// English words that are also company names here. Such a name links only with
/// company context; see the module docs.
const COMMON_WORDS: &[&str] = &[
    "apple",
    "amazon",
    "target",
    "gap",
    "visa",
    "oracle",
    "caterpillar",
    "southern",
    "ball",
    "progressive",
    "discovery",
    "key",
    "cost",
    "best",
    "dish",
    "mosaic",
    "alliance",
    "ford",
    "sun",
    "delta",
    "united",
    "american",
    "general",
    "first",
    "fox",
    "news",
    "intel",
    "international",
    "republic",
    "public",
    "equity",
    "state",
    "prudential",
    "principal",
    "regions",
    "chubb",
    "nike",
    "coach",
    "tiffany",
    "ventas",
    "xerox",
    "boston",
    "franklin",
    "harris",
    "hess",
    "kellogg",
    "mattel",
    "newmont",
    "range",
    "centene",
    "sealed",
    "western",
    "eastman",
    "cigna",
    "citizens",
    "zions",
    "lincoln",
    "hartford",
    "nordstrom",
    "macy's",
    "kohl's",
    "gilead",
    "ross",
    "illumina",
    "electronic",
];

/// Words that mark a sentence as being about a company.
const COMPANY_CONTEXT: &[&str] = &[
    "inc",
    "inc.",
    "corp",
    "corp.",
    "co",
    "co.",
    "company",
    "company's",
    "shares",
    "share",
    "stock",
    "stocks",
    "ceo",
    "chief",
    "executive",
    "quarter",
    "quarterly",
    "profit",
    "profits",
    "revenue",
    "revenues",
    "sales",
    "analysts",
    "analyst",
    "said",
    "says",
    "announced",
    "unveiled",
    "reported",
    "reports",
    "investors",
    "iphone",
    "ipad",
    "mac",
    "products",
    "product",
    "stores",
    "store",
    "rival",
    "rivals",
    "maker",
    "retailer",
    "bid",
    "deal",
    "earnings",
    "nasdaq",
    "nyse",
    "market",
    "valuation",
    "dividend",
    "acquisition",
    "acquire",
    "merger",
    "lawsuit",
    "sued",
    "chairman",
    "spokesman",
    "spokeswoman",
    "customers",
    "launch",
    "launched",
    "guidance",
    "forecast",
    "outlook",
    "billion",
    "million",
    "shareholders",
    "board",
    "buyback",
    "ipo",
    "sec",
    "filing",
    "patent",
    "patents",
    "devices",
];

fn is_company_context(word: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| COMPANY_CONTEXT.iter().copied().collect()).contains(word)
}

/// A text word with its byte offsets and sentence number.
#[derive(Debug, Clone)]
struct Word<'a> {
    raw: &'a str,
    /// Lower case; borrowed when the word already is.
    lower: std::borrow::Cow<'a, str>,
    sentence: usize,
}

/// Words keep inner `&`, `'`, `.` and `-` (AT&T, Lowe's, Amazon.com, Wal-Mart);
/// a trailing `.` or `'s` is dropped.
fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut sentence = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if c.is_alphanumeric() || c == '$' {
            let start = i;
            let mut j = i + c.len_utf8();
            while j < text.len() {
                let d = text[j..].chars().next().unwrap_or(' ');
                let next_alnum = text[j + d.len_utf8()..].chars().next().is_some_and(|n| n.is_alphanumeric());
                if d.is_alphanumeric() || (matches!(d, '&' | '\'' | '.' | '-' | '’') && next_alnum) {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            let mut raw = &text[start..j];
            for suffix in ["'s", "’s"] {
                if raw.len() > suffix.len() + 1 && raw.ends_with(suffix) && !raw.eq_ignore_ascii_case("lowe's") {
                    raw = &raw[..raw.len() - suffix.len()];
                }
            }
            let lower = if raw.chars().any(char::is_uppercase) {
                std::borrow::Cow::Owned(raw.to_lowercase())
            } else {
                std::borrow::Cow::Borrowed(raw)
            };
            out.push(Word { raw, lower, sentence });
            i = j;
        } else {
            if matches!(c, '.' | '!' | '?' | '\n') {
                // A sentence ends at terminal punctuation followed by space or end.
                let next = bytes.get(i + 1).copied();
                if c == '\n' || next.is_none() || next.is_some_and(|b| b.is_ascii_whitespace()) {
                    sentence += 1;
                }
            }
            i += c.len_utf8();
        }
    }
    out
}

/// "Apple pie", "Amazon river": a common-word name directly followed by a lower-case
/// word that is neither company vocabulary nor a verb form is an adjective on a
/// noun, not a company.
fn modifies_a_noun(next: Option<&Word<'_>>) -> bool {
    const VERBS: &[&str] = &["is", "was", "has", "had", "will", "would", "could", "may", "might", "can", "and", "to"];
    let Some(n) = next else { return false };
    let lower_case = n.raw.chars().next().is_some_and(|c| c.is_lowercase());
    lower_case
        && !is_company_context(&n.lower)
        && !VERBS.contains(&n.lower.as_ref())
        && !n.lower.ends_with("ed")
        && !n.lower.ends_with('s')
}

/// A company name as the linker matches it: lower case, legal suffixes and a
/// leading "The" dropped.
pub fn normalise(name: &str) -> Vec<String> {
    let mut w: Vec<String> = words(name).into_iter().map(|w| w.lower.into_owned()).collect();
    // Drop legal suffixes and share-class tails from the end, "The" from the front.
    while w.first().is_some_and(|x| x == "the") {
        w.remove(0);
    }
    while let Some(last) = w.last() {
        if SUFFIXES.contains(&last.as_str()) || (w.len() >= 2 && w[w.len() - 2] == "class" && last.len() == 1) {
            if w.len() >= 2 && w[w.len() - 2] == "class" {
                w.pop();
            }
            w.pop();
        } else {
            break;
        }
    }
    w
}

#[derive(Debug, Clone)]
struct Pattern {
    tokens: Vec<String>,
    ticker: String,
    kind: Kind,
}

pub struct Linker {
    companies: BTreeMap<String, Company>,
    /// First token -> patterns starting with it, longest first.
    patterns: HashMap<String, Vec<Pattern>>,
}

impl Linker {
    /// `aliases` is the alias file's text (`alias<TAB>ticker` lines, `#` comments).
    /// Aliases for tickers not among `companies` are ignored.
    pub fn new(companies: Vec<Company>, aliases: &str) -> Linker {
        let mut patterns: HashMap<String, Vec<Pattern>> = HashMap::new();
        let mut add = |tokens: Vec<String>, ticker: &str, kind: Kind| {
            if tokens.is_empty() {
                return;
            }
            let list = patterns.entry(tokens[0].clone()).or_default();
            if !list.iter().any(|p| p.tokens == tokens && p.ticker == ticker) {
                list.push(Pattern { tokens, ticker: ticker.to_string(), kind });
            }
        };
        let by_ticker: BTreeMap<String, Company> = companies.into_iter().map(|c| (c.ticker.clone(), c)).collect();
        for c in by_ticker.values() {
            add(normalise(&c.name), &c.ticker, Kind::Name);
        }
        for line in aliases.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some((alias, ticker)) = line.split_once('\t') {
                let t = ticker.trim().to_ascii_uppercase();
                if by_ticker.contains_key(&t) {
                    add(words(alias).into_iter().map(|w| w.lower.into_owned()).collect(), &t, Kind::Alias);
                }
            }
        }
        for list in patterns.values_mut() {
            list.sort_by(|a, b| b.tokens.len().cmp(&a.tokens.len()).then(a.ticker.cmp(&b.ticker)));
        }
        Linker { companies: by_ticker, patterns }
    }

    /// A linker over the store's priced securities (the universe the score ranks);
    /// `None` while the store has none with a name.
    pub fn from_store(
        store: &alphadesk_store::Store,
        aliases: &str,
    ) -> Result<Option<Linker>, alphadesk_store::StoreError> {
        let companies: Vec<Company> = alphadesk_store::read::priced_securities(store.conn())?
            .into_iter()
            .filter_map(|p| Some(Company { name: p.security.name?, ticker: p.security.ticker }))
            .collect();
        // A name a dated listing gives (TechnipFMC for FTI, where the master still
        // says FMC Technologies) names the same company: an alias.
        let mut all = aliases.to_string();
        for (ticker, names) in alphadesk_store::read::dated_names(store.conn())? {
            if !companies.iter().any(|c| c.ticker == ticker) {
                continue;
            }
            for (_, name) in names {
                all.push_str(&format!("\n{name}\t{ticker}"));
            }
        }
        Ok((!companies.is_empty()).then(|| Linker::new(companies, &all)))
    }

    pub fn company(&self, ticker: &str) -> Option<&Company> {
        self.companies.get(ticker)
    }

    /// Links in one piece of text, as (ticker, kind, evidence, sentence index) hits.
    pub fn mentions(&self, text: &str) -> Vec<(String, Kind, String, usize)> {
        self.mentions_at(text).into_iter().map(|(t, k, e, s, _)| (t, k, e, s)).collect()
    }

    /// Links with the byte offset where each starts in `text` (its evidence is
    /// the words joined, which need not occur verbatim: "U.S. Bancorp" → "U.S Bancorp").
    pub fn mentions_at(&self, text: &str) -> Vec<(String, Kind, String, usize, usize)> {
        let at = |w: &Word<'_>| w.raw.as_ptr() as usize - text.as_ptr() as usize;
        let ws = words(text);
        let mut hits = Vec::new();
        // Company vocabulary per sentence, counted once and only when a common-word
        // name first needs it: most text has none, and a long sentence full of such
        // names must not be rescanned for each of them.
        let context: std::cell::OnceCell<Vec<usize>> = std::cell::OnceCell::new();
        let sentence_has_context = |s: usize, skip: usize| {
            let counts = context.get_or_init(|| {
                let mut c = vec![0usize; ws.last().map(|w| w.sentence + 1).unwrap_or(0)];
                for w in &ws {
                    if is_company_context(&w.lower) {
                        c[w.sentence] += 1;
                    }
                }
                c
            });
            counts[s] > usize::from(is_company_context(&ws[skip].lower))
        };
        let mut i = 0;
        while i < ws.len() {
            let w = &ws[i];
            // Cashtags: $AAPL.
            if let Some(t) = w.raw.strip_prefix('$') {
                if self.companies.contains_key(t) && t.chars().all(|c| c.is_ascii_uppercase() || c == '.') {
                    hits.push((t.to_string(), Kind::Cashtag, w.raw.to_string(), w.sentence, at(w)));
                }
                i += 1;
                continue;
            }
            // Exchange-qualified tickers: NYSE: ALL, (Nasdaq: AAPL), ticker ALL, symbol ALL.
            let marker = matches!(w.lower.as_ref(), "nyse" | "nasdaq" | "amex" | "ticker" | "symbol");
            if marker {
                if let Some(next) = ws.get(i + 1) {
                    let between = &text[w.raw.as_ptr() as usize - text.as_ptr() as usize + w.raw.len()
                        ..next.raw.as_ptr() as usize - text.as_ptr() as usize];
                    let explicit =
                        between.trim() == ":" || between.trim().is_empty() && w.lower != "nyse" && w.lower != "nasdaq";
                    if explicit
                        && next.raw.chars().all(|c| c.is_ascii_uppercase() || c == '.')
                        && self.companies.contains_key(next.raw)
                    {
                        hits.push((
                            next.raw.to_string(),
                            Kind::ExchangeTicker,
                            format!("{}{between}{}", w.raw, next.raw),
                            w.sentence,
                            at(w),
                        ));
                        i += 2;
                        continue;
                    }
                }
            }
            // Names and aliases, longest first.
            let mut matched = false;
            if let Some(list) = self.patterns.get(w.lower.as_ref()) {
                for p in list {
                    let k = p.tokens.len();
                    if i + k > ws.len() || !(0..k).all(|j| ws[i + j].lower == p.tokens[j]) {
                        continue;
                    }
                    let span: Vec<&str> = ws[i..i + k].iter().map(|w| w.raw).collect();
                    // Function words inside names stay lower case ("Bank of America").
                    let capitalised = span.iter().all(|s| {
                        matches!(*s, "of" | "and" | "the" | "de" | "&")
                            || s.chars().next().is_some_and(|c| !c.is_lowercase())
                    });
                    let mut kind = p.kind;
                    if k == 1 && COMMON_WORDS.contains(&p.tokens[0].as_str()) {
                        if !capitalised || !sentence_has_context(w.sentence, i) || modifies_a_noun(ws.get(i + 1)) {
                            continue;
                        }
                        kind = Kind::ContextName;
                    } else if !capitalised && !span.iter().any(|s| s.chars().any(|c| c.is_ascii_digit())) {
                        // "bank of america" in lower case is still not a mention of
                        // the company; names are written capitalised.
                        continue;
                    }
                    hits.push((p.ticker.clone(), kind, span.join(" "), w.sentence, at(w)));
                    i += k;
                    matched = true;
                    break;
                }
            }
            if !matched {
                i += 1;
            }
        }
        hits
    }

    /// Links of an article: headline and body, with salience.
    pub fn link(&self, headline: &str, body: &str) -> Vec<Link> {
        let mut all: Vec<(String, Kind, String, Part)> =
            self.mentions(headline).into_iter().map(|(t, k, e, _)| (t, k, e, Part::Headline)).collect();
        all.extend(
            self.mentions(body).into_iter().map(|(t, k, e, s)| (t, k, e, if s == 0 { Part::Lead } else { Part::Body })),
        );
        self.links_from(all)
    }

    /// Links from mentions already found, each tagged with the part it came from.
    pub fn links_from(&self, hits: Vec<(String, Kind, String, Part)>) -> Vec<Link> {
        let total: f64 = hits.iter().map(|h| h.3.weight()).sum();
        let mut by: BTreeMap<String, Link> = BTreeMap::new();
        for (t, k, e, part) in hits {
            let name = self.companies.get(&t).map(|c| c.name.clone()).unwrap_or_default();
            let l = by.entry(t.clone()).or_insert(Link {
                ticker: t,
                name,
                confidence: 0.0,
                evidence: e.clone(),
                kind: k,
                mentions: 0,
                salience: 0.0,
                relevance: 0,
                relevance_evidence: Vec::new(),
            });
            l.mentions += 1;
            l.salience += part.weight() / total;
            if k.confidence() > l.confidence {
                l.confidence = k.confidence();
                l.evidence = e;
                l.kind = k;
            }
        }
        let mut out: Vec<Link> = by.into_values().collect();
        // A share of the article's mentions: sums of shares can round past 1.
        for l in &mut out {
            l.salience = l.salience.clamp(0.0, 1.0);
        }
        out.sort_by(|a, b| b.salience.total_cmp(&a.salience).then(a.ticker.cmp(&b.ticker)));
        out
    }
}

pub const DEFAULT_ALIASES: &str = include_str!("../aliases.tsv");

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A link's salience is its share of the article's mentions: in [0, 1],
        /// and the shares of one article add up to at most 1.
        #[test]
        fn salience_is_a_share(words in proptest::collection::vec(proptest::sample::select(vec!["Apple", "Apple Inc", "Exxon Mobil", "said", "rose", "."]), 0..60), cut in 0usize..60) {
            let linker = Linker::new(
                vec![
                    Company { name: "Apple Inc".into(), ticker: "AAPL".into() },
                    Company { name: "Exxon Mobil Corp".into(), ticker: "XOM".into() },
                ],
                "",
            );
            let text = words.join(" ");
            let at = text.char_indices().map(|(i, _)| i).nth(cut.min(words.len())).unwrap_or(text.len());
            let links = linker.link(&text[..at], &text[at..]);
            let total: f64 = links.iter().map(|l| l.salience).sum();
            proptest::prop_assert!(links.iter().all(|l| (0.0..=1.0).contains(&l.salience)));
            proptest::prop_assert!(total <= 1.0 + 1e-9, "{total}");
        }
    }

    #[test]
    fn a_ticker_stated_with_its_exchange_links_without_parentheses() {
        let linker = Linker::new(vec![Company { ticker: "ALL".into(), name: "Allstate Corp".into() }], "");
        for text in ["Shares listed as NYSE: ALL traded", "Allstate (NYSE: ALL) rose", "the symbol ALL fell"] {
            let m = linker.mentions(text);
            assert!(m.iter().any(|(t, k, _, _)| t == "ALL" && *k == Kind::ExchangeTicker), "{text}: {m:?}");
        }
        assert!(linker.mentions("ALL of them rose").is_empty());
    }

    #[test]
    fn names_normalise() {
        assert_eq!(normalise("The Allstate Corporation"), ["allstate"]);
        assert_eq!(normalise("JPMorgan Chase & Co."), ["jpmorgan", "chase"]);
        assert_eq!(normalise("Alphabet Inc Class A"), ["alphabet"]);
        assert_eq!(normalise("AT&T Inc"), ["at&t"]);
    }
}
