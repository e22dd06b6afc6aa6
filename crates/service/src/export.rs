//! The store's tables and score panels as Parquet (see docs/scale.md, "alphadesk export").

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
        let root = alphadesk_export::source_root(&self.reader().get());
        let mut out = Vec::with_capacity(tables.len());
        for t in tables {
            if t == Table::Scores {
                let first = snap.index.calendar.first().copied().unwrap_or(as_of);
                let mut dates = snap.index.rebalance_dates(first, as_of, alphadesk_score::Every::Month);
                if dates.last() != Some(&as_of) {
                    dates.push(as_of);
                }
                let panels = self.scores_over(&snap, &dates)?;
                out.push(alphadesk_export::write_scores(
                    dir,
                    self.config_hash(),
                    &self.config().metric_ids(),
                    panels.iter().map(|p| p.as_slice()),
                )?);
            } else {
                out.push(alphadesk_export::write_table(&self.reader().get(), dir, t, known_by, root.as_deref())?);
            }
        }
        Ok(alphadesk_export::commit_all(out)?)
    }
}

/// A panel computed for one request: its dates and each date's records.
pub struct Panel {
    /// The score configuration's hash.
    pub config_hash: String,
    /// First date asked for.
    pub from: NaiveDate,
    /// Last date asked for.
    pub to: NaiveDate,
    /// How often.
    pub every: alphadesk_score::Every,
    /// The rebalance dates, oldest first.
    pub dates: Vec<NaiveDate>,
    /// The metrics whose raw values each row carries.
    pub metrics: Vec<String>,
    sector: Option<alphadesk_model::Sector>,
    records: Vec<std::sync::Arc<Vec<alphadesk_score::ScoreRecord>>>,
}

/// The most rebalance dates one panel request computes (about 2.4 years of
/// days, or fifty years of month ends).
pub const MAX_PANEL_DATES: usize = 600;

impl Panel {
    fn keep(&self, r: &alphadesk_score::ScoreRecord) -> bool {
        self.sector.is_none_or(|s| s == r.sector)
    }

    fn each(&self) -> impl Iterator<Item = &[alphadesk_score::ScoreRecord]> {
        self.records.iter().map(|r| r.as_slice())
    }

    /// The panel as JSON rows.
    pub fn view(&self) -> crate::PanelView {
        let rows = self
            .each()
            .flatten()
            .filter(|r| self.keep(r))
            .map(|r| crate::PanelRow {
                as_of: r.as_of,
                score: crate::ScoreRow::from(r),
                raw: self.metrics.iter().map(|id| (id.clone(), alphadesk_export::raw_of(r, id))).collect(),
            })
            .collect();
        crate::PanelView {
            config_hash: self.config_hash.clone(),
            from: self.from,
            to: self.to,
            every: self.every,
            dates: self.dates.clone(),
            metrics: self.metrics.clone(),
            rows,
        }
    }

    /// The panel as CSV, the columns of `score --history --out FILE.csv`.
    pub fn csv(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        alphadesk_export::write_scores_csv(&mut out, &self.metrics, self.each(), |r| self.keep(r))
            .map_err(|e| ServiceError::new(crate::Kind::Internal, e.to_string()))?;
        Ok(out)
    }

    /// The panel as Parquet, the columns of `scores.parquet`.
    pub fn parquet(&self) -> Result<Vec<u8>> {
        let dir = tempfile::tempdir().map_err(|e| ServiceError::new(crate::Kind::Internal, e.to_string()))?;
        let path = dir.path().join("panel.parquet");
        self.write_parquet(&path)?;
        std::fs::read(&path).map_err(|e| ServiceError::new(crate::Kind::Internal, e.to_string()))
    }

    /// Writes the panel as Parquet to `path` (complete or not at all); returns
    /// the rows written.
    pub fn write_parquet(&self, path: &Path) -> Result<usize> {
        Ok(alphadesk_export::write_scores_file(path, &self.config_hash, &self.metrics, self.each(), |r| self.keep(r))?
            .rows)
    }

    /// Writes the panel as CSV to `w`; returns the rows written.
    pub fn write_csv(&self, w: &mut impl std::io::Write) -> std::io::Result<usize> {
        alphadesk_export::write_scores_csv(w, &self.metrics, self.each(), |r| self.keep(r))
    }
}

impl Service {
    /// Every ticker's scores (one sector or all) at each rebalance date from
    /// `from` (default: two years before `to`) to `to` (default: the latest
    /// date), at most ten years and [`MAX_PANEL_DATES`] dates.
    pub fn panel(&self, p: &crate::params::PanelParams) -> Result<Panel> {
        let snap = self.snapshot()?;
        let crate::Span { from, to, every, dates } = self.span(&snap, p.from, p.to, p.every)?;
        self.panel_on(&snap, from, to, every, dates, p.sector.as_deref())
    }

    /// [`Self::panel`] for research on one machine (`score --history`): any
    /// span and number of dates, every rebalance date from `from` to `to`.
    pub fn research_panel(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        every: alphadesk_score::Every,
        sector: Option<&str>,
    ) -> Result<Panel> {
        let snap = self.snapshot()?;
        if from > to {
            return Err(ServiceError::bad_input(format!("from {from} is after to {to}")));
        }
        let dates = snap.index.rebalance_dates(from, to, every);
        self.panel_on(&snap, from, to, every, dates, sector)
    }

    fn panel_on(
        &self,
        snap: &crate::Snapshot,
        from: NaiveDate,
        to: NaiveDate,
        every: alphadesk_score::Every,
        dates: Vec<NaiveDate>,
        sector: Option<&str>,
    ) -> Result<Panel> {
        let sector = crate::sector_of(sector)?;
        if dates.is_empty() {
            let (first, last) = (snap.index.calendar.first(), snap.index.calendar.last());
            return Err(ServiceError::not_found(match (first, last) {
                (Some(a), Some(b)) => format!("no trading days from {from} to {to} (the store's prices run {a}..{b})"),
                _ => "the store holds no prices".to_string(),
            }));
        }
        let records = self.scores_over(snap, &dates)?;
        Ok(Panel {
            config_hash: self.config_hash().to_string(),
            from,
            to,
            every,
            dates,
            metrics: self.config().metric_ids(),
            sector,
            records,
        })
    }
}
