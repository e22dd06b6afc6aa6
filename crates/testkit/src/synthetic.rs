//! A synthetic universe, shaped like the shared data and written in the formats
//! `alphadesk ingest` reads, deterministic from a seed: for measuring how costs
//! grow with the number of tickers and years (the `scale` bench), never for
//! figures anyone should believe.
//!
//! What it writes under a folder:
//! - `market/securities/securities.csv`: ticker, name, GICS sector, CIK;
//! - `market/prices/{T}_data.csv`: daily bars on weekdays (a geometric random
//!   walk, adjusted like the shared files), with gaps, late listings, delistings
//!   and one bad print in a few series;
//! - `sec/companyfacts/CIK##########.json`: quarterly revenue and net income
//!   (three-month 10-Q durations, twelve-month 10-K), assets, liabilities, equity
//!   and shares outstanding, each filed 30–75 days after its period, prior periods
//!   repeated in later filings, some restated, and a 2-for-1 split in a few
//!   companies' share counts;
//! - `sec/submissions/CIK##########.json`: each company's tickers and filings;
//! - `text/news/synthetic.jsonl`: articles naming one to three companies;
//! - `sec/form4/{T}-{year}.xml`: one Form 4 a year per company, an insider's
//!   open-market purchase or sale at that day's close (bare ownership XML, as
//!   EDGAR's primary documents are);
//! - `sec/13f/{manager}-{quarter}.nc`: a 13F-HR full submission per manager per
//!   quarter (one manager per hundred companies), positions in about fifty
//!   companies that grow, shrink, open and close from quarter to quarter.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Companies.
    pub tickers: usize,
    /// Years of daily prices.
    pub years: i32,
    /// The last year generated (its December ends the series).
    pub last_year: i32,
    /// The generator's seed: one seed, one set of files.
    pub seed: u64,
    /// Articles per trading day per 100 tickers.
    pub articles_per_day_per_100: usize,
}

impl Spec {
    /// `tickers` companies over `years` years ending in 2018, two articles a
    /// day per hundred companies.
    pub fn new(tickers: usize, years: i32) -> Spec {
        Spec { tickers, years, last_year: 2018, seed: 42, articles_per_day_per_100: 2 }
    }
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Files written.
    pub files: usize,
    /// Their size.
    pub bytes: u64,
    /// Daily bars.
    pub price_rows: usize,
    /// XBRL facts.
    pub facts: usize,
    /// News articles.
    pub articles: usize,
    /// Form 4 reports.
    pub insider_reports: usize,
    /// 13F reports.
    pub holdings_reports: usize,
    /// The first trading day of the prices.
    pub first_day: String,
    /// The last.
    pub last_day: String,
}

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

const SECTORS: [&str; 11] = [
    "Communication Services",
    "Consumer Discretionary",
    "Consumer Staples",
    "Energy",
    "Financials",
    "Health Care",
    "Industrials",
    "Information Technology",
    "Materials",
    "Real Estate",
    "Utilities",
];

const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mi", "ran", "tev", "sol", "bri", "dor", "qua", "zen", "vel", "nor", "pax", "tri", "mon", "sil", "gar",
    "hel", "jun", "ler", "ost", "pry", "cur", "wex",
];
const SUFFIXES: [&str; 6] = ["Holdings", "Industries", "Systems", "Group", "Labs", "Partners"];

/// The ticker of company `i`: `Z` and four letters, unique per index.
pub fn ticker(i: usize) -> String {
    let mut n = i;
    let mut s = Vec::new();
    for _ in 0..4 {
        s.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    s.reverse();
    let mut t = String::from("Z");
    t.push_str(std::str::from_utf8(&s).expect("ascii"));
    t
}

/// A pronounceable company name, unique per index.
fn name(i: usize) -> String {
    let (a, b, c) = (i % 24, (i / 24) % 24, (i / 576) % 24);
    let word = format!("{}{}{}", SYLLABLES[a], SYLLABLES[b], SYLLABLES[c]);
    let mut chars = word.chars();
    let first = chars.next().expect("non-empty").to_ascii_uppercase();
    format!("{first}{} {}", chars.as_str(), SUFFIXES[(i / 13_824) % SUFFIXES.len()])
}

/// Days since 1970-01-01 → (y, m, d), proleptic Gregorian (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn iso(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn cik(i: usize) -> u64 {
    9_000_000 + i as u64
}

fn accession(rng: &mut Rng, year: i32) -> String {
    format!("{:010}-{:02}-{:06}", 1_000_000 + rng.below(8_999_999), year % 100, rng.below(999_999))
}

/// A filing of a company: accession, form, filed day, period end.
struct Filing {
    accession: String,
    form: &'static str,
    filed: i64,
    period: i64,
}

/// One fact of companyfacts' shape.
struct Fact {
    start: Option<i64>,
    end: i64,
    val: f64,
    accn: String,
    fy: i32,
    fp: &'static str,
    form: &'static str,
    filed: i64,
}

fn fact_json(out: &mut String, f: &Fact) {
    out.push('{');
    if let Some(s) = f.start {
        let _ = write!(out, "\"start\":\"{}\",", iso(s));
    }
    let _ = write!(
        out,
        "\"end\":\"{}\",\"val\":{},\"accn\":\"{}\",\"fy\":{},\"fp\":\"{}\",\"form\":\"{}\",\"filed\":\"{}\"}}",
        iso(f.end),
        f.val.round(),
        f.accn,
        f.fy,
        f.fp,
        f.form,
        iso(f.filed)
    );
}

fn concept_json(out: &mut String, name: &str, unit: &str, facts: &[Fact]) {
    let _ = write!(out, "\"{name}\":{{\"label\":\"{name}\",\"units\":{{\"{unit}\":[");
    for (k, f) in facts.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        fact_json(out, f);
    }
    out.push_str("]}}");
}

fn file(path: &Path) -> io::Result<BufWriter<fs::File>> {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p)?;
    }
    Ok(BufWriter::new(fs::File::create(path)?))
}

/// Writes the universe of `spec` under `dir`.
pub fn write(dir: &Path, spec: &Spec) -> io::Result<Written> {
    let mut rng = Rng(spec.seed);
    let first = days_from_civil(spec.last_year - spec.years + 1, 1, 1);
    let last = days_from_civil(spec.last_year, 12, 31);
    // Weekdays only (1970-01-01 was a Thursday).
    let days: Vec<i64> = (first..=last).filter(|d| (d + 3).rem_euclid(7) < 5).collect();
    let mut w = Written { first_day: iso(days[0]), last_day: iso(*days.last().expect("days")), ..Written::default() };

    // Securities.
    let mut sec = file(&dir.join("market/securities/securities.csv"))?;
    writeln!(sec, "\"Ticker symbol\",\"Security\",\"SEC filings\",\"GICS Sector\",\"GICS Sub Industry\",\"Address of Headquarters\",\"Date first added\",\"CIK\"")?;
    for i in 0..spec.tickers {
        writeln!(
            sec,
            "\"{}\",\"{}\",\"reports\",\"{}\",\"Synthetic\",\"Nowhere\",\"\",\"{:010}\"",
            ticker(i),
            name(i),
            SECTORS[i % SECTORS.len()],
            cik(i)
        )?;
    }
    sec.flush()?;
    w.files += 1;

    let mut news = file(&dir.join("text/news/synthetic.jsonl"))?;
    w.files += 1;
    let mut lives = Vec::with_capacity(spec.tickers);
    for i in 0..spec.tickers {
        // A tenth list late, a twentieth delist early.
        let start = if rng.below(10) == 0 { rng.below(days.len() / 2) } else { 0 };
        let end = if rng.below(20) == 0 { days.len() / 2 + rng.below(days.len() / 2) } else { days.len() };
        lives.push((start, end));

        // Prices: adjusted closes of a random walk; a few gaps; a bad print in 1 of 50.
        let mut p = 20.0 + 80.0 * rng.unit();
        let (mu, sigma) = (0.0003 * (rng.unit() - 0.3), 0.01 + 0.02 * rng.unit());
        let bad = (rng.below(50) == 0).then(|| start + rng.below(end - start));
        let mut csv = String::with_capacity((end - start) * 64);
        csv.push_str("date,open,high,low,close,volume,Name\n");
        let t = ticker(i);
        let mut closes: Vec<f64> = Vec::with_capacity(end - start);
        for (k, d) in days.iter().enumerate().take(end).skip(start) {
            p *= (mu + sigma * rng.normal()).exp();
            closes.push(p);
            if rng.below(400) == 0 {
                continue; // a missing day
            }
            let close = if Some(k) == bad { p * 3.0 } else { p };
            let _ = writeln!(
                csv,
                "{},{:.4},{:.4},{:.4},{:.4},{},{}",
                iso(*d),
                close * (1.0 + 0.005 * rng.normal()),
                close * 1.01,
                close * 0.99,
                close,
                100_000 + rng.below(5_000_000),
                t
            );
            w.price_rows += 1;
        }
        fs::create_dir_all(dir.join("market/prices"))?;
        fs::write(dir.join(format!("market/prices/{t}_data.csv")), &csv)?;
        w.files += 1;

        // Insider trades: one open-market trade a year, at that day's close.
        fs::create_dir_all(dir.join("sec/form4"))?;
        for year_start in (start..end).step_by(261) {
            let k = year_start + rng.below((end - year_start).min(261));
            let (code, ad) = if rng.below(10) < 3 { ("P", "A") } else { ("S", "D") };
            let day = iso(days[k]);
            let xml = format!(
                r#"<?xml version="1.0"?><ownershipDocument><schemaVersion>X0306</schemaVersion><documentType>4</documentType><periodOfReport>{day}</periodOfReport><issuer><issuerCik>{:010}</issuerCik><issuerName>{}</issuerName><issuerTradingSymbol>{t}</issuerTradingSymbol></issuer><reportingOwner><reportingOwnerId><rptOwnerCik>{:010}</rptOwnerCik><rptOwnerName>Insider {} {}</rptOwnerName></reportingOwnerId><reportingOwnerRelationship><isOfficer>1</isOfficer></reportingOwnerRelationship></reportingOwner><nonDerivativeTable><nonDerivativeTransaction><securityTitle><value>Common</value></securityTitle><transactionDate><value>{day}</value></transactionDate><transactionCoding><transactionCode>{code}</transactionCode></transactionCoding><transactionAmounts><transactionShares><value>{}</value></transactionShares><transactionPricePerShare><value>{:.2}</value></transactionPricePerShare><transactionAcquiredDisposedCode><value>{ad}</value></transactionAcquiredDisposedCode></transactionAmounts><postTransactionAmounts><sharesOwnedFollowingTransaction><value>{}</value></sharesOwnedFollowingTransaction></postTransactionAmounts></nonDerivativeTransaction></nonDerivativeTable></ownershipDocument>"#,
                cik(i),
                name(i),
                7_000_000 + i as u64,
                t,
                k % 3,
                1_000 + rng.below(49_000),
                closes[k - start],
                10_000 + rng.below(500_000),
            );
            fs::write(dir.join(format!("sec/form4/{t}-{}.xml", civil(days[k]).0)), xml)?;
            w.files += 1;
            w.insider_reports += 1;
        }

        // Fundamentals: quarters from the listing on.
        let mut revenue = 1e8 * (1.0 + 50.0 * rng.unit());
        let margin = 0.02 + 0.2 * rng.unit();
        let mut assets = revenue * (2.0 + 3.0 * rng.unit());
        let mut shares = 1e7 * (1.0 + 100.0 * rng.unit());
        let split_year = (rng.below(8) == 0).then(|| spec.last_year - rng.below(spec.years as usize) as i32);
        let (mut rev, mut ni, mut ast, mut lia, mut eq, mut sh) = (vec![], vec![], vec![], vec![], vec![], vec![]);
        let mut filings: Vec<Filing> = Vec::new();
        let first_year = civil(days[start]).0;
        let last_year = civil(days[end - 1]).0;
        let mut year_rev = Vec::new();
        for year in first_year..=last_year {
            for q in 1..=4u32 {
                let qstart = days_from_civil(year, 3 * q - 2, 1);
                let qend = days_from_civil(year, 3 * q, if q == 1 || q == 4 { 31 } else { 30 });
                if qend > days[end - 1] {
                    break;
                }
                revenue *= (0.01 + 0.05 * rng.normal()).exp();
                assets *= (0.01 + 0.03 * rng.normal()).exp();
                if split_year == Some(year) && q == 3 {
                    shares *= 2.0;
                }
                let annual = q == 4;
                let (form, fp) = if annual { ("10-K", "FY") } else { ("10-Q", ["Q1", "Q2", "Q3"][q as usize - 1]) };
                let filed = qend + if annual { 60 + rng.below(15) as i64 } else { 30 + rng.below(15) as i64 };
                let accn = accession(&mut rng, year);
                filings.push(Filing { accession: accn.clone(), form, filed, period: qend });
                let income = revenue * margin * (1.0 + 0.3 * rng.normal());
                year_rev.push((revenue, income));
                let fact = |start, end, val: f64, accn: &str| Fact {
                    start,
                    end,
                    val,
                    accn: accn.to_string(),
                    fy: year,
                    fp,
                    form,
                    filed,
                };
                if annual {
                    let (r, n): (f64, f64) =
                        year_rev.iter().rev().take(4).fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
                    rev.push(fact(Some(days_from_civil(year, 1, 1)), qend, r, &accn));
                    ni.push(fact(Some(days_from_civil(year, 1, 1)), qend, n, &accn));
                } else {
                    rev.push(fact(Some(qstart), qend, revenue, &accn));
                    ni.push(fact(Some(qstart), qend, income, &accn));
                    // The same quarter a year earlier, repeated as a comparative,
                    // restated now and then.
                    if let Some(prev) = rev.iter().rev().find(|f| f.end == qend - 365 || f.end == qend - 366) {
                        let restated = if rng.below(20) == 0 { prev.val * 1.03 } else { prev.val };
                        let (s, e) = (prev.start, prev.end);
                        rev.push(fact(s, e, restated, &accn));
                    }
                }
                let liabilities = assets * (0.3 + 0.4 * rng.unit());
                ast.push(fact(None, qend, assets, &accn));
                lia.push(fact(None, qend, liabilities, &accn));
                eq.push(fact(None, qend, assets - liabilities, &accn));
                sh.push(fact(None, filed - 10, shares, &accn));
            }
        }
        w.facts += rev.len() + ni.len() + ast.len() + lia.len() + eq.len() + sh.len();
        let mut json = String::with_capacity(rev.len() * 900);
        let _ = write!(json, "{{\"cik\":{},\"entityName\":\"{}\",\"facts\":{{\"dei\":{{", cik(i), name(i));
        concept_json(&mut json, "EntityCommonStockSharesOutstanding", "shares", &sh);
        json.push_str("},\"us-gaap\":{");
        concept_json(&mut json, "Revenues", "USD", &rev);
        json.push(',');
        concept_json(&mut json, "NetIncomeLoss", "USD", &ni);
        json.push(',');
        concept_json(&mut json, "Assets", "USD", &ast);
        json.push(',');
        concept_json(&mut json, "Liabilities", "USD", &lia);
        json.push(',');
        concept_json(&mut json, "StockholdersEquity", "USD", &eq);
        json.push_str("}}}");
        fs::create_dir_all(dir.join("sec/companyfacts"))?;
        fs::write(dir.join(format!("sec/companyfacts/CIK{:010}.json", cik(i))), json)?;

        let mut sub = String::new();
        let col = |f: &dyn Fn(&Filing) -> String| filings.iter().map(f).collect::<Vec<_>>().join(",");
        let _ = write!(
            sub,
            "{{\"cik\":\"{}\",\"name\":\"{}\",\"tickers\":[\"{t}\"],\"exchanges\":[\"NYSE\"],\"sic\":\"9999\",\"fiscalYearEnd\":\"1231\",\"filings\":{{\"recent\":{{\"accessionNumber\":[{}],\"filingDate\":[{}],\"reportDate\":[{}],\"form\":[{}],\"primaryDocument\":[{}]}},\"files\":[]}}}}",
            cik(i),
            name(i),
            col(&|x| format!("\"{}\"", x.accession)),
            col(&|x| format!("\"{}\"", iso(x.filed))),
            col(&|x| format!("\"{}\"", iso(x.period))),
            col(&|x| format!("\"{}\"", x.form)),
            col(&|x| format!("\"{}.htm\"", x.accession)),
        );
        fs::create_dir_all(dir.join("sec/submissions"))?;
        fs::write(dir.join(format!("sec/submissions/CIK{:010}.json", cik(i))), sub)?;
        w.files += 2;
    }

    // Articles: each names one to three listed companies.
    const UP: [&str; 4] = ["raises its outlook", "wins a large contract", "beats estimates", "expands margins"];
    const DOWN: [&str; 4] = ["cuts its forecast", "faces a probe", "misses estimates", "loses a key customer"];
    let per_day = (spec.articles_per_day_per_100 * spec.tickers).div_ceil(100);
    let mut n = 0usize;
    for (k, d) in days.iter().enumerate() {
        for _ in 0..per_day {
            let live: Vec<usize> =
                (0..3).map(|_| rng.below(spec.tickers)).filter(|&i| lives[i].0 <= k && k < lives[i].1).collect();
            let Some(&lead) = live.first() else { continue };
            let good = rng.below(2) == 0;
            let what = if good { UP[rng.below(4)] } else { DOWN[rng.below(4)] };
            let others: Vec<String> = live[1..].iter().map(|&i| name(i)).collect();
            let body = if others.is_empty() {
                format!(
                    "NEW YORK (Reuters) - {} {what}, the company said on Tuesday. Analysts expect more news.",
                    name(lead)
                )
            } else {
                format!(
                    "NEW YORK (Reuters) - {} {what}, the company said on Tuesday. Rivals such as {} are watching.",
                    name(lead),
                    others.join(" and ")
                )
            };
            n += 1;
            writeln!(
                news,
                "{{\"id\":\"synthetic/{n}\",\"title\":\"{} {what}\",\"published\":\"{}T14:{:02}:00-04:00\",\"url\":\"http://synthetic.invalid/{n}\",\"body\":\"{body}\"}}",
                name(lead),
                iso(*d),
                rng.below(60)
            )?;
        }
    }
    news.flush()?;
    w.articles = n;
    thirteen_f(dir, spec, &days, &lives, &mut rng, &mut w)?;
    w.bytes = dir_bytes(dir);
    Ok(w)
}

/// 13F-HR submissions: a manager per hundred companies, each quarter's
/// positions filed 45 days after the quarter ends; a position drifts, and now
/// and then one opens or closes, so holdings change between quarters.
fn thirteen_f(
    dir: &Path,
    spec: &Spec,
    days: &[i64],
    lives: &[(usize, usize)],
    rng: &mut Rng,
    w: &mut Written,
) -> io::Result<()> {
    let managers = spec.tickers.div_ceil(100).max(2);
    fs::create_dir_all(dir.join("sec/13f"))?;
    let (first_year, last_year) = (civil(days[0]).0, civil(*days.last().expect("days")).0);
    for m in 0..managers {
        let manager = format!("SYNTHETIC CAPITAL {m}");
        let manager_cik = 8_000_000 + m as u64;
        let mut held: std::collections::BTreeMap<usize, u64> = std::collections::BTreeMap::new();
        while held.len() < 50.min(spec.tickers) {
            held.insert(rng.below(spec.tickers), 10_000 + rng.below(2_000_000) as u64);
        }
        for year in first_year..=last_year {
            for q in 1..=4u32 {
                let qend = days_from_civil(year, 3 * q, if q == 1 || q == 4 { 31 } else { 30 });
                let filed = qend + 45;
                if filed > *days.last().expect("days") {
                    break;
                }
                let k = days.partition_point(|d| *d <= qend).saturating_sub(1);
                for shares in held.values_mut() {
                    *shares = ((*shares as f64) * (0.1 * rng.normal()).exp()).round().max(100.0) as u64;
                }
                if rng.below(3) == 0 {
                    let out = *held.keys().nth(rng.below(held.len())).expect("held");
                    held.remove(&out);
                    held.insert(rng.below(spec.tickers), 10_000 + rng.below(2_000_000) as u64);
                }
                let mut table = String::new();
                for (&i, &shares) in held.iter().filter(|(i, _)| lives[**i].0 <= k && k < lives[**i].1) {
                    let _ = write!(
                        table,
                        "<infoTable><nameOfIssuer>{}</nameOfIssuer><titleOfClass>COM</titleOfClass><cusip>{:08}0</cusip><value>{}</value><shrsOrPrnAmt><sshPrnamt>{shares}</sshPrnamt><sshPrnamtType>SH</sshPrnamtType></shrsOrPrnAmt><investmentDiscretion>SOLE</investmentDiscretion><votingAuthority><Sole>{shares}</Sole><Shared>0</Shared><None>0</None></votingAuthority></infoTable>",
                        name(i).to_uppercase(),
                        10_000_000 + i,
                        shares * 40
                    );
                }
                let (period, quarter) = (iso(qend).replace('-', ""), {
                    let (y, mo, d) = civil(qend);
                    format!("{mo:02}-{d:02}-{y}")
                });
                let accession = format!("{manager_cik:010}-{:02}-{:06}", year % 100, q);
                let body = format!(
                    r#"<SUBMISSION>
<ACCESSION-NUMBER>{accession}<TYPE>13F-HR<PUBLIC-DOCUMENT-COUNT>2<PERIOD>{period}<FILING-DATE>{}<FILER><COMPANY-DATA><CONFORMED-NAME>{manager}<CIK>{manager_cik:010}</COMPANY-DATA></FILER><DOCUMENT><TYPE>13F-HR<SEQUENCE>1<FILENAME>primary_doc.xml<TEXT><XML><?xml version="1.0" encoding="UTF-8"?><edgarSubmission xmlns="http://www.sec.gov/edgar/thirteenffiler"><headerData><submissionType>13F-HR</submissionType><filerInfo><filer><credentials><cik>{manager_cik:010}</cik></credentials></filer><periodOfReport>{quarter}</periodOfReport></filerInfo></headerData><formData><coverPage><reportCalendarOrQuarter>{quarter}</reportCalendarOrQuarter><filingManager><name>{manager}</name></filingManager><reportType>13F HOLDINGS REPORT</reportType></coverPage></formData></edgarSubmission></XML></TEXT></DOCUMENT><DOCUMENT><TYPE>INFORMATION TABLE<SEQUENCE>2<FILENAME>table.xml<TEXT><XML><?xml version="1.0" encoding="UTF-8"?><informationTable xmlns="http://www.sec.gov/edgar/document/thirteenf/informationtable">{table}</informationTable></XML></TEXT></DOCUMENT></SUBMISSION>"#,
                    iso(filed).replace('-', "")
                );
                fs::write(dir.join(format!("sec/13f/manager{m}-{year}q{q}.nc")), body)?;
                w.files += 1;
                w.holdings_reports += 1;
            }
        }
    }
    Ok(())
}

fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_bytes(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_arithmetic_round_trips() {
        for d in [-1000, 0, 1, 15_000, 17_651, 20_000] {
            let (y, m, dd) = civil(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(iso(17_651), "2018-04-30");
    }

    #[test]
    fn names_and_tickers_are_unique_and_the_output_is_deterministic() {
        let names: std::collections::HashSet<String> = (0..20_000).map(name).collect();
        let tickers: std::collections::HashSet<String> = (0..20_000).map(ticker).collect();
        assert_eq!((names.len(), tickers.len()), (20_000, 20_000));
        let (a, b) = (tempfile_dir("a"), tempfile_dir("b"));
        let spec = Spec::new(12, 2);
        let wa = write(&a, &spec).unwrap();
        let wb = write(&b, &spec).unwrap();
        assert_eq!((wa.bytes, wa.price_rows, wa.facts, wa.articles), (wb.bytes, wb.price_rows, wb.facts, wb.articles));
        let p = format!("market/prices/{}_data.csv", ticker(3));
        assert_eq!(fs::read(a.join(&p)).unwrap(), fs::read(b.join(&p)).unwrap());
        assert!(wa.price_rows > 12 * 400 && wa.facts > 12 * 30 && wa.articles > 0, "{wa:?}");
        assert!(wa.insider_reports >= 12 && wa.holdings_reports >= 2 * 6, "{wa:?}");
        let _ = (fs::remove_dir_all(&a), fs::remove_dir_all(&b));
    }

    fn tempfile_dir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("alphadesk-synthetic-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }
}
