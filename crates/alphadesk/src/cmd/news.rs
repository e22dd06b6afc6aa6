use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_ingest::documents::MAX_ARTICLE_BYTES;
use alphadesk_news::article::{analyze, from_text, ArticleInput};
use alphadesk_news::link::{Linker, DEFAULT_ALIASES};
use anyhow::Context;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// One article (text, Markdown or HTML; first line is the headline), or JSON Lines
    /// with one `{"id", "title", "body", "published"}` object per line; `-` for standard input.
    #[arg(required_unless_present = "ticker", conflicts_with = "ticker")]
    file: Option<String>,
    /// Instead of reading a file: the stored articles about this company, newest first.
    #[arg(long)]
    ticker: Option<String>,
    /// With --ticker: articles first known on or after this day (YYYY-MM-DD); default: no bound.
    #[arg(long, requires = "ticker")]
    from: Option<alphadesk_model::AsOf>,
    /// With --ticker: articles first known by this day's close; default: the latest date in the store.
    #[arg(long, requires = "ticker")]
    to: Option<alphadesk_model::AsOf>,
    /// With --ticker: least relevance to the company, 0-100 (40: about it; 0 adds passing mentions).
    #[arg(long, requires = "ticker", default_value_t = 40, value_parser = clap::value_parser!(u8).range(0..=100))]
    min_relevance: u8,
    /// With --ticker: articles listed, 1-100.
    #[arg(long, requires = "ticker", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100))]
    limit: u64,
    /// Alias file (`alias<TAB>ticker` per line); default: the built-in list.
    #[arg(long)]
    aliases: Option<PathBuf>,
    /// Tone model from `alphadesk tone train`; default: the built-in lexicon model.
    #[arg(long)]
    model: Option<PathBuf>,
    /// With --ticker, the list as one JSON record; reading a file, the output is
    /// always one JSON line per article.
    #[arg(long)]
    json: bool,
}

/// The companies news can be linked to: every priced security in the store.
pub fn linker(db: &Path, aliases: Option<&Path>) -> anyhow::Result<Linker> {
    let alias_text = match aliases {
        Some(p) => std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
        None => DEFAULT_ALIASES.to_string(),
    };
    let service = alphadesk_service::Service::open(db, alphadesk_service::Options { readers: 1, ..Default::default() })
        .map_err(|e| anyhow::anyhow!("the linker needs the securities master in {}: {e}", db.display()))?;
    Ok(service.linker(&alias_text)?)
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let Some(file) = a.file.clone() else { return stored(db, &a, out) };
    let bytes = super::tone::read_text_input(&file, "text, HTML or JSON Lines")?;
    let text = alphadesk_ingest::decode_text(&bytes);
    if text.trim().is_empty() {
        anyhow::bail!("{}: empty input", file);
    }
    let linker = linker(db, a.aliases.as_deref())?;
    let model = super::tone::load_model(a.model.as_deref())?;
    let mut failed = 0;
    if text.trim_start().starts_with('{') {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<ArticleInput>(line) {
                Ok(art) if art.title.len() + art.body.len() > MAX_ARTICLE_BYTES => {
                    failed += 1;
                    eprintln!("error: {}: line {}: article over the {MAX_ARTICLE_BYTES}-byte limit", file, i + 1);
                }
                Ok(article) => {
                    writeln!(out, "{}", serde_json::to_string(&analyze(&linker, model.as_ref(), &article))?)?
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("error: {}: line {}: not an article object: {e}", file, i + 1);
                }
            }
        }
    } else {
        if text.len() > MAX_ARTICLE_BYTES {
            anyhow::bail!("{}: an article of {} bytes is over the {MAX_ARTICLE_BYTES}-byte limit", file, text.len());
        }
        writeln!(out, "{}", serde_json::to_string(&analyze(&linker, model.as_ref(), &from_text(&text)))?)?;
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `news --ticker T`: the stored articles about a company.
fn stored(db: &Path, a: &Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = super::service(db, None, None)?;
    let query = alphadesk_service::params::NewsQuery {
        from: a.from.map(|d| d.date()),
        to: a.to.map(|d| d.date()),
        min_relevance: Some(a.min_relevance),
        limit: Some(a.limit as usize),
    };
    let v = service.news(a.ticker.as_deref().unwrap_or_default(), &query)?;
    if a.json {
        writeln!(out, "{}", serde_json::to_string(&v)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let window = match v.from {
        Some(f) => format!("known {f} to {}", v.to),
        None => format!("known by {}", v.to),
    };
    writeln!(
        out,
        "{}: {} of {} stored articles {window} with relevance {} or more, newest first",
        v.ticker,
        v.articles.len(),
        v.matching,
        v.min_relevance
    )?;
    for n in &v.articles {
        let relevance = n.relevance.map(|r| r.to_string()).unwrap_or_else(|| "-".into());
        writeln!(out, "{}  relevance {relevance:>3}  tone {:+.2}  {}", n.known, n.tone, n.title)?;
        let place = match &n.url {
            Some(u) => u.clone(),
            None => format!("{}, line {}", alphadesk_model::display_path(&n.source.path), n.source.line.unwrap_or(0)),
        };
        writeln!(out, "            {place}")?;
    }
    Ok(ExitCode::SUCCESS)
}
