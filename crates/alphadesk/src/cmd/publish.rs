use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alphadesk_model::{AsOf, Ticker};
use alphadesk_service::{NoteOutcome, Stories, StoryView, Verdict};

use super::note::Format;
use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// The publication date (YYYY-MM-DD): notes and stories as of its close; default: the latest date in the store.
    #[arg(long)]
    as_of: Option<AsOf>,
    /// Comma-separated tickers; default: every ticker scored on the date.
    #[arg(long, value_delimiter = ',')]
    tickers: Vec<String>,
    /// Folder for the notes that pass (Markdown, HTML and JSON per ticker).
    #[arg(long)]
    out: PathBuf,
    /// First day of the window whose theme stories are published too; default:
    /// 30 days before --as-of.
    #[arg(long)]
    stories_from: Option<AsOf>,
    /// Publish notes only, no theme stories.
    #[arg(long)]
    no_stories: bool,
    /// Rules configuration (TOML); default: the shipped one (docs/rules.md).
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Score configuration (TOML); default: the shipped one.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// What a publishing run did.
pub struct Outcome {
    pub published: Vec<String>,
    pub failed: Vec<(String, Verdict)>,
    /// Tickers that could not be composed, with why.
    pub skipped: Vec<(String, String)>,
    pub seconds: f64,
}

impl Outcome {
    pub fn summary(&self) -> String {
        let checked = self.published.len() + self.failed.len();
        format!(
            "published {} of {} notes checked ({:.1}% pass), {} failed, {} not composed; {:.2} s",
            self.published.len(),
            checked,
            if checked == 0 { 0.0 } else { 100.0 * self.published.len() as f64 / checked as f64 },
            self.failed.len(),
            self.skipped.len(),
            self.seconds
        )
    }
}

/// The file of a ticker's note in `dir`: only a valid ticker names a file, and
/// the name stays inside `dir` (a ticker is letters, digits, `.` and `-`, never a
/// path; see `Ticker`).
fn note_path(dir: &Path, ticker: &str, f: Format) -> Result<PathBuf, String> {
    let t = Ticker::new(ticker).map_err(|e| e.to_string())?;
    Ok(dir.join(format!("{}.{}", t.as_str(), f.extension())))
}

/// Writes the notes that passed into `out` (Markdown, HTML and JSON each) and
/// withdraws an earlier file of a note that fails or cannot be composed now.
/// One ticker that cannot be written does not stop the others.
pub fn publish(notes: Vec<NoteOutcome>, out: &Path, started: std::time::Instant) -> anyhow::Result<Outcome> {
    std::fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", out.display()))?;
    let mut o = Outcome { published: vec![], failed: vec![], skipped: vec![], seconds: 0.0 };
    // A note published by an earlier run must not outlive a failure in this one:
    // the folder holds exactly the notes that pass on this date.
    let withdraw = |t: &str| -> Result<(), String> {
        for f in [Format::Md, Format::Html, Format::Json] {
            let path = note_path(out, t, f)?;
            if path.exists() {
                std::fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            }
        }
        Ok(())
    };
    for n in notes {
        let note = match n {
            NoteOutcome::Checked(note) => note,
            NoteOutcome::NotComposed { ticker, why } => {
                let why = match withdraw(&ticker) {
                    Ok(()) => why,
                    Err(e) => format!("{why}; {e}"),
                };
                o.skipped.push((ticker, why));
                continue;
            }
        };
        if !note.verdict.passed {
            if let Err(e) = withdraw(&note.ticker) {
                o.skipped.push((note.ticker.clone(), e));
            }
            o.failed.push((note.ticker.clone(), note.verdict));
            continue;
        }
        let written =
            [(Format::Md, &note.text.markdown), (Format::Html, &note.text.html), (Format::Json, &note.text.json)]
                .into_iter()
                .try_for_each(|(f, text)| {
                    let path = note_path(out, &note.ticker, f)?;
                    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
                });
        match written {
            Ok(()) => o.published.push(note.ticker.clone()),
            Err(e) => o.skipped.push((note.ticker.clone(), e)),
        }
    }
    o.seconds = started.elapsed().as_secs_f64();
    Ok(o)
}

/// The theme stories of a window that passed, failed or could not be written.
pub struct StoriesOutcome {
    pub published: Vec<StoryView>,
    pub failed: Vec<StoryView>,
    pub skipped: Vec<(String, String)>,
    /// Themes no story was written on, and why (no headline to run).
    pub withheld: Vec<(String, String)>,
}

impl StoriesOutcome {
    pub fn summary(&self) -> String {
        format!(
            "published {} of {} theme stories checked, {} failed, {} not written, {} withheld",
            self.published.len(),
            self.published.len() + self.failed.len(),
            self.failed.len(),
            self.skipped.len(),
            self.withheld.len()
        )
    }
}

/// A story's file in `dir`: theme ids are dates, letters, digits and dashes,
/// never a path.
fn story_path(dir: &Path, theme: &str, f: Format) -> Result<PathBuf, String> {
    if theme.is_empty() || theme.len() > 120 || !theme.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!("theme id {theme:?} cannot name a file"));
    }
    Ok(dir.join(format!("{theme}.{}", f.extension())))
}

/// Writes the stories that passed into `dir` (Markdown, HTML, JSON each) and
/// withdraws an earlier file of a story that fails now.
pub fn publish_stories(stories: Stories, dir: &Path) -> anyhow::Result<StoriesOutcome> {
    std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let mut o = StoriesOutcome { published: vec![], failed: vec![], skipped: vec![], withheld: stories.withheld };
    for s in stories.written {
        let files: Result<Vec<(PathBuf, Format)>, String> = [Format::Md, Format::Html, Format::Json]
            .into_iter()
            .map(|f| story_path(dir, &s.theme, f).map(|p| (p, f)))
            .collect();
        let files = match files {
            Ok(f) => f,
            Err(e) => {
                o.skipped.push((s.theme.clone(), e));
                continue;
            }
        };
        let result = if s.verdict.passed {
            files.iter().try_for_each(|(p, f)| {
                std::fs::write(p, super::story::rendered(&s, *f))
                    .map_err(|e| format!("cannot write {}: {e}", p.display()))
            })
        } else {
            files.iter().filter(|(p, _)| p.exists()).try_for_each(|(p, _)| {
                std::fs::remove_file(p).map_err(|e| format!("cannot remove {}: {e}", p.display()))
            })
        };
        match result {
            Err(e) => o.skipped.push((s.theme.clone(), e)),
            Ok(()) if s.verdict.passed => o.published.push(s),
            Ok(()) => o.failed.push(s),
        }
    }
    Ok(o)
}

pub fn print_story_failures(out: &mut Out, o: &StoriesOutcome) -> std::io::Result<()> {
    for s in &o.failed {
        writeln!(out, "{}", super::check::human(&format!("stories/{}.md", s.theme), &s.verdict))?;
    }
    for (t, why) in &o.skipped {
        writeln!(out, "stories/{t}: not written: {why}")?;
    }
    for (t, why) in &o.withheld {
        writeln!(out, "stories/{t}: withheld: {why}")?;
    }
    Ok(())
}

pub fn print_failures(out: &mut Out, o: &Outcome) -> std::io::Result<()> {
    for (t, v) in &o.failed {
        writeln!(out, "{}", super::check::human(&format!("{t}.md"), v))?;
    }
    for (t, why) in &o.skipped {
        writeln!(out, "{t}: not composed: {why}")?;
    }
    Ok(())
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    let service = super::service(db, a.config.as_deref(), a.rules.as_deref())?;
    let as_of = super::as_of_or_latest(&service, a.as_of)?;
    // The flag is named in the error, as the service cannot name it.
    for t in a.tickers.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        Ticker::new(t).map_err(|e| anyhow::anyhow!("--tickers: {e}"))?;
    }
    let started = std::time::Instant::now();
    let notes = service.compose_notes(as_of, &a.tickers)?;
    let o = publish(notes, &a.out, started)?;
    print_failures(out, &o)?;
    writeln!(out, "{} -> {}", o.summary(), a.out.display())?;
    let mut stories_ok = true;
    if !a.no_stories {
        let dir = a.out.join("stories");
        let stories = service.stories(as_of, a.stories_from.map(|d| d.date()), None)?;
        let so = publish_stories(stories, &dir)?;
        print_story_failures(out, &so)?;
        writeln!(out, "{} -> {}", so.summary(), dir.display())?;
        stories_ok = so.failed.is_empty() && so.skipped.is_empty();
    }
    // A ticker asked for by name must be published; across the whole universe, a
    // ticker with too little data for a note is reported, not a failure.
    let explicit_skipped = !a.tickers.is_empty() && !o.skipped.is_empty();
    Ok(if o.failed.is_empty() && !explicit_skipped && stories_ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever string is offered as a ticker, a note's file is either refused
        /// or a plain file name directly inside the output folder.
        #[test]
        fn a_note_path_never_leaves_its_folder(t in "\\PC{0,20}|[A-Za-z./\\\\-]{1,12}") {
            let dir = Path::new("/srv/out");
            for f in [Format::Md, Format::Html, Format::Json] {
                if let Ok(p) = note_path(dir, &t, f) {
                    prop_assert_eq!(p.parent(), Some(dir));
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    prop_assert!(!name.starts_with('.') && !name.contains('/') && !name.contains('\\'));
                    prop_assert!(p.components().all(|c| matches!(c, std::path::Component::RootDir | std::path::Component::Normal(_))));
                }
            }
        }
    }
}
