//! One module per command: flags, a call into the service, and printing.

pub mod backtest;
pub mod check;
pub mod compare;
pub mod demo;
pub mod explain;
pub mod export;
pub mod facts;
pub mod ingest;
pub mod mcp;
pub mod news;
pub mod note;
pub mod parse;
pub mod publish;
pub mod score;
pub mod screen;
pub mod search;
pub mod serve;
pub mod splits;
pub mod story;
pub mod sync;
pub mod themes;
pub mod tone;
pub mod verify;

use std::path::Path;

use alphadesk_service::RulesConfig;
use alphadesk_service::ScoreConfig;
use alphadesk_service::{Options, Service};
use anyhow::Context;

/// A score configuration from a TOML file, or the shipped default.
pub fn load_config(path: Option<&Path>) -> anyhow::Result<ScoreConfig> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
            ScoreConfig::from_toml(&text).with_context(|| format!("in {}", p.display()))
        }
        None => Ok(ScoreConfig::default()),
    }
}

/// A rules configuration from a TOML file, or the shipped default.
pub fn load_rules(path: Option<&Path>) -> anyhow::Result<RulesConfig> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
            RulesConfig::from_toml(&text).map_err(|e| anyhow::anyhow!("in {}: {e}", p.display()))
        }
        None => Ok(RulesConfig::default()),
    }
}

/// The service over the store at `db`, for a command that only reads.
pub fn service(db: &Path, config: Option<&Path>, rules: Option<&Path>) -> anyhow::Result<Service> {
    let opts = Options {
        config: load_config(config)?,
        rules: load_rules(rules)?,
        readers: 1,
        reload_in_background: false,
        windowed: true,
    };
    let s = Service::open(db, opts).with_context(|| format!("cannot open the store {}", db.display()))?;
    if s.snapshot()?.index.members.is_empty() {
        anyhow::bail!("{} holds no priced securities with a sector: ingest prices and listings first", db.display());
    }
    Ok(s)
}

/// The date asked for, else the latest date in the store, said on standard
/// error so the reader knows which day the answer is of.
pub fn as_of_or_latest(
    service: &Service,
    asked: Option<alphadesk_model::AsOf>,
) -> anyhow::Result<alphadesk_model::NaiveDate> {
    if let Some(d) = asked {
        return Ok(d.date());
    }
    let latest = service.health()?.latest_date.ok_or_else(|| anyhow::anyhow!("the store holds no prices"))?;
    eprintln!("as of {latest}: the latest date in the store (--as-of picks another)");
    Ok(latest)
}

/// A score in a terminal table: its number, or "-" when there is none.
pub fn score_cell(v: Option<u8>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

/// Thousands separators, no rounding beyond whole units: these are the filed numbers.
pub fn format_value(v: f64) -> String {
    let neg = v < 0.0;
    let whole = v.abs().round() as u128;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}
