use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use alphadesk_model::AsOf;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// First day of the window: articles known from its close.
    #[arg(long)]
    from: AsOf,
    /// Last day of the window (at most 366 days after --from).
    #[arg(long)]
    to: AsOf,
    /// Articles a theme needs (default 3).
    #[arg(long)]
    min_articles: Option<usize>,
    /// Words the theme is about ("chip export"): print only the theme that matches best.
    #[arg(long)]
    query: Option<String>,
    /// One JSON object per theme and line.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = super::service(db, None, None)?;
    let (from, to) = (a.from.date(), a.to.date());
    let themes = match &a.query {
        Some(q) => vec![service.theme_matching(from, to, a.min_articles, q)?],
        None => service.themes(from, to, a.min_articles)?,
    };
    for t in &themes {
        if a.json {
            writeln!(out, "{}", serde_json::to_string(t)?)?;
            continue;
        }
        writeln!(out, "{}  {} articles, {}..{}", t.id, t.articles.len(), t.from, t.to)?;
        writeln!(out, "  {}", t.label)?;
        let about: Vec<String> = t
            .companies
            .iter()
            .filter(|c| c.articles > 0)
            .take(6)
            .map(|c| format!("{} {} ({} art.)", c.ticker, c.relevance, c.articles))
            .collect();
        if !about.is_empty() {
            writeln!(out, "  companies: {}", about.join(", "))?;
        }
    }
    if !a.json {
        writeln!(
            out,
            "{} themes in {from}..{to}; write one with `alphadesk story --theme ID --from {from} --as-of {to}`",
            themes.len()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
