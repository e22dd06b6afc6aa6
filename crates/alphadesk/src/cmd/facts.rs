use std::path::Path;
use std::process::ExitCode;

use alphadesk_model::AsOf;
use alphadesk_store::Store;

#[derive(clap::Args)]
pub struct Args {
    ticker: String,
    /// Date (YYYY-MM-DD): only what was public at its close is used.
    #[arg(long)]
    as_of: AsOf,
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let store = Store::open(db)?;
    let Some(report) = alphadesk_fundamentals::facts(&store, &a.ticker, a.as_of.date())? else {
        anyhow::bail!("unknown ticker {:?} in {}: ingest its listing or prices first", a.ticker, db.display());
    };
    if a.json {
        crate::output::emit(&serde_json::to_string_pretty(&report)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} (CIK {}) as of {}",
        report.ticker,
        report.cik.map(|c| c.to_string()).unwrap_or("-".into()),
        report.as_of
    );
    for name in alphadesk_fundamentals::FIELDS {
        match report.fields.get(*name) {
            Some(f) => println!(
                "  {name:<24} {:>22}  {:<6} {:<60} {} filed {}",
                format_value(f.value),
                f.unit,
                truncate(&f.concept, 60),
                f.period_end,
                f.filed.map(|d| d.to_string()).unwrap_or_else(|| format!("~{}", f.known_from))
            ),
            None => {
                println!("  {name:<24} {:>22}  {}", "-", report.missing.get(*name).map(String::as_str).unwrap_or(""))
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
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
