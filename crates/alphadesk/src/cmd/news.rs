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
    file: String,
    /// Alias file (`alias<TAB>ticker` per line); default: the built-in list.
    #[arg(long)]
    aliases: Option<PathBuf>,
    /// Tone model from `alphadesk tone train`; default: the built-in lexicon model.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Output is always one JSON line per article; accepted for symmetry.
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
    let bytes = super::tone::read_text_input(&a.file, "text, HTML or JSON Lines")?;
    let text = alphadesk_ingest::decode_text(&bytes);
    if text.trim().is_empty() {
        anyhow::bail!("{}: empty input", a.file);
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
                    eprintln!("error: {}: line {}: article over the {MAX_ARTICLE_BYTES}-byte limit", a.file, i + 1);
                }
                Ok(article) => {
                    writeln!(out, "{}", serde_json::to_string(&analyze(&linker, model.as_ref(), &article))?)?
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("error: {}: line {}: not an article object: {e}", a.file, i + 1);
                }
            }
        }
    } else {
        if text.len() > MAX_ARTICLE_BYTES {
            anyhow::bail!("{}: an article of {} bytes is over the {MAX_ARTICLE_BYTES}-byte limit", a.file, text.len());
        }
        writeln!(out, "{}", serde_json::to_string(&analyze(&linker, model.as_ref(), &from_text(&text)))?)?;
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
