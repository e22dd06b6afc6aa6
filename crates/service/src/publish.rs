//! Publishing a date's notes: each composed from the dossier the checker
//! builds, so a note is checked against exactly what it was written from, and
//! handed back in the three renderings a folder of notes holds. Which files to
//! write, keep or withdraw is the face's business; what a note says and
//! whether it passes is decided here, once, for every face.

use alphadesk_model::{NaiveDate, Ticker};
use alphadesk_notes::{compose, render};
use alphadesk_rules::Verdict;

use crate::{Result, Service, ServiceError};

/// A note in the three renderings a folder of notes holds.
#[derive(Debug, Clone)]
pub struct NoteText {
    /// Markdown with numbered sources: what the checker reads.
    pub markdown: String,
    /// The same note as an HTML page.
    pub html: String,
    /// The same note as JSON, every claim with its value and sources.
    pub json: String,
}

impl NoteText {
    fn of(note: &alphadesk_notes::Note) -> NoteText {
        NoteText { markdown: render::markdown(note), html: render::html(note), json: render::json(note) }
    }
}

/// One ticker's note, composed and checked.
#[derive(Debug, Clone)]
pub struct ComposedNote {
    /// The subject, as the universe spells it.
    pub ticker: String,
    /// The note's renderings.
    pub text: NoteText,
    /// The checker's verdict on the Markdown.
    pub verdict: Verdict,
}

/// What became of one ticker asked for.
#[derive(Debug, Clone)]
pub enum NoteOutcome {
    /// Composed and checked; whether it passed is in its verdict.
    Checked(Box<ComposedNote>),
    /// No note could be written (no fresh price on the date, too little data),
    /// and why.
    NotComposed {
        /// The ticker asked for.
        ticker: String,
        /// Why.
        why: String,
    },
}

impl Service {
    /// The notes of `as_of` for `tickers` (every ticker scored on the date when
    /// none are given), each composed and checked, in the order asked, a ticker
    /// given twice once. A malformed ticker is a bad input naming it; a ticker
    /// with nothing current to write about is reported with why, never dropped.
    pub fn compose_notes(&self, as_of: NaiveDate, tickers: &[String]) -> Result<Vec<NoteOutcome>> {
        let writes = match tickers.is_empty() {
            true => crate::Writes::Every,
            false => crate::Writes::for_notes(tickers.len()),
        };
        self.with_checker(as_of, writes, |checker| {
            let asked: Vec<String> = if tickers.is_empty() {
                checker.tickers()
            } else {
                let mut valid = Vec::with_capacity(tickers.len());
                for t in tickers.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                    let t = Ticker::new(t).map_err(|e| ServiceError::bad_input(format!("tickers: {e}")))?;
                    valid.push(t.as_str().to_string());
                }
                valid
            };
            if asked.is_empty() {
                return Err(ServiceError::not_found(format!("no ticker is scored on {as_of}: nothing to publish")));
            }
            let mut seen = std::collections::BTreeSet::new();
            let mut out = Vec::with_capacity(asked.len());
            for t in asked {
                if !seen.insert(t.clone()) {
                    continue;
                }
                let note = match checker.dossier(&t) {
                    Ok(Some(d)) => compose(&d).map_err(|e| e.to_string()),
                    Ok(None) => {
                        Err(format!("{t} has no fresh price on {}: nothing current to write about", checker.as_of()))
                    }
                    Err(e) => Err(e.to_string()),
                };
                let note = match note {
                    Ok(n) => n,
                    Err(why) => {
                        out.push(NoteOutcome::NotComposed { ticker: t, why });
                        continue;
                    }
                };
                let text = NoteText::of(&note);
                let verdict = checker.check(&text.markdown, Some(&note.ticker))?;
                out.push(NoteOutcome::Checked(Box::new(ComposedNote { ticker: note.ticker.clone(), text, verdict })));
            }
            Ok(out)
        })
    }

    /// One ticker's note of `as_of`, composed (not checked: [`Service::check`]
    /// is for that).
    pub fn note_text(&self, ticker: &str, as_of: NaiveDate) -> Result<NoteText> {
        let snap = self.snapshot()?;
        let t = self.ticker(&snap, ticker)?;
        self.with_desk(as_of, crate::Writes::Few, |desk| Ok(NoteText::of(&compose(&desk.dossier(&t)?)?)))
    }

    /// Many notes of one publication date, each checked against the rules with
    /// one checker (the date's names, filings and dossiers built once); a note
    /// that cannot be checked is its own error, the others go on.
    pub fn check_notes(&self, as_of: NaiveDate, notes: &[&str], tickers: &[String]) -> Result<Vec<Result<Verdict>>> {
        self.with_checker(as_of, crate::Writes::for_notes(notes.len()), |checker| {
            Ok(notes.iter().map(|text| crate::check_note(checker, text, tickers)).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_ticker_asked_is_composed_once_or_reported_with_why() {
        let Some(store) = crate::tests::TestStore::with(alphadesk_testkit::SMALL_STORE_FILES) else { return };
        let service = Service::open(&store.db, Default::default()).unwrap();
        let as_of: NaiveDate = "2018-04-30".parse().unwrap();
        let asked = ["aapl", "ZZZZ", "AAPL", " "].map(String::from);
        let notes = service.compose_notes(as_of, &asked).unwrap();
        assert_eq!(notes.len(), 2, "AAPL once, ZZZZ reported, the blank skipped");
        let NoteOutcome::Checked(aapl) = &notes[0] else { panic!("{:?}", notes[0]) };
        assert_eq!(aapl.ticker, "AAPL");
        let t = &aapl.text;
        assert!(t.markdown.contains("AAPL") && t.html.contains('<') && t.json.starts_with('{'));
        // The verdict is the checker's on exactly this Markdown, and the note the
        // one `note_text` composes.
        let subject = ["AAPL".to_string()];
        assert_eq!(aapl.verdict, service.check(&t.markdown, Some(as_of), &subject).unwrap());
        assert_eq!(service.note_text("aapl", as_of).unwrap().markdown, t.markdown);
        let checked = service.check_notes(as_of, &[&t.markdown, "", &t.json], &subject).unwrap();
        assert_eq!(checked[0].as_ref().unwrap(), &aapl.verdict);
        assert!(!checked[2].as_ref().unwrap().passed, "JSON is not a note");
        let NoteOutcome::NotComposed { ticker, why } = &notes[1] else { panic!("{:?}", notes[1]) };
        assert_eq!(ticker, "ZZZZ");
        assert!(why.contains("not in the store's universe"), "{why}");

        let all = service.compose_notes(as_of, &[]).unwrap();
        assert_eq!(all.len(), 6, "every ticker scored on the date");
        let e = service.compose_notes(as_of, &["AAPL".into(), "zz..z".into()]).unwrap_err();
        assert!(e.to_string().contains("tickers: invalid ticker: \"zz..z\""), "{e}");
    }
}
