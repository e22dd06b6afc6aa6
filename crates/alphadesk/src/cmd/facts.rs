use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use alphadesk_model::AsOf;

use super::format_value;
use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// The company's ticker, e.g. AAPL.
    ticker: String,
    /// Date (YYYY-MM-DD): only what was public at its close is used.
    /// Date (YYYY-MM-DD; default: the latest close). Never moved: a date
    /// without a close of its own is answered for itself, and price-based
    /// figures say which close they use.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// The report as one JSON record, each value with its concept, period, filing and source.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    // Fundamentals need no prices: any store with the filer's facts will do.
    let service = alphadesk_service::Service::open(db, alphadesk_service::Options { readers: 1, ..Default::default() })
        .map_err(|e| anyhow::anyhow!("cannot open the store {}: {e}", db.display()))?;
    let report = service.facts(&a.ticker, a.as_of.map(AsOf::date))?;
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} (CIK {}) as of {}",
        report.ticker,
        report.cik.map(|c| c.to_string()).unwrap_or("-".into()),
        report.as_of
    )?;
    if let Some(said) = alphadesk_service::price_date_sentence(report.as_of, report.price_date) {
        writeln!(out, "  {said}")?;
    }
    for name in alphadesk_service::FIELDS {
        match report.fields.get(name) {
            Some(f) => writeln!(
                out,
                "  {name:<24} {:>22}  {:<6} {:<60} {} filed {}",
                format_value(f.value),
                f.unit,
                truncate(&f.concept, 60),
                f.period_end,
                f.filed.map(|d| d.to_string()).unwrap_or_else(|| format!("~{}", f.known_from))
            )?,
            None => writeln!(
                out,
                "  {name:<24} {:>22}  {}",
                "-",
                report.missing.get(name).map(String::as_str).unwrap_or("")
            )?,
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
