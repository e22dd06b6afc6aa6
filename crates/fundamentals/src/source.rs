//! What the fundamentals read, as a trait.
//!
//! The store implements it with a query per question ([`StoreRecords`]), but
//! for facts: a filer's are stored as one set per document and read whole, so
//! they are decoded once per filer and kept for the next question. The score's
//! panel builder implements it over arrays loaded once, because a monthly score panel
//! asks the same questions tens of thousands of times and must not become tens of
//! thousands of queries. Both go through the same code in `ttm` and `marketcap`,
//! so `alphadesk facts` and the Alpha Score can never disagree about a number.

use std::borrow::Cow;

use alphadesk_model::NaiveDate;
use alphadesk_store::read::{self, AnnualValue, Bar, Dated, Security, Split, StatedActions, StoredFact};
use alphadesk_store::{Connection, StoreError};

/// What fundamentals read: the store, or the records of a universe held in
/// memory (the same answers either way).
pub trait Records {
    /// The security a ticker names.
    fn security(&self, ticker: &str) -> Result<Option<Security>, StoreError>;
    /// Facts of `cik` for `concept` filed on or before `as_of`, oldest filing first.
    /// Borrowed when the implementation holds them in memory.
    fn facts_known(&self, cik: i64, concept: &str, as_of: NaiveDate) -> Result<Cow<'_, [StoredFact]>, StoreError>;
    /// The splits the filer's XBRL reports.
    fn splits(&self, cik: i64) -> Result<Vec<Split>, StoreError>;
    /// The ticker's last bar on or before `date`.
    fn close_on_or_before(&self, ticker: &str, date: NaiveDate) -> Result<Option<Bar>, StoreError>;
    /// The price series' layout and the date its adjustment refers to.
    fn price_basis(&self, ticker: &str) -> Result<Option<(String, NaiveDate)>, StoreError>;
    /// Annual table rows with period end on or before `period_end_by`, by
    /// period end. Borrowed when the implementation holds them in memory.
    fn annual_values(&self, ticker: &str, period_end_by: NaiveDate) -> Result<Cow<'_, [AnnualValue]>, StoreError>;
    /// Dated snapshot prices of the ticker (as traded on the snapshot's date), oldest first.
    fn snapshot_prices(&self, ticker: &str) -> Result<Vec<Dated>, StoreError>;
    /// Dated snapshot market caps of the ticker (as traded), oldest first.
    fn snapshot_market_caps(&self, ticker: &str) -> Result<Vec<Dated>, StoreError>;
    /// The splits and dividends the ticker's price sources state, and the days
    /// they vouch for.
    fn stated_actions(&self, ticker: &str) -> Result<StatedActions, StoreError>;
}

/// The store's records: a question each, but for a filer's facts, decoded once
/// and kept for the last few filers asked about (a fundamentals report asks
/// some fifty questions of one filer's facts, an audit thousands).
pub struct StoreRecords<'c> {
    conn: &'c Connection,
    /// By filer, most recently asked last: each concept's facts, oldest filing first.
    filers: std::cell::RefCell<Vec<(i64, std::rc::Rc<FactsByConcept>)>>,
}

type FactsByConcept = std::collections::HashMap<String, Vec<StoredFact>>;

/// Filers whose facts are kept: a share class and its filer, the filer asked
/// about before them.
const FILERS_KEPT: usize = 4;

impl<'c> StoreRecords<'c> {
    /// The records of the store `conn` reads.
    pub fn new(conn: &'c Connection) -> StoreRecords<'c> {
        StoreRecords { conn, filers: Default::default() }
    }

    fn filer(&self, cik: i64) -> Result<std::rc::Rc<FactsByConcept>, StoreError> {
        let mut filers = self.filers.borrow_mut();
        if let Some(i) = filers.iter().position(|(c, _)| *c == cik) {
            let hit = filers.remove(i);
            filers.push(hit);
        } else {
            let mut by: FactsByConcept = Default::default();
            for f in read::facts_of_filer(self.conn, cik)? {
                by.entry(f.concept.clone()).or_default().push(f);
            }
            if filers.len() == FILERS_KEPT {
                filers.remove(0);
            }
            filers.push((cik, std::rc::Rc::new(by)));
        }
        Ok(filers.last().expect("pushed").1.clone())
    }
}

impl Records for StoreRecords<'_> {
    fn security(&self, ticker: &str) -> Result<Option<Security>, StoreError> {
        read::security(self.conn, ticker)
    }
    fn facts_known(&self, cik: i64, concept: &str, as_of: NaiveDate) -> Result<Cow<'_, [StoredFact]>, StoreError> {
        let filer = self.filer(cik)?;
        Ok(Cow::Owned(match filer.get(concept) {
            Some(v) => v[..v.partition_point(|f| f.filed <= as_of)].to_vec(),
            None => Vec::new(),
        }))
    }
    fn splits(&self, cik: i64) -> Result<Vec<Split>, StoreError> {
        read::splits(self.conn, cik)
    }
    fn close_on_or_before(&self, ticker: &str, date: NaiveDate) -> Result<Option<Bar>, StoreError> {
        read::close_on_or_before(self.conn, ticker, date)
    }
    fn price_basis(&self, ticker: &str) -> Result<Option<(String, NaiveDate)>, StoreError> {
        read::price_basis(self.conn, ticker)
    }
    fn annual_values(&self, ticker: &str, period_end_by: NaiveDate) -> Result<Cow<'_, [AnnualValue]>, StoreError> {
        Ok(Cow::Owned(read::annual_values(self.conn, ticker, period_end_by)?))
    }
    fn snapshot_prices(&self, ticker: &str) -> Result<Vec<Dated>, StoreError> {
        Ok(read::snapshot_values(self.conn, "price")?.remove(ticker).unwrap_or_default())
    }
    fn snapshot_market_caps(&self, ticker: &str) -> Result<Vec<Dated>, StoreError> {
        Ok(read::snapshot_values(self.conn, "market_cap_usd")?.remove(ticker).unwrap_or_default())
    }
    fn stated_actions(&self, ticker: &str) -> Result<StatedActions, StoreError> {
        read::stated_actions(self.conn, ticker)
    }
}
