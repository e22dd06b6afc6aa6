use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_news::article::{analyze, from_text, ArticleInput};
use alphadesk_news::link::{Linker, DEFAULT_ALIASES};
use alphadesk_news::tone::lexicon::LexiconModel;
use alphadesk_store::Store;
use anyhow::Context;

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
    if !db.exists() {
        anyhow::bail!(
            "no store at {}: the linker needs the securities master (run `alphadesk demo` or `ingest`)",
            db.display()
        );
    }
    let alias_text = match aliases {
        Some(p) => std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
        None => DEFAULT_ALIASES.to_string(),
    };
    Linker::from_store(&Store::open(db)?, &alias_text)?
        .ok_or_else(|| anyhow::anyhow!("{} holds no priced securities with names to link to", db.display()))
}

/// Reads stored documents the news stage has not read yet into tone signals; run
/// after every ingest.
pub fn derive_signals(store: &mut Store) -> anyhow::Result<Option<alphadesk_news::signals::Derived>> {
    Ok(alphadesk_news::signals::derive_pending(store, &LexiconModel, "lexicon-v1")?)
}

pub fn run(db: &Path, a: Args) -> anyhow::Result<ExitCode> {
    let bytes = super::tone::read_text_input(&a.file, "text, HTML or JSON Lines")?;
    let text = alphadesk_ingest::decode_text(&bytes);
    if text.trim().is_empty() {
        anyhow::bail!("{}: empty input", a.file);
    }
    let linker = linker(db, a.aliases.as_deref())?;
    let model = super::tone::load_model(a.model.as_deref())?;
    let mut out = String::new();
    let mut failed = 0;
    if text.trim_start().starts_with('{') {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<ArticleInput>(line) {
                Ok(article) => {
                    out.push_str(&serde_json::to_string(&analyze(&linker, model.as_ref(), &article))?);
                    out.push('\n');
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("error: {}: line {}: not an article object: {e}", a.file, i + 1);
                }
            }
        }
    } else {
        out.push_str(&serde_json::to_string(&analyze(&linker, model.as_ref(), &from_text(&text)))?);
    }
    if !out.is_empty() {
        crate::output::emit(out.trim_end())?;
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
