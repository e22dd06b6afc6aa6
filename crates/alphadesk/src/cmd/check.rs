use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::{AsOf, NaiveDate};
use alphadesk_service::Verdict;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Notes (Markdown), folders of them, or `-` for standard input.
    #[arg(required = true)]
    notes: Vec<PathBuf>,
    /// Publication date; default: each note's `as_of` front-matter field.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// A subject of the story (repeat for several); default: front matter
    /// (`ticker:` or `tickers:`), else the companies of the headline and lead.
    #[arg(long)]
    ticker: Vec<String>,
    /// Rules configuration (TOML); default: the shipped one (docs/rules.md).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Score configuration (TOML) the note's scores are checked against.
    #[arg(long)]
    config: Option<PathBuf>,
    /// One JSON verdict per note (with a `file` field) instead of compiler-style lines.
    #[arg(long)]
    json: bool,
}

/// A verdict for people: one line per violation, like a compiler.
pub fn human(file: &str, v: &Verdict) -> String {
    let mut t = String::new();
    for x in &v.violations {
        t.push_str(&format!(
            "{file}:{}:{}: {} [{}{}] {}\n",
            x.line,
            x.column,
            if x.severity == alphadesk_service::Severity::Warning { "warning" } else { "error" },
            x.rule,
            if x.text.is_empty() { String::new() } else { format!(": {}", x.text) },
            x.message
        ));
    }
    t.push_str(&format!(
        "{file}: {} ({} on {}, {} violation{})",
        if v.passed { "passed" } else { "FAILED" },
        if v.subjects.is_empty() { "no subject in the universe".to_string() } else { v.subjects.join(", ") },
        v.as_of,
        v.violations.len(),
        if v.violations.len() == 1 { "" } else { "s" }
    ));
    t
}

/// A note to check, read and dated, or why it cannot be.
struct Input {
    name: String,
    note: Result<(String, NaiveDate), String>,
}

fn read_note(path: &Path, as_of: Option<NaiveDate>) -> Input {
    let name = path.display().to_string();
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s).map_err(|e| format!("standard input: {e}"))
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read {name}: {e}")).and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                format!("{name}: not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to())
            })
        })
    };
    let note = text.and_then(|text| {
        let date = match as_of {
            Some(d) => d,
            None => {
                let v = alphadesk_service::front_matter_as_of(&text)
                    .ok_or_else(|| format!("{name}: give --as-of (the note has no `as_of:` front matter)"))?;
                alphadesk_model::parse_date(&v)
                    .ok_or_else(|| format!("{name}: front matter as_of {v:?} is not a date"))?
            }
        };
        Ok((text, date))
    });
    Input { name, note }
}

/// Files as given; a folder stands for the Markdown files under it, sorted.
fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = walk_md(p);
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk_md(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return vec![dir.to_path_buf()] };
    entries
        .flatten()
        .flat_map(|e| {
            let p = e.path();
            if p.is_dir() {
                walk_md(&p)
            } else if p.extension().is_some_and(|x| x == "md" || x == "markdown") {
                vec![p]
            } else {
                vec![]
            }
        })
        .collect()
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let paths = expand(&a.notes);
    if paths.is_empty() {
        anyhow::bail!("no Markdown notes in {:?}", a.notes);
    }
    let inputs: Vec<Input> = paths.iter().map(|p| read_note(p, a.as_of.map(|d| d.date()))).collect();
    // One note: its problem is the command's (exit 2 with the message).
    if let [Input { note: Err(e), .. }] = inputs.as_slice() {
        anyhow::bail!("{e}");
    }
    let tickers = alphadesk_service::params::subject_list(Some(&a.ticker.join(",")))?;
    let service = super::service(db, a.config.as_deref(), a.rules.as_deref())?;
    // Notes are checked against their own publication dates: one desk per date.
    let mut by_date: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    for (i, input) in inputs.iter().enumerate() {
        if let Ok((_, d)) = &input.note {
            by_date.entry(*d).or_default().push(i);
        }
    }
    let mut verdicts: Vec<Option<Result<Verdict, String>>> = inputs.iter().map(|_| None).collect();
    for (date, idx) in by_date {
        let texts: Vec<&str> =
            idx.iter().filter_map(|&i| inputs[i].note.as_ref().ok().map(|(text, _)| text.as_str())).collect();
        for (i, v) in idx.into_iter().zip(service.check_notes(date, &texts, &tickers)?) {
            verdicts[i] = Some(v.map_err(|e| format!("{}: {e}", inputs[i].name)));
        }
    }
    let single = inputs.len() == 1;
    let (mut failed, mut errors, mut passed) = (0usize, 0usize, 0usize);
    for (input, verdict) in inputs.iter().zip(verdicts) {
        let problem = match (verdict, &input.note) {
            (Some(Ok(v)), _) => Ok(v),
            (Some(Err(e)), _) => Err(e),
            (None, Err(e)) => Err(e.clone()),
            (None, Ok(_)) => continue,
        };
        let verdict = match problem {
            Ok(v) => v,
            Err(e) => {
                if single {
                    anyhow::bail!("{e}");
                }
                eprintln!("error: {e}");
                errors += 1;
                continue;
            }
        };
        if verdict.passed {
            passed += 1;
        } else {
            failed += 1;
        }
        let text = match (a.json, single) {
            (true, true) => serde_json::to_string_pretty(&verdict)?,
            (true, false) => {
                let mut v = serde_json::to_value(&verdict)?;
                v["file"] = serde_json::Value::String(input.name.clone());
                v.to_string()
            }
            (false, _) => human(&input.name, &verdict),
        };
        writeln!(out, "{text}")?;
    }
    if !single && !a.json {
        writeln!(
            out,
            "checked {} notes: {passed} passed, {failed} failed, {errors} could not be checked",
            inputs.len()
        )?;
    }
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
