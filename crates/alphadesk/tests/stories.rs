//! Themes and theme stories on real Reuters articles (summer 2013, the months
//! that overlap the price history), and the checker on stories: every story
//! composed for a month passes, each mutation of one is caught by its rule, and
//! hand-written stories in the style of published failures are reported on the
//! right rule and line.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use common::bin;
use serde_json::Value;

const FROM: &str = "2013-06-01";
const AS_OF: &str = "2013-06-28";

/// Every price file, the listings and every Reuters article of summer 2013,
/// ingested once per test binary with the real `ingest`.
fn store() -> Option<&'static Path> {
    static DB: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    DB.get_or_init(|| {
        let data = alphadesk_testkit::data_dir()?;
        let summer = data.join("text/news/reuters_2013_summer.jsonl");
        if !summer.exists() {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("stories.db");
        let out = bin().arg("--db").arg(&db).arg("ingest").arg(data.join("market")).arg(&summer).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Some((dir, db))
    })
    .as_ref()
    .map(|(_, p)| p.as_path())
}

fn run(db: &Path, args: &[&str]) -> Output {
    bin().arg("--db").arg(db).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn themes(db: &Path) -> Vec<Value> {
    let o = run(db, &["themes", "--from", FROM, "--to", AS_OF, "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn tickers_of(theme: &Value) -> Vec<(String, u64, u64)> {
    theme["companies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["ticker"].as_str().unwrap().to_string(),
                c["relevance"].as_u64().unwrap(),
                c["articles"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_month_of_reuters_falls_into_themes_with_their_companies() {
    let Some(db) = store() else { return };
    let all = themes(db);
    assert!(all.len() >= 20, "{} themes", all.len());
    let mut ids = HashSet::new();
    for t in &all {
        let keys: BTreeSet<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, BTreeSet::from(["id", "label", "from", "to", "articles", "companies"]), "{t}");
        assert!(ids.insert(t["id"].as_str().unwrap().to_string()), "duplicate id {}", t["id"]);
        assert!(t["articles"].as_array().unwrap().len() >= 3, "{t}");
        let (from, to) = (t["from"].as_str().unwrap(), t["to"].as_str().unwrap());
        assert!(FROM <= from && from <= to && to <= AS_OF, "{t}");
        assert!(t["id"].as_str().unwrap().starts_with(from), "{t}");
        assert!(!t["label"].as_str().unwrap().is_empty());
        let companies = tickers_of(t);
        for w in companies.windows(2) {
            assert!(w[0].1 >= w[1].1, "companies are most relevant first: {t}");
        }
    }
    // The month's big company stories are themes about their companies: Bank
    // of America's mortgage settlement, and Exxon's.
    let about = |ticker: &str, word: &str| {
        all.iter().find(|t| {
            t["label"].as_str().unwrap().to_lowercase().contains(word)
                && tickers_of(t).iter().any(|(x, r, n)| x == ticker && *r >= 40 && *n >= 3)
        })
    };
    assert!(about("BAC", "settlement").is_some(), "no Bank of America settlement theme");
    assert!(about("XOM", "exxon").is_some(), "no Exxon theme");
    // A macro theme concerns no company: the Fed's chairman is not a ticker.
    let fed = all
        .iter()
        .find(|t| t["label"].as_str().unwrap().to_lowercase().contains("bernanke"))
        .expect("a Bernanke theme");
    assert!(tickers_of(fed).iter().all(|(_, r, _)| *r < 40), "{fed}");

    // --query finds the theme for words; words no theme has are an error naming the window.
    let o = run(db, &["themes", "--from", FROM, "--to", AS_OF, "--query", "mortgage settlement", "--json"]);
    let found: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(tickers_of(&found).iter().any(|(t, ..)| t == "BAC"), "{found}");
    let o = run(db, &["themes", "--from", FROM, "--to", AS_OF, "--query", "zzyzx quux"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2013-06-01..2013-06-28"));
    // A window backwards or over a year is refused with the reason.
    let o = run(db, &["themes", "--from", AS_OF, "--to", FROM]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("after"), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(db, &["themes", "--from", "2010-01-01", "--to", AS_OF]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("366 days"));
}

/// The story of every theme of the window, as `publish` writes them.
fn published(db: &Path) -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let o = run(
            db,
            &[
                "publish",
                "--as-of",
                AS_OF,
                "--stories-from",
                FROM,
                "--tickers",
                "XOM",
                "--out",
                dir.path().to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "every story passes:\n{}\n{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        dir
    })
    .path()
}

fn check(db: &Path, path: &Path, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["check", path.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let o = run(db, &args);
    let v = serde_json::from_str(&stdout(&o)).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    (o.status.code(), v)
}

/// (rule, line) of every error-level violation.
fn errors(v: &Value) -> BTreeSet<(String, u64)> {
    v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["severity"] == "error")
        .map(|x| (x["rule"].as_str().unwrap().to_string(), x["line"].as_u64().unwrap()))
        .collect()
}

fn line_of(text: &str, needle: &str) -> u64 {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line holds {needle:?}")) as u64 + 1
}

#[test]
fn every_story_of_the_month_passes_and_each_mutation_is_caught_by_its_rule() {
    let Some(db) = store() else { return };
    let dir = published(db).join("stories");
    let mut stories: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    stories.sort();
    assert_eq!(stories.len(), themes(db).len(), "one passing story per theme");

    // Every subject of a story is a company its theme's articles are about.
    let by_id: std::collections::HashMap<String, Value> =
        themes(db).into_iter().map(|t| (t["id"].as_str().unwrap().to_string(), t)).collect();
    for p in &stories {
        let text = std::fs::read_to_string(p).unwrap();
        let id = p.file_stem().unwrap().to_str().unwrap();
        let line = text.lines().find(|l| l.starts_with("tickers: [")).unwrap();
        let subjects: Vec<&str> =
            line["tickers: [".len()..line.len() - 1].split(", ").filter(|s| !s.is_empty()).collect();
        let theme = tickers_of(&by_id[id]);
        for s in subjects {
            assert!(theme.iter().any(|(t, _, n)| t == s && *n > 0), "{id}: {s} is not a company of the theme");
        }
    }

    // Every count of a sector in a story is the recount from the scores
    // themselves: "N <sector> stocks" the scored members, "N <sector> peers"
    // all but one.
    let o = run(db, &["score", "--as-of", AS_OF, "--json"]);
    let mut scored: std::collections::HashMap<String, usize> = Default::default();
    for r in stdout(&o).lines().map(|l| serde_json::from_str::<Value>(l).unwrap()) {
        if r["alpha_score"].is_u64() {
            *scored.entry(r["sector"].as_str().unwrap().to_string()).or_default() += 1;
        }
    }
    let mut recounted = 0;
    for p in &stories {
        let text = std::fs::read_to_string(p).unwrap();
        for sector in alphadesk_model::Sector::ALL {
            for (word, less) in [("stocks", 0), ("peers", 1)] {
                let phrase = format!(" {} {word}", sector.name());
                for (at, _) in text.match_indices(&phrase) {
                    let Some(n) = text[..at].rsplit(' ').next().and_then(|w| w.parse::<usize>().ok()) else { continue };
                    let expected = scored.get(sector.name()).copied().unwrap_or(0).saturating_sub(less);
                    assert_eq!(n, expected, "{}: {n}{phrase}", p.display());
                    recounted += 1;
                }
            }
        }
    }
    assert!(recounted > 0, "the stories state sector counts");

    // A rule set every story fails withdraws the stories published before, and
    // the run says so (exit 1); nothing of them is left under the old names.
    let strict = tempfile::tempdir().unwrap();
    let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/default.toml")).unwrap();
    let strict_rules = strict.path().join("strict.toml");
    std::fs::write(
        &strict_rules,
        rules.replace("Educational coverage, not personalized advice.", "A disclaimer no story has."),
    )
    .unwrap();
    let copy = strict.path().join("out");
    std::fs::create_dir_all(copy.join("stories")).unwrap();
    for p in &stories {
        std::fs::copy(p, copy.join("stories").join(p.file_name().unwrap())).unwrap();
    }
    let o = run(
        db,
        &[
            "publish",
            "--as-of",
            AS_OF,
            "--stories-from",
            FROM,
            "--tickers",
            "XOM",
            "--rules",
            strict_rules.to_str().unwrap(),
            "--out",
            copy.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains(&format!("published 0 of {} theme stories checked", stories.len())), "{}", stdout(&o));
    let left = std::fs::read_dir(copy.join("stories")).unwrap().count();
    assert_eq!(left, 0, "failing stories are withdrawn");

    // A story with two scored subjects to mutate.
    let (path, text, first, second) = stories
        .iter()
        .find_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let scored: Vec<String> =
                text.lines().filter(|l| l.starts_with("alphadesk tracks ")).map(str::to_string).collect();
            (scored.len() >= 2).then(|| (p.clone(), text, scored[0].clone(), scored[1].clone()))
        })
        .expect("a story with two scored companies");
    let work = tempfile::tempdir().unwrap();
    let mutated = |name: &str, text: &str| {
        let p = work.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    assert_eq!(check(db, &path, &[]).0, Some(0), "{}", path.display());
    let name_of = |l: &str| l["alphadesk tracks ".len()..l.find(" (").unwrap()].to_string();
    let (a, b) = (name_of(&first), name_of(&second));

    // 1. A foreign company's score brought in with an apology.
    let foreign = "The Travelers Companies (TRV) has an Alpha Score of 61/100; while this score reflects a different industry vertical, it rounds out the picture [1].";
    let t = text.replacen(&first, &format!("{first}\n\n{foreign}"), 1);
    let (code, v) = check(db, &mutated("foreign.md", &t), &[]);
    assert_eq!(code, Some(1));
    assert!(errors(&v).contains(&("ticker-relevance".into(), line_of(&t, foreign))), "{v}");

    // 2. One company's move stated as the other's (the moves lead the key
    // takeaways, and are not said again in the paragraphs).
    let move_of_b = text
        .lines()
        .find(|l| l.starts_with(&format!("■ {b}'s shares")))
        .unwrap_or_else(|| panic!("{b}'s move among the takeaways of {}", path.display()))
        .to_string();
    let moved = move_of_b.replacen(&format!("{b}'s shares"), &format!("{a}'s shares"), 1);
    let t = text.replacen(&move_of_b, &moved, 1);
    let (code, v) = check(db, &mutated("moved.md", &t), &[]);
    assert_eq!(code, Some(1));
    assert!(errors(&v).contains(&("grounding".into(), line_of(&t, &moved))), "{v}");

    // 3. A subject's score altered.
    let score: u32 = {
        let at = first.find("Alpha Score of ").unwrap() + "Alpha Score of ".len();
        first[at..].split('/').next().unwrap().parse().unwrap()
    };
    let altered = first.replacen(
        &format!("Alpha Score of {score}/100"),
        &format!("Alpha Score of {}/100", (score + 37) % 100),
        1,
    );
    let t = text.replacen(&first, &altered, 1);
    let (code, v) = check(db, &mutated("altered.md", &t), &[]);
    assert_eq!(code, Some(1));
    assert!(errors(&v).contains(&("score-consistency".into(), line_of(&t, &altered))), "{v}");
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stories").join(name)
}

#[test]
fn stories_written_like_published_failures_fail_on_the_right_rule_and_line() {
    let Some(db) = store() else { return };
    // A chip story that quotes an insurer's score and apologises for it.
    let path = fixture("unrelated_score.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (code, v) = check(db, &path, &[]);
    assert_eq!(code, Some(1), "{v}");
    let line = line_of(&text, "Travelers");
    let found = errors(&v);
    assert!(found.contains(&("ticker-relevance".into(), line)), "{v}");
    let evidence: Vec<&str> = v["violations"].as_array().unwrap().iter().filter_map(|x| x["text"].as_str()).collect();
    assert!(evidence.contains(&"a different industry"), "{v}");
    // Nothing else in it is wrong: its one cited source resolves, its subject
    // is Qualcomm, and every other line passes.
    assert!(found.iter().all(|(_, l)| *l == line), "{v}");
    assert_eq!(v["subjects"], serde_json::json!(["QCOM"]));

    // A product presented as a company, an instruction to readers, no sources.
    let path = fixture("product_as_company.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (code, v) = check(db, &path, &[]);
    assert_eq!(code, Some(1), "{v}");
    let found = errors(&v);
    assert!(found.contains(&("personalized-advice".into(), line_of(&text, "Investors should"))), "{v}");
    assert!(found.contains(&("sources".into(), line_of(&text, "# Glasswing"))), "{v}");
    let warnings: BTreeSet<(String, u64)> = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["severity"] == "warning")
        .map(|x| (x["rule"].as_str().unwrap().to_string(), x["line"].as_u64().unwrap()))
        .collect();
    assert!(warnings.contains(&("entity".into(), line_of(&text, "Shares of Glasswing"))), "{v}");
    assert!(warnings.contains(&("entity".into(), line_of(&text, "Glasswing Ultra Inc."))), "{v}");
    assert_eq!(v["subjects"], serde_json::json!([]), "a story about no company in the universe is checked as such");
}

/// The audit's four watch items filed under a company their words never name
/// (Morgan Stanley ← GM's trucks, Facebook ← Salesforce/ExactTarget, Citigroup
/// ← an Aeromexico strike, Apple ← Iran sanctions) fail `quote-relevance` on
/// their lines; the GM quotation under GM passes it; a comma added to a
/// quotation fails `verbatim`.
#[test]
fn quotations_under_a_company_that_they_do_not_name_fail() {
    let Some(db) = store() else { return };
    let path = fixture("quotes_under_the_wrong_company.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (code, v) = check(db, &path, &[]);
    assert_eq!(code, Some(1), "{v}");
    let found = errors(&v);
    let relevance: BTreeSet<u64> = found.iter().filter(|(r, _)| r == "quote-relevance").map(|(_, l)| *l).collect();
    let expected: BTreeSet<u64> = ["Morgan Stanley (MS)", "Facebook (FB)", "Citigroup (C)", "Apple (AAPL)"]
        .iter()
        .map(|n| line_of(&text, n))
        .collect();
    assert_eq!(relevance, expected, "{v}");
    let verbatim: Vec<u64> = found.iter().filter(|(r, _)| r == "verbatim").map(|(_, l)| *l).collect();
    assert_eq!(verbatim, [line_of(&text, "big trucks, as it makes")], "{v}");
    // Its declared subjects against its reports: none of the four articles is
    // about any of the five (the auto-sales report names GM only in its body).
    let declared = line_of(&text, "tickers:");
    let not_covered: BTreeSet<&str> = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == "ticker-relevance" && x["line"].as_u64() == Some(declared))
        .map(|x| x["text"].as_str().unwrap())
        .collect();
    assert_eq!(not_covered, BTreeSet::from(["AAPL", "C", "FB", "GM", "MS"]), "{v}");
}

#[test]
fn one_report_listed_twice_is_a_duplicate_source() {
    let Some(db) = store() else { return };
    let path = fixture("one_report_twice.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (code, v) = check(db, &path, &[]);
    // A warning: the story passes, and says which entry repeats which.
    assert_eq!(code, Some(0), "{v}");
    let warned: Vec<(String, u64)> = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == "duplicate-source")
        .map(|x| (x["severity"].as_str().unwrap().to_string(), x["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(warned, [("warning".to_string(), line_of(&text, "2. “U.S. agency"))], "{v}");
    // The same story citing the report once is clean.
    let once = text.replace("[1][2]", "[2]").replace(
        "1. “U.S. agency: Apple infringes Samsung patent on older iPhones, iPads”, http://www.reuters.com/article/2013/06/04/us-apple-samsung-patent-idUSBRE95319C20130604\n",
        "",
    ).replace("2. “U.S. agency", "1. “U.S. agency").replace("[2]", "[1]");
    let work = tempfile::tempdir().unwrap();
    let p = work.path().join("once.md");
    std::fs::write(&p, once).unwrap();
    let (_, v) = check(db, &p, &[]);
    assert!(v["violations"].as_array().unwrap().iter().all(|x| x["rule"] != "duplicate-source"), "{v}");
}

#[test]
fn check_takes_several_subjects_and_a_story_about_none() {
    let Some(db) = store() else { return };
    let work = tempfile::tempdir().unwrap();
    let story = work.path().join("macro.md");
    std::fs::write(
        &story,
        "---\nas_of: 2013-07-05\n---\n\n# Chipmakers look past the personal computer\n\n\
         Chipmakers are turning to phones and tablets as personal computer sales shrink, Reuters reported [1]. \
         The shift carries risks, and this is not a forecast [1].\n\n## Sources\n\n\
         1. “Intel's new CEO focused on mobile chips, cautious on TV”, \
         http://www.reuters.com/article/2013/06/28/us-intel-ceo-idUSBRE95R0XK20130628\n\n\
         Educational coverage, not personalized advice.\n",
    )
    .unwrap();
    let (code, v) = check(db, &story, &[]);
    assert_eq!(code, Some(0), "a story about no covered company passes when its rules do: {v}");
    assert_eq!(v["subjects"], serde_json::json!([]));
    let (_, v) = check(db, &story, &["--ticker", "qcom", "--ticker", "NVDA"]);
    assert_eq!(v["subjects"], serde_json::json!(["QCOM", "NVDA"]));
    let o = run(db, &["check", story.to_str().unwrap(), "--ticker", "../etc"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ticker"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn story_prints_markdown_html_and_json_and_names_what_is_missing() {
    let Some(db) = store() else { return };
    let args = ["story", "--query", "mortgage settlement", "--from", FROM, "--as-of", AS_OF];
    let md = run(db, &args);
    assert!(md.status.success(), "{}", String::from_utf8_lossy(&md.stderr));
    let md = stdout(&md);
    assert!(md.starts_with("---\ntheme: "), "{md}");
    assert!(md.contains("\ntickers: [BAC"), "{md}");
    for part in [
        "## Key takeaways",
        "## What the sources say",
        "### Bank of America",
        "## Sources",
        "Educational coverage, not personalized advice.",
    ] {
        assert!(md.contains(part), "{part}: {md}");
    }
    let html = stdout(&run(db, &[&args[..], &["--format", "html"]].concat()));
    assert!(html.starts_with("<!doctype html>") && html.contains("<h2>What the sources say</h2>"), "{html}");
    let json: Value = serde_json::from_str(&stdout(&run(db, &[&args[..], &["--format", "json"]].concat()))).unwrap();
    assert_eq!(json["tickers"][0], "BAC");
    assert!(json["sources"].as_array().unwrap().len() >= 3);

    // By id over the same window: the same story.
    let id = md.lines().nth(1).unwrap().trim_start_matches("theme: ").to_string();
    let again = stdout(&run(db, &["story", "--theme", &id, "--from", FROM, "--as-of", AS_OF]));
    assert_eq!(again, md);
    // An id the window does not hold: exit 2, naming the window and the ids it has.
    let o = run(db, &["story", "--theme", "2013-06-03-no-such-theme", "--from", FROM, "--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("2013-06-03-no-such-theme") && err.contains("there are 2013-"), "{err}");
    let o = run(db, &["story", "--theme", "../../etc/passwd", "--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(2));
}
