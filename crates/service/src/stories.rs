//! Themes of a window of articles, and the stories written on them.
//!
//! A theme is found over a window (`from..=to`): the same window finds the same
//! themes with the same ids, so `story --theme ID` re-finds the theme over the
//! window it names (see docs/stories.md). Stories are composed on their date's
//! desk and checked by that date's checker before anyone sees them, like notes.

use std::collections::HashMap;
use std::sync::Arc;

use alphadesk_model::NaiveDate;
use alphadesk_news::themes::{self, Theme, ThemeArticle};
use alphadesk_notes::dossier::{display_path, Source};
use alphadesk_notes::render;
use alphadesk_notes::story::{compose_story, StoryArticle, StoryCompany, StoryInput, MIN_THEME_RELEVANCE};
use alphadesk_rules::{CheckError, Checker};
use alphadesk_store::read;

use crate::{work, Result, Service, ServiceError, Snapshot, StoryView, ThemeCompanyView, ThemeView};

/// The stories of a window: those written (each with its verdict), and the
/// themes withheld with the reason (a theme with no headline to run).
#[derive(Debug)]
pub struct Stories {
    /// Every story written, largest theme first.
    pub written: Vec<StoryView>,
    /// Each theme withheld, with why.
    pub withheld: Vec<(String, String)>,
}

/// The longest window themes are found over: a year of articles is grouped in
/// seconds; longer windows mix unrelated years.
pub const MAX_WINDOW_DAYS: i64 = 366;
/// Articles a theme needs unless asked otherwise.
pub const DEFAULT_MIN_ARTICLES: usize = 3;
/// A story's window when only its date is given: the month before it.
pub const DEFAULT_STORY_DAYS: i64 = 30;
/// Windows of themes kept per snapshot.
pub(crate) const THEME_WINDOWS: usize = 64;

/// Which theme a story is about.
#[derive(Debug, Clone)]
pub enum ThemeRef {
    /// A theme's id.
    Id(String),
    /// Words to find the theme by.
    Query(String),
}

/// Themes of one window, with the articles they were found from.
pub(crate) struct Window {
    themes: Vec<Theme>,
    articles: HashMap<i64, StoryArticle>,
}

impl Service {
    /// The themes of the stored articles known from `from` to `to`, each with at
    /// least `min_articles` articles, largest first.
    pub fn themes(&self, from: NaiveDate, to: NaiveDate, min_articles: Option<usize>) -> Result<Vec<ThemeView>> {
        let snap = self.snapshot()?;
        let w = self.window(&snap, from, to, min_articles)?;
        Ok(w.themes.iter().map(|t| self.theme_view(&snap, t)).collect())
    }

    /// Themes as the faces ask for them: of the window `from` (default: the 30
    /// days before `to`, as a story of date `to` reads) to `to`; with `query`,
    /// the one theme whose terms weigh it most; with `ticker`, only themes with
    /// an article about that company.
    pub fn find_themes(&self, p: &crate::params::ThemesParams) -> Result<crate::ThemesView> {
        let from = p.from.unwrap_or(p.to - chrono::Duration::days(DEFAULT_STORY_DAYS));
        let mut themes = match &p.query {
            Some(q) => vec![self.theme_matching(from, p.to, p.min_articles, q)?],
            None => self.themes(from, p.to, p.min_articles)?,
        };
        if let Some(raw) = &p.ticker {
            let t = alphadesk_model::Ticker::new(raw).map_err(|e| ServiceError::bad_input(format!("ticker: {e}")))?;
            themes.retain(|th| th.companies.iter().any(|c| c.ticker == t.as_str() && c.articles > 0));
        }
        Ok(crate::ThemesView { from, to: p.to, themes })
    }

    /// The theme of the window whose terms weigh `query` most.
    pub fn theme_matching(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        min_articles: Option<usize>,
        query: &str,
    ) -> Result<ThemeView> {
        let snap = self.snapshot()?;
        let w = self.window(&snap, from, to, min_articles)?;
        let t = find_theme(&w, &ThemeRef::Query(query.to_string()), from, to)?;
        Ok(self.theme_view(&snap, t))
    }

    /// The story of a theme as of `as_of` over the window `from..=as_of` (default:
    /// the month before), composed from data and checked.
    pub fn story(&self, theme: &ThemeRef, as_of: NaiveDate, from: Option<NaiveDate>) -> Result<StoryView> {
        let snap = self.snapshot()?;
        let as_of = self.date(&snap, Some(as_of))?;
        let from = story_from(theme, as_of, from)?;
        let w = self.window(&snap, from, as_of, None)?;
        let t = find_theme(&w, theme, from, as_of)?;
        self.pool
            .run(|| self.with_checker(as_of, crate::Writes::Few, |checker| story_view(self, &snap, checker, &w, t)))
    }

    /// Every theme of the window `from..=as_of` composed into a story and checked,
    /// in the order of [`Service::themes`].
    pub fn stories(&self, as_of: NaiveDate, from: Option<NaiveDate>, min_articles: Option<usize>) -> Result<Stories> {
        let snap = self.snapshot()?;
        let as_of = self.date(&snap, Some(as_of))?;
        let from = from.unwrap_or(as_of - chrono::Duration::days(DEFAULT_STORY_DAYS));
        let w = self.window(&snap, from, as_of, min_articles)?;
        let request = crate::Request::current();
        self.pool.run(|| {
            self.with_checker(as_of, crate::Writes::Few, |checker| {
                let mut out = Stories { written: Vec::new(), withheld: Vec::new() };
                for t in &w.themes {
                    if request.is_gone() {
                        return Err(work::abandoned());
                    }
                    match story_view(self, &snap, checker, &w, t) {
                        Ok(v) => out.written.push(v),
                        // A theme a story cannot honestly be written on (no
                        // headline to run): withheld, and said why.
                        Err(e) if e.kind == crate::Kind::Unprocessable => out.withheld.push((t.id.clone(), e.message)),
                        Err(e) => return Err(e),
                    }
                }
                Ok(out)
            })
        })
    }

    /// The stories of the window `from` (default: the 30 days before) to the
    /// close of `as_of` (default: the latest), in brief with their verdicts:
    /// composed and checked once per snapshot and window.
    pub fn story_index(&self, as_of: Option<NaiveDate>, from: Option<NaiveDate>) -> Result<Arc<crate::StoryIndex>> {
        let snap = self.snapshot()?;
        let as_of = self.date(&snap, as_of.or(snap.latest()))?;
        let from = from.unwrap_or(as_of - chrono::Duration::days(DEFAULT_STORY_DAYS));
        snap.story_index.get_or_compute(&self.pool, (as_of, from), |_| {
            let s = self.stories(as_of, Some(from), None)?;
            Ok(crate::StoryIndex {
                as_of,
                from,
                stories: s
                    .written
                    .into_iter()
                    .map(|v| crate::StorySummary {
                        id: v.id,
                        label: v.label,
                        headline: v.headline,
                        tickers: v.tickers,
                        passed: v.verdict.passed,
                    })
                    .collect(),
                withheld: s
                    .withheld
                    .into_iter()
                    .map(|(theme, reason)| crate::WithheldTheme { theme, reason })
                    .collect(),
            })
        })
    }

    /// The themes of a window, found once per snapshot.
    fn window(
        &self,
        snap: &Snapshot,
        from: NaiveDate,
        to: NaiveDate,
        min_articles: Option<usize>,
    ) -> Result<Arc<Window>> {
        if from > to {
            return Err(ServiceError::bad_input(format!("from {from} is after to {to}")));
        }
        if (to - from).num_days() > MAX_WINDOW_DAYS {
            return Err(ServiceError::bad_input(format!(
                "the window {from}..{to} is longer than {MAX_WINDOW_DAYS} days: ask for a shorter one"
            )));
        }
        let min = min_articles.unwrap_or(DEFAULT_MIN_ARTICLES);
        if !(2..=1000).contains(&min) {
            return Err(ServiceError::bad_input(format!("min_articles must be 2 to 1000, got {min}")));
        }
        snap.themes.get_or_compute(&self.pool, (from, to, min), |stop| {
            let rows = read::articles_between(self.reader().get().conn(), from, to)?;
            tracing::info!("finding the themes of {from}..{to} ({} articles)", rows.len());
            if stop.stopped() {
                tracing::info!("abandoned the themes of {from}..{to}: nobody waits for them");
                return Err(work::abandoned());
            }
            let mut articles = HashMap::with_capacity(rows.len());
            let mut input = Vec::with_capacity(rows.len());
            for (doc, links) in rows {
                let a = ThemeArticle::from_stored(&doc, &links);
                let source = Source::Article {
                    title: doc.title.clone(),
                    url: doc.url.clone(),
                    known: doc.known_date,
                    file: display_path(&doc.path),
                    line: doc.line,
                };
                articles.insert(
                    doc.id,
                    StoryArticle {
                        id: doc.id,
                        // Quoted as a reader sees them: codes, datelines and slugs removed.
                        title: alphadesk_news::wire::clean_title(&doc.title),
                        lead: alphadesk_news::wire::clean(&a.lead),
                        known: doc.known_date,
                        source,
                        links: a.links.clone(),
                    },
                );
                input.push(a);
            }
            let Some(themes) = themes::find_until(&input, min, &|| stop.stopped()) else {
                tracing::info!("abandoned the themes of {from}..{to}: nobody waits for them");
                return Err(work::abandoned());
            };
            Ok(Window { themes, articles })
        })
    }

    fn company_name(&self, snap: &Snapshot, ticker: &str, on: NaiveDate) -> Option<String> {
        if let Some(m) = snap.index.member(ticker) {
            return m.name_on(on).map(str::to_string);
        }
        read::security(self.reader().get().conn(), ticker).ok().flatten().and_then(|s| s.name)
    }

    fn theme_view(&self, snap: &Snapshot, t: &Theme) -> ThemeView {
        ThemeView {
            id: t.id.clone(),
            label: t.label.clone(),
            from: t.from,
            to: t.to,
            articles: t.articles.clone(),
            companies: t
                .companies
                .iter()
                .map(|c| ThemeCompanyView {
                    ticker: c.ticker.clone(),
                    name: self.company_name(snap, &c.ticker, t.to),
                    relevance: c.relevance,
                    articles: c.articles,
                })
                .collect(),
        }
    }
}

/// The first day of a story's window: asked, else the theme id's own first day
/// when it is earlier than the default month.
fn story_from(theme: &ThemeRef, as_of: NaiveDate, from: Option<NaiveDate>) -> Result<NaiveDate> {
    if let Some(f) = from {
        return Ok(f);
    }
    let default = as_of - chrono::Duration::days(DEFAULT_STORY_DAYS);
    Ok(match theme {
        ThemeRef::Id(id) => theme_id_date(id)?.min(default),
        ThemeRef::Query(_) => default,
    })
}

/// `2013-06-17-paris-airshow` → 2013-06-17.
fn theme_id_date(id: &str) -> Result<NaiveDate> {
    id.get(..10)
        .and_then(alphadesk_model::parse_date)
        .filter(|_| id.len() > 11 && id.as_bytes()[10] == b'-')
        .ok_or_else(|| ServiceError::bad_input(format!("theme id {id:?} is not YYYY-MM-DD-words (see `themes`)")))
}

fn find_theme<'w>(w: &'w Window, theme: &ThemeRef, from: NaiveDate, to: NaiveDate) -> Result<&'w Theme> {
    let listed = || {
        let ids: Vec<&str> = w.themes.iter().take(8).map(|t| t.id.as_str()).collect();
        if ids.is_empty() {
            "there are none".to_string()
        } else {
            format!("there are {}", ids.join(", "))
        }
    };
    match theme {
        ThemeRef::Id(id) => {
            theme_id_date(id)?;
            w.themes.iter().find(|t| &t.id == id).ok_or_else(|| {
                ServiceError::not_found(format!("no theme {id:?} in the articles of {from}..{to}: {}", listed()))
            })
        }
        ThemeRef::Query(q) => {
            if q.trim().is_empty() || q.len() > 200 {
                return Err(ServiceError::bad_input("query must be 1 to 200 characters"));
            }
            themes::matching(&w.themes, q).ok_or_else(|| {
                ServiceError::not_found(format!("no theme of {from}..{to} is about {q:?}: {}", listed()))
            })
        }
    }
}

/// Composes and checks the story of one theme with a checker's desk.
fn story_view(svc: &Service, snap: &Snapshot, checker: &Checker<'_>, w: &Window, t: &Theme) -> Result<StoryView> {
    let articles: Vec<StoryArticle> = t.articles.iter().filter_map(|id| w.articles.get(id).cloned()).collect();
    // Only companies some article of the theme is about; a passing mention
    // earns no paragraph.
    let relevant: Vec<_> =
        t.companies.iter().filter(|c| c.articles > 0 && c.relevance >= MIN_THEME_RELEVANCE).collect();
    let mut dossiers = Vec::with_capacity(relevant.len());
    for c in &relevant {
        let d = match checker.dossier(&c.ticker) {
            Ok(Some(d)) => Ok(d),
            Ok(None) => Err(format!("it has no fresh price on {}", checker.as_of())),
            Err(CheckError::UnknownSubject(_)) => Err("alphadesk does not score it (no prices here)".to_string()),
            Err(e) => return Err(e.into()),
        };
        dossiers.push(d);
    }
    let companies: Vec<StoryCompany<'_>> = relevant
        .iter()
        .zip(&dossiers)
        .map(|(c, d)| StoryCompany {
            ticker: c.ticker.clone(),
            name: match d {
                Ok(d) => d.name.clone(),
                Err(_) => svc.company_name(snap, &c.ticker, checker.as_of()).unwrap_or_else(|| c.ticker.clone()),
            },
            relevance: c.relevance,
            dossier: d.as_ref().map(|d| d.as_ref()).map_err(Clone::clone),
        })
        .collect();
    let input = StoryInput {
        theme: t.id.clone(),
        label: t.label.clone(),
        as_of: checker.as_of(),
        config: svc.config_hash().to_string(),
        articles,
        companies,
    };
    let story = compose_story(&input)?;
    let markdown = render::story_markdown(&story);
    let verdict = checker.check_story(&markdown, &story.tickers)?;
    Ok(StoryView {
        id: format!("{}@{}", story.theme, story.as_of),
        theme: story.theme.clone(),
        label: story.label.clone(),
        as_of: story.as_of,
        from: story.from,
        to: story.to,
        tickers: story.tickers.clone(),
        headline: story.headline.text.clone(),
        story: serde_json::from_str(&render::story_json(&story)).unwrap_or(serde_json::Value::Null),
        html: render::story_html_article(&story),
        markdown,
        verdict,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_ids_carry_their_first_day() {
        assert_eq!(theme_id_date("2013-06-17-paris-airshow").unwrap().to_string(), "2013-06-17");
        for bad in ["", "2013-06-17", "2013-06-17-", "2013-13-01-x", "paris-airshow", "2013-06-17_x"] {
            assert!(theme_id_date(bad).is_err(), "{bad}");
        }
        let d: NaiveDate = "2013-07-31".parse().unwrap();
        let early = story_from(&ThemeRef::Id("2013-05-21-x".into()), d, None).unwrap();
        assert_eq!(early.to_string(), "2013-05-21");
        let query = story_from(&ThemeRef::Query("fed".into()), d, None).unwrap();
        assert_eq!(query.to_string(), "2013-07-01");
    }
}
