//! What an editor would stop, counted over the published files themselves —
//! not by the checker: the stories of three windows (June 2013, on full Reuters
//! articles; March 2017 and April 2018, on the headline-and-lead records) and
//! every note of 2018-04-30, read back from disk, with every quotation compared
//! with the raw source file it cites.
//!
//! Counted, each to be zero: exchange codes and datelines anywhere; quotations
//! that are not words of their cited source after the one documented cleaning
//! (`ingest::documents::restore_crawler_commas` for crawled records, then
//! `news::wire`); headlines in the old template ("What Reuters reported on …");
//! quotations and watch items filed under a company that neither they nor the
//! headline or first sentence of their source name; two versions of one report both quoted.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use alphadesk_news::link::{Company, Linker, DEFAULT_ALIASES};
use alphadesk_news::themes::{same_report, Report};
use alphadesk_news::wire;
use alphadesk_notes::dossier::names_company;
use chrono::NaiveDate;
use common::bin;
use serde_json::Value;

const WINDOWS: [(&str, &str); 3] =
    [("2013-06-01", "2013-06-28"), ("2017-03-01", "2017-03-31"), ("2018-04-02", "2018-04-30")];
const NEWS: [&str; 2] = ["text/news/reuters_2013_summer.jsonl", "text/news/reuters_leads_2013_2018.jsonl"];

/// A raw record as a reader of the published file sees it: cleaned title and
/// body, the first sentence, and the day it was published.
#[derive(Clone)]
struct Raw {
    title: String,
    text: String,
    lead: String,
    day: NaiveDate,
}

impl Raw {
    fn report_on(&self, known: NaiveDate) -> Report<'_> {
        Report { title: &self.title, lead: &self.lead, known }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The raw records by URL and by `file, line N`.
fn raw_records(data: &Path) -> HashMap<String, Raw> {
    let mut out = HashMap::new();
    for rel in NEWS {
        let text = std::fs::read_to_string(data.join(rel)).unwrap();
        for (i, line) in text.lines().enumerate() {
            let v: Value = serde_json::from_str(line).unwrap();
            let crawled = v.get("pages").is_some();
            let restore = |s: &str| {
                if crawled {
                    alphadesk_ingest::documents::restore_crawler_commas(s)
                } else {
                    s.to_string()
                }
            };
            let title = wire::clean_title(&restore(v["title"].as_str().unwrap_or("")));
            let body = wire::clean(&restore(v["body"].as_str().unwrap_or("")));
            let lead = alphadesk_news::article::sentences(&body).first().map(|s| s.to_string()).unwrap_or_default();
            let day = v["published"].as_str().and_then(|p| NaiveDate::parse_from_str(&p[..10], "%Y-%m-%d").ok());
            let raw = Raw { text: one_line(&format!("{title}\n{body}")), title, lead, day: day.unwrap() };
            if let Some(url) = v["url"].as_str() {
                out.insert(url.to_string(), raw.clone());
            }
            out.insert(format!("{rel}, line {}", i + 1), raw);
        }
    }
    out
}

/// The published folders (kept alive by their temporary directory) and the raw
/// records they quote.
type Output = (tempfile::TempDir, Vec<PathBuf>, HashMap<String, Raw>);

/// Every price file, the listings and both Reuters sets, ingested once, then
/// published for each window; the output folders.
fn published() -> Option<(&'static [PathBuf], &'static HashMap<String, Raw>)> {
    static OUT: std::sync::OnceLock<Option<Output>> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let data = alphadesk_testkit::data_dir()?;
        if NEWS.iter().any(|f| !data.join(f).exists()) {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("editor.db");
        let mut ingest = bin();
        ingest.arg("--db").arg(&db).arg("ingest").arg(data.join("market"));
        for f in NEWS {
            ingest.arg(data.join(f));
        }
        let out = ingest.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut folders = Vec::new();
        for (from, to) in WINDOWS {
            let folder = dir.path().join(to);
            let mut publish = bin();
            publish.arg("--db").arg(&db).args(["publish", "--as-of", to, "--stories-from", from, "--out"]).arg(&folder);
            // Every note of the last date; one note elsewhere.
            if to != "2018-04-30" {
                publish.args(["--tickers", "AAPL"]);
            }
            let out = publish.output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            folders.push(folder);
        }
        Some((dir, folders, raw_records(&data)))
    })
    .as_ref()
    .map(|(_, f, r)| (f.as_slice(), r))
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    out.sort();
    out
}

/// Bracketed or bare exchange codes: "( DISH.O )", "<AAPL.O>", "[PWC.UL]", "VA.UL".
fn exchange_codes(text: &str) -> Vec<String> {
    let code = |s: &str| {
        s.split_once('.').is_some_and(|(sym, suf)| {
            !sym.is_empty()
                && sym.len() <= 8
                && sym.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && (1..=3).contains(&suf.len())
                && suf.chars().all(|c| c.is_ascii_uppercase())
                // "BF.B", "BRK.B": a share class in a ticker, not an exchange.
                && !matches!(suf, "A" | "B")
        })
    };
    let mut found = Vec::new();
    for (open, close) in [('(', ')'), ('<', '>'), ('[', ']')] {
        for (i, _) in text.match_indices(open) {
            if let Some(j) = text[i + 1..].find(close).filter(|j| *j <= 20) {
                let inner = text[i + 1..i + 1 + j].trim();
                if code(inner) {
                    found.push(inner.to_string());
                }
            }
        }
    }
    found.extend(
        text.split_whitespace()
            .map(|w| w.trim_end_matches([',', '.', ';', ':', ')']))
            .filter(|w| w.ends_with(".UL") && code(w))
            .map(str::to_string),
    );
    found
}

/// A dateline: "(Reuters) -", or a quotation opening with "CITY, Month D".
fn datelines(text: &str) -> usize {
    text.matches("(Reuters)").count()
        + text
            .split('“')
            .skip(1)
            .filter(|q| {
                let head: Vec<&str> = q.split_whitespace().take(4).collect();
                head.first()
                    .is_some_and(|w| w.len() > 2 && w.trim_end_matches(',').chars().all(|c| c.is_ascii_uppercase()))
                    && head.iter().skip(1).take(2).any(|w| {
                        // A month name, capitalised ("May", not the verb "may").
                        let w = w.trim_end_matches([',', '.']);
                        w.starts_with(char::is_uppercase)
                            && alphadesk_model::MONTHS.contains(&w.to_lowercase().as_str())
                    })
            })
            .count()
}

/// The numbers in the first citation markers after byte `at` ("[4][7]", "[4–9]").
fn citations_after(line: &str, at: usize) -> Vec<usize> {
    let rest = &line[at..];
    let end = rest.find('“').unwrap_or(rest.len());
    let mut out = Vec::new();
    let mut s = &rest[..end];
    while let Some(i) = s.find('[') {
        let Some(j) = s[i..].find(']') else { break };
        for item in s[i + 1..i + j].split(',') {
            let ends: Vec<usize> = item.split(['–', '-']).filter_map(|n| n.trim().parse().ok()).collect();
            match ends[..] {
                [a] => out.push(a),
                [a, b] if a <= b && b - a < 10_000 => out.extend(a..=b),
                _ => {}
            }
        }
        s = &s[i + j + 1..];
    }
    out
}

/// A published file: its lines before `## Sources`, and its sources by number
/// (the raw record each names, when it names one).
struct Published<'a> {
    body: Vec<&'a str>,
    sources: BTreeMap<usize, Option<&'a Raw>>,
    /// The day each listed article was known, as the file says.
    known: BTreeMap<usize, NaiveDate>,
}

fn read_published<'a>(md: &'a str, raw: &'a HashMap<String, Raw>) -> Published<'a> {
    let (body, list) = md.split_once("\n## Sources\n").unwrap_or((md, ""));
    let mut sources = BTreeMap::new();
    let mut known = BTreeMap::new();
    for l in list.lines() {
        let Some((n, rest)) = l.split_once(". ") else { continue };
        let Ok(n) = n.trim().parse::<usize>() else { continue };
        if let Some(d) =
            rest.split_once(", known ").and_then(|(_, d)| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok())
        {
            known.insert(n, d);
        }
        let url = rest.split_whitespace().find(|w| w.starts_with("http")).map(|u| u.trim_end_matches(['.', ',']));
        let file = NEWS.iter().find_map(|f| {
            let i = rest.find(f)?;
            let line = rest[i + f.len()..].trim_start_matches(", line ").split(|c: char| !c.is_ascii_digit()).next()?;
            Some(format!("{f}, line {line}"))
        });
        sources.insert(n, url.and_then(|u| raw.get(u)).or_else(|| file.and_then(|f| raw.get(&f))));
    }
    Published { body: body.lines().collect(), sources, known }
}

#[derive(Debug, Default, PartialEq)]
struct Counts {
    files: usize,
    quotations: usize,
    exchange_codes: Vec<String>,
    datelines: Vec<String>,
    not_verbatim: Vec<String>,
    template_headlines: Vec<String>,
    under_the_wrong_company: Vec<String>,
    one_report_quoted_twice: Vec<String>,
}

/// The news linker over the listed companies (names, the alias file): what
/// "names the company" means for wire copy, whose headlines write "Abbvie",
/// "Cisco" or "BNY Mellon".
fn linker() -> &'static Linker {
    static L: std::sync::OnceLock<Linker> = std::sync::OnceLock::new();
    L.get_or_init(|| {
        let data = alphadesk_testkit::data_dir().expect("the shared data");
        let listing = std::fs::read_to_string(data.join("market/securities/securities.csv")).unwrap();
        let companies = listing
            .lines()
            .skip(1)
            .filter_map(|l| {
                let cells: Vec<&str> = l.split("\",\"").map(|c| c.trim_matches('"')).collect();
                Some(Company { ticker: cells.first()?.to_string(), name: cells.get(1)?.to_string() })
            })
            .collect();
        Linker::new(companies, DEFAULT_ALIASES)
    })
}

/// Whether a text names the company: its name without the legal form, its
/// ticker, or what the linker reads as it.
fn names_it(text: &str, name: &str, ticker: &str) -> bool {
    names_company(text, name, ticker)
        || names_company(&text.to_lowercase(), &name.to_lowercase(), "")
        || linker().mentions(text).iter().any(|m| m.0 == ticker)
}

fn count(files: &[PathBuf], raw: &HashMap<String, Raw>) -> Counts {
    let mut c = Counts::default();
    for path in files {
        let md = std::fs::read_to_string(path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        c.files += 1;
        for code in exchange_codes(&md) {
            c.exchange_codes.push(format!("{file}: {code}"));
        }
        if datelines(&md) > 0 {
            c.datelines.push(file.clone());
        }
        let p = read_published(&md, raw);
        // A note's company is its front matter's; a story files a quotation under
        // the company of its section ("### Name (T)") or of its watch item.
        let note_ticker = p.body.iter().find_map(|l| l.strip_prefix("ticker: ")).map(str::to_string);
        // Companies by ticker, as the file names them: a note's front matter,
        // a story's section headings and watch items.
        let mut names: HashMap<String, String> = HashMap::new();
        if let (Some(t), Some(n)) = (&note_ticker, p.body.iter().find_map(|l| l.strip_prefix("company: "))) {
            names.insert(t.clone(), n.trim_matches('"').to_string());
        }
        for l in &p.body {
            let head = l
                .strip_prefix("### ")
                .or_else(|| l.strip_prefix("- ").and_then(|x| x.split_once("), ").map(|(h, _)| h)));
            if let Some((name, t)) = head.and_then(|h| h.rsplit_once(" (")) {
                let t = t.trim_end_matches(')');
                if !t.is_empty() && t.chars().all(|c| c.is_ascii_uppercase() || c == '.' || c == '-') {
                    names.insert(t.to_string(), name.to_string());
                }
            }
        }
        let mut section: Option<String> = note_ticker.clone();
        let mut quoted_sources: Vec<usize> = Vec::new();
        for line in &p.body {
            if line.starts_with("# What Reuters reported") {
                c.template_headlines.push(format!("{file}: {line}"));
            }
            if line.starts_with("## ") {
                section = note_ticker.clone();
            }
            if let Some(h) = line.strip_prefix("### ") {
                section = h.rsplit_once('(').map(|(_, t)| t.trim_end_matches(')').to_string());
            }
            // "- Name (T), date: “…”" in a story's watch list.
            let item = line
                .strip_prefix("- ")
                .and_then(|l| l.split_once("), ").map(|(h, _)| h))
                .and_then(|h| h.rsplit_once('(').map(|(_, t)| t.to_string()))
                .filter(|t| t.chars().all(|c| c.is_ascii_uppercase() || c == '.' || c == '-'));
            let under = item.or_else(|| section.clone());
            let mut at = 0;
            while let Some(i) = line[at..].find('“') {
                let start = at + i + '“'.len_utf8();
                let Some(j) = line[start..].find('”') else { break };
                let quote = &line[start..start + j];
                at = start + j;
                let cited: Vec<&Raw> = citations_after(line, at)
                    .into_iter()
                    .filter_map(|n| p.sources.get(&n).copied().flatten())
                    .collect();
                if cited.is_empty() {
                    continue;
                }
                c.quotations += 1;
                quoted_sources.extend(
                    citations_after(line, at).into_iter().filter(|n| p.sources.get(n).is_some_and(Option::is_some)),
                );
                let words = one_line(quote.trim_end_matches('…'));
                if !cited.iter().any(|r| r.text.contains(&words)) {
                    c.not_verbatim.push(format!("{file}: “{quote}”"));
                }
                if let Some((t, name)) = under.as_ref().and_then(|t| Some((t, names.get(t)?))) {
                    // It names the company, or its report does in the headline
                    // or the lead (a report about the company, as the issue has it).
                    let about = |r: &&Raw| names_it(&r.title, name, t) || names_it(&r.lead, name, t);
                    if !names_it(quote, name, t) && !cited.iter().any(about) {
                        c.under_the_wrong_company.push(format!("{file}: {t} ← “{quote}”"));
                    }
                }
            }
        }
        quoted_sources.sort_unstable();
        quoted_sources.dedup();
        for (i, a) in quoted_sources.iter().enumerate() {
            for b in &quoted_sources[i + 1..] {
                let (Some(Some(x)), Some(Some(y))) = (p.sources.get(a), p.sources.get(b)) else { continue };
                // Compared on the day each was known, as the file lists it.
                let (dx, dy) = (p.known.get(a).copied().unwrap_or(x.day), p.known.get(b).copied().unwrap_or(y.day));
                if same_report(x.report_on(dx), y.report_on(dy)) {
                    c.one_report_quoted_twice.push(format!("{file}: [{a}] “{}” and [{b}] “{}”", x.title, y.title));
                }
            }
        }
    }
    c
}

#[test]
fn published_stories_and_notes_hold_nothing_an_editor_would_stop() {
    let Some((folders, raw)) = published() else { return };
    for folder in folders {
        let stories = markdown_files(&folder.join("stories"));
        let notes = markdown_files(folder);
        assert!(stories.len() >= 150, "{}: {} stories", folder.display(), stories.len());
        let c = count(&stories, raw);
        let n = count(&notes, raw);
        eprintln!(
            "{}: {} stories with {} quotations, {} notes with {} quotations",
            folder.display(),
            c.files,
            c.quotations,
            n.files,
            n.quotations
        );
        for (what, k) in [("stories", &c), ("notes", &n)] {
            assert!(k.exchange_codes.is_empty(), "{what}: exchange codes {:#?}", k.exchange_codes);
            assert!(k.datelines.is_empty(), "{what}: datelines {:#?}", k.datelines);
            assert!(k.not_verbatim.is_empty(), "{what}: not verbatim {:#?}", k.not_verbatim);
            assert!(k.template_headlines.is_empty(), "{what}: template headlines {:#?}", k.template_headlines);
            assert!(
                k.under_the_wrong_company.is_empty(),
                "{what}: under the wrong company {:#?}",
                k.under_the_wrong_company
            );
            assert!(k.one_report_quoted_twice.is_empty(), "{what}: one report twice {:#?}", k.one_report_quoted_twice);
        }
        assert!(c.quotations > 200, "{c:?}");
    }
}

#[test]
fn the_counts_find_what_they_count() {
    // Each counter on a hand-made file holding one of each failure.
    let raw: HashMap<String, Raw> = HashMap::from([(
        "http://example.com/a".to_string(),
        Raw {
            title: "Dish drops out of Clearwire bidding".into(),
            text:
                "Dish drops out of Clearwire bidding Dish Network said on Wednesday it was dropping out of the bidding"
                    .into(),
            lead: "Dish Network said on Wednesday it was dropping out of the bidding".into(),
            day: NaiveDate::from_ymd_opt(2013, 6, 26).unwrap(),
        },
    )]);
    let dir = tempfile::tempdir().unwrap();
    let md = "---\ntheme: x\n---\n\n# What Reuters reported on dish\n\n\
              - Morgan Stanley (MS), July 1, 2013: “Dish Network said on Wednesday” [1].\n\
              - Dish Network (DISH), July 1, 2013: “Dish Network said on Tuesday” [1][2].\n\
              Sprint ( S.N ) and OVERLAND PARK, Kansas (Reuters) - and “Dish drops out of Clearwire bidding” [2].\n\n\
              ## Sources\n\n1. “Dish drops out of Clearwire bidding”, http://example.com/a\n\
              2. “Dish drops out of Clearwire bidding”, http://example.com/a\n";
    std::fs::write(dir.path().join("s.md"), md).unwrap();
    let c = count(&[dir.path().join("s.md")], &raw);
    assert_eq!(c.exchange_codes, ["s.md: S.N"]);
    assert_eq!(c.datelines, ["s.md"]);
    assert_eq!(c.template_headlines.len(), 1);
    assert_eq!(c.not_verbatim, ["s.md: “Dish Network said on Tuesday”"]);
    assert_eq!(c.under_the_wrong_company, ["s.md: MS ← “Dish Network said on Wednesday”"]);
    assert_eq!(c.one_report_quoted_twice.len(), 1, "{c:?}");
}
