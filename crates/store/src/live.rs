//! The live record: the Alpha Scores of each latest close as this desk first
//! stated them, kept as stated. A later generation of the store may score
//! that close differently (a restated filing, a corrected price); the record
//! keeps what was said, so that what followed can be measured against it.

use alphadesk_model::{parse_date, NaiveDate};
use rusqlite::params;

use crate::{Store, StoreError};

impl Store {
    /// Records the Alpha Scores of the close `as_of` as first stated: a close
    /// already recorded for `config_hash` is left as it is (the record is
    /// never rewritten, whatever a later generation would say). The number of
    /// scores recorded: 0 when the close was recorded before.
    pub fn record_live_scores(
        &self,
        config_hash: &str,
        as_of: NaiveDate,
        scores: &[(String, i64)],
    ) -> Result<usize, StoreError> {
        let generation = self.generation()?;
        let recorded_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        // This connection's own transaction; a writer records between files.
        let tx = self.conn.unchecked_transaction()?;
        let known: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM live_scores WHERE config_hash = ?1 AND as_of = ?2)",
            params![config_hash, as_of.to_string()],
            |r| r.get(0),
        )?;
        if known || scores.is_empty() {
            return Ok(0);
        }
        {
            let mut st = tx.prepare(
                "INSERT INTO live_scores (config_hash, as_of, ticker, score, recorded_at, generation) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (ticker, score) in scores {
                st.execute(params![config_hash, as_of.to_string(), ticker, score, recorded_at, generation])?;
            }
        }
        tx.commit()?;
        Ok(scores.len())
    }

    /// Every close recorded for `config_hash`, oldest first.
    pub fn live_scores(&self, config_hash: &str) -> Result<Vec<LiveScores>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT as_of, recorded_at, generation, ticker, score FROM live_scores WHERE config_hash = ?1 ORDER BY as_of, ticker",
        )?;
        let mut rows = st.query([config_hash])?;
        let mut out: Vec<LiveScores> = Vec::new();
        while let Some(r) = rows.next()? {
            let as_of: String = r.get(0)?;
            let as_of = parse_date(&as_of).ok_or_else(|| StoreError::Invalid {
                path: "live_scores".into(),
                message: "a recorded close is not a date".into(),
            })?;
            if out.last().is_none_or(|l| l.as_of != as_of) {
                out.push(LiveScores { as_of, recorded_at: r.get(1)?, generation: r.get(2)?, scores: Vec::new() });
            }
            if let Some(l) = out.last_mut() {
                l.scores.push((r.get(3)?, r.get(4)?));
            }
        }
        Ok(out)
    }
}

/// The Alpha Scores of one close as first recorded ([`crate::Store::record_live_scores`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LiveScores {
    pub as_of: NaiveDate,
    /// When they were first stated (UTC, RFC 3339).
    pub recorded_at: String,
    /// The store generation they were computed from.
    pub generation: i64,
    /// (ticker, Alpha Score), by ticker.
    pub scores: Vec<(String, i64)>,
}
