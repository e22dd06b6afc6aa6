use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::AsOf;
use alphadesk_notes::Desk;
use alphadesk_rules::{Checker, RulesConfig, Verdict};

use super::score::{load_config, open_scored};

#[derive(clap::Args)]
pub struct Args {
    /// The note (Markdown), or `-` for standard input.
    note: PathBuf,
    /// Publication date; default: the note's `as_of` front-matter field.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// The note's subject; default: front matter, else the first `Company (TICKER)`.
    #[arg(long)]
    ticker: Option<String>,
    /// Rules configuration (TOML); default: the shipped one (docs/rules.md).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Score configuration (TOML) the note's scores are checked against.
    #[arg(long)]
    config: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub fn load_rules(path: Option<&Path>) -> anyhow::Result<RulesConfig> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?;
            RulesConfig::from_toml(&text).map_err(|e| anyhow::anyhow!("in {}: {e}", p.display()))
        }
        None => Ok(RulesConfig::default()),
    }
}

/// A verdict for people: one line per violation, like a compiler.
pub fn human(file: &str, v: &Verdict) -> String {
    let mut t = String::new();
    for x in &v.violations {
        t.push_str(&format!(
            "{file}:{}:{}: {} [{}{}] {}\n",
            x.line,
            x.column,
            if x.severity == alphadesk_rules::Severity::Warning { "warning" } else { "error" },
            x.rule,
            if x.text.is_empty() { String::new() } else { format!(": {}", x.text) },
            x.message
        ));
    }
    t.push_str(&format!(
        "{file}: {} ({} on {}, {} violation{})",
        if v.passed { "passed" } else { "FAILED" },
        v.subject.as_deref().unwrap_or("?"),
        v.as_of,
        v.violations.len(),
        if v.violations.len() == 1 { "" } else { "s" }
    ));
    t
}

pub fn run(db: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let text = if a.note.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| anyhow::anyhow!("standard input: {e}"))?;
        s
    } else {
        let bytes = std::fs::read(&a.note).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", a.note.display()))?;
        String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "{}: not UTF-8 text (invalid byte at offset {})",
                a.note.display(),
                e.utf8_error().valid_up_to()
            )
        })?
    };
    let as_of = match a.as_of {
        Some(d) => d.date(),
        None => {
            let parsed = alphadesk_rules::note::parse(&text);
            let (v, _) = parsed.front.get("as_of").ok_or_else(|| {
                anyhow::anyhow!("{}: give --as-of (the note has no `as_of:` front matter)", a.note.display())
            })?;
            alphadesk_model::parse_date(v)
                .ok_or_else(|| anyhow::anyhow!("{}: front matter as_of {v:?} is not a date", a.note.display()))?
        }
    };
    let rules = load_rules(a.rules.as_deref())?;
    let cfg = load_config(a.config.as_deref())?;
    let (store, u) = open_scored(db)?;
    let desk = Desk::new(&store, &u, &cfg, as_of)?;
    let checker = Checker::new(&desk, rules)?;
    let verdict = checker.check(&text, a.ticker.as_deref())?;
    if a.json {
        crate::output::emit(&serde_json::to_string_pretty(&verdict)?)?;
    } else {
        crate::output::emit(&human(&a.note.display().to_string(), &verdict))?;
    }
    Ok(if verdict.passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
