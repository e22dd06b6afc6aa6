//! The store's tables and score panels as Parquet (see docs/export.md).

use std::path::Path;

use alphadesk_export::{Table, Written};
use alphadesk_model::NaiveDate;

use crate::{Result, Service, ServiceError};

impl Service {
    /// Writes `tables` (default: all) into `dir`: with `as_of`, only what was
    /// known by that close (prices to it, facts and filings filed by it, articles
    /// known by it); without, everything stored. Scores are the month ends of the
    /// store's history to `as_of` (default: the latest trading day), and that day.
    pub fn export(&self, dir: &Path, tables: &[Table], as_of: Option<NaiveDate>) -> Result<Vec<Written>> {
        let snap = self.snapshot()?;
        // Dates are compared as ISO text in SQL: the last four-digit year is "everything".
        let known_by = as_of.unwrap_or(NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date"));
        let as_of = self.date(&snap, as_of)?;
        std::fs::create_dir_all(dir)
            .map_err(|e| ServiceError::bad_input(format!("cannot create {}: {e}", dir.display())))?;
        alphadesk_export::clean_partials(dir);
        let tables: Vec<Table> = if tables.is_empty() { Table::ALL.to_vec() } else { tables.to_vec() };
        // Every table is written complete under a `.partial` name first, and
        // renamed only when all are: a failure (a full disk) leaves the folder
        // as it was, and the staged files are removed as they are dropped.
        let mut out = Vec::with_capacity(tables.len());
        for t in tables {
            if t == Table::Scores {
                let first = snap.universe.calendar.first().copied().unwrap_or(as_of);
                let mut dates = snap.universe.rebalance_dates(first, as_of, alphadesk_score::Every::Month);
                if dates.last() != Some(&as_of) {
                    dates.push(as_of);
                }
                let panels = dates.iter().map(|d| self.scores_on(&snap, *d)).collect::<Result<Vec<_>>>()?;
                out.push(alphadesk_export::write_scores(dir, self.config_hash(), panels.iter().map(|p| p.as_slice()))?);
            } else {
                out.push(alphadesk_export::write_table(&self.reader().get(), dir, t, known_by)?);
            }
        }
        Ok(alphadesk_export::commit_all(out)?)
    }
}
