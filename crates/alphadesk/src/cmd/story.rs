use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::AsOf;
use alphadesk_service::{StoryView, ThemeRef};

use super::note::Format;
use crate::output::Out;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["theme", "query"])))]
pub struct Args {
    /// A theme id printed by `themes` over the same window.
    #[arg(long)]
    theme: Option<String>,
    /// Words of the theme, instead of its id.
    #[arg(long)]
    query: Option<String>,
    /// The story's date: its window ends here and its figures are as of this close; default: the latest date in the store.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// First day of the window; default: 30 days before --as-of (or the theme id's day if earlier).
    #[arg(long)]
    from: Option<AsOf>,
    /// md (Markdown with numbered sources), html, or json (every claim with its value and sources).
    #[arg(long, value_enum, default_value = "md")]
    format: Format,
    /// Write the story here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Score configuration (TOML); default: the shipped one.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// A story in a format: Markdown as checked, a standalone page, or its claims as JSON.
pub fn rendered(s: &StoryView, f: Format) -> String {
    match f {
        Format::Md => s.markdown.clone(),
        Format::Html => s.page(),
        Format::Json => serde_json::to_string_pretty(&s.story).unwrap_or_default(),
    }
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = super::service(db, a.config.as_deref(), None)?;
    let theme = match (a.theme, a.query) {
        (Some(id), _) => ThemeRef::Id(id),
        (None, Some(q)) => ThemeRef::Query(q),
        (None, None) => unreachable!("clap requires one"),
    };
    let as_of = super::as_of_or_latest(&service, a.as_of)?;
    let story = service.story(&theme, as_of, a.from.map(|d| d.date()))?;
    let text = rendered(&story, a.format);
    match &a.out {
        Some(p) => std::fs::write(p, &text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?,
        None => writeln!(out, "{}", text.trim_end())?,
    }
    // A story that fails its own checker is shown, and the failure is the exit code.
    if !story.verdict.passed {
        eprintln!("{}", super::check::human(&format!("{}.md", story.theme), &story.verdict));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
