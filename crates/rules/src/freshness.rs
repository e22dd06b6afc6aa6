//! `freshness`: the note's data date against its publication date.

use crate::note::{Line, Part};
use crate::numbers::{self, Kind};
use crate::RuleId;
use crate::Run;
use alphadesk_notes::compose::{period_end_of, HEADLINE_MAX_AGE_DAYS};
use alphadesk_notes::dossier::Value;

impl Run<'_, '_> {
    /// A headline presents its figures as news: a figure for a period that
    /// ended more than `HEADLINE_MAX_AGE_DAYS` before the note's date ("trailing
    /// revenue shrinks 27.1%" for a fiscal year ended sixteen months ago) is
    /// stale news. Flagged only when every value the figure can be is that old.
    pub(crate) fn headline_freshness(&mut self, lines: &[Line<'_>]) {
        let Some(h) = lines.iter().find(|l| l.part == Part::Heading && l.text.trim_start().starts_with("# ")) else {
            return;
        };
        let publish = self.c.desk.as_of;
        for m in numbers::mentions(h.text) {
            let ends: Vec<Option<chrono::NaiveDate>> = self
                .dossiers
                .values()
                .flat_map(|d| {
                    d.data.iter().filter(|x| crate::grounding::matches(&m, &x.value)).map(|x| period_end_of(d, &x.key))
                })
                .collect();
            let stale =
                |e: &Option<chrono::NaiveDate>| e.is_some_and(|e| (publish - e).num_days() > HEADLINE_MAX_AGE_DAYS);
            if ends.is_empty() || !ends.iter().all(stale) {
                continue;
            }
            let newest = ends.iter().flatten().max().copied().unwrap_or(publish);
            let text = &h.text[m.start..m.end];
            self.flag(
                RuleId::Freshness,
                h.number,
                self.column(h.text, m.start),
                text,
                format!(
                    "the headline states {text}, a figure for the period ended {newest}, {} days before {publish}: a headline reports what is new (the limit is {HEADLINE_MAX_AGE_DAYS} days)",
                    (publish - newest).num_days()
                ),
            );
        }
    }

    pub(crate) fn freshness(&mut self, lines: &[Line<'_>]) {
        let publish = self.c.desk.as_of;
        let window = self.c.catalog.rules.freshness_days;
        let declared = ["as_of", "data_as_of", "date"]
            .iter()
            .find_map(|k| self.note.front.get(*k))
            .map(|(v, line)| (alphadesk_model::parse_date(v), *line, v.clone()));
        let (date, line, text) = match declared {
            Some((Some(d), line, text)) => (d, line, text),
            Some((None, line, text)) => {
                self.flag(RuleId::Freshness, line, 1, &text, format!("the note's date “{text}” is not a date"));
                return;
            }
            None => {
                // No declared date: the newest date the note states about the past.
                let newest = lines
                    .iter()
                    .flat_map(|l| numbers::mentions(l.text).into_iter().map(move |m| (m, l)))
                    .filter_map(|(m, l)| match m.kind {
                        Kind::Date(d) if d <= publish => Some((d, l.number, l.text[m.start..m.end].to_string())),
                        _ => None,
                    })
                    .max_by_key(|x| x.0);
                match newest {
                    Some(x) => x,
                    None => {
                        self.flag(RuleId::Freshness, 1, 1, "", "the note states no date for its data".into());
                        return;
                    }
                }
            }
        };
        if date > publish {
            self.flag(
                RuleId::Freshness,
                line,
                1,
                &text,
                format!("the note is dated {date}, after its publication date {publish}: it cannot be checked against data known then"),
            );
        } else if (publish - date).num_days() > window {
            self.flag(
                RuleId::Freshness,
                line,
                1,
                &text,
                format!(
                    "the note's data are as of {date}, {} days before publication on {publish}; the limit is {window}",
                    (publish - date).num_days()
                ),
            );
        }
        if !self.single {
            // A story: each covered company's newest close must be fresh; a
            // company without data is described without figures.
            let mut stale: Vec<(String, chrono::NaiveDate)> = self
                .dossiers
                .iter()
                .filter_map(|(t, d)| match d.get("close_date")?.value {
                    Value::Date(day) if (publish - day).num_days() > window => Some((t.clone(), day)),
                    _ => None,
                })
                .collect();
            stale.sort();
            for (t, day) in stale {
                self.flag(
                    RuleId::Freshness,
                    line,
                    1,
                    &text,
                    format!("the newest close of {t} on record is {day}, older than {window} days on {publish}"),
                );
            }
            return;
        }
        let close_date = self.dossier.as_ref().and_then(|d| match d.get("close_date")?.value {
            Value::Date(day) => Some(day),
            _ => None,
        });
        match close_date {
            Some(day) if (publish - day).num_days() > window => self.flag(
                RuleId::Freshness,
                line,
                1,
                &text,
                format!(
                    "the newest close of {} on record is {day}, older than {window} days on {publish}",
                    self.subject
                ),
            ),
            Some(_) => {}
            None => self.flag(
                RuleId::Freshness,
                line,
                1,
                &text,
                format!("{} has no price within the score's freshness window on {publish}", self.subject),
            ),
        }
    }
}
