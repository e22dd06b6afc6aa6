//! What the fundamentals read, as a trait.
//!
//! The store implements it with SQL, one query per question. The score's panel
//! builder implements it over arrays loaded once, because a monthly score panel
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

impl Records for Connection {
    fn security(&self, ticker: &str) -> Result<Option<Security>, StoreError> {
        read::security(self, ticker)
    }
    fn facts_known(&self, cik: i64, concept: &str, as_of: NaiveDate) -> Result<Cow<'_, [StoredFact]>, StoreError> {
        read::facts_known(self, cik, concept, as_of).map(Cow::Owned)
    }
    fn splits(&self, cik: i64) -> Result<Vec<Split>, StoreError> {
        read::splits(self, cik)
    }
    fn close_on_or_before(&self, ticker: &str, date: NaiveDate) -> Result<Option<Bar>, StoreError> {
        read::close_on_or_before(self, ticker, date)
    }
    fn price_basis(&self, ticker: &str) -> Result<Option<(String, NaiveDate)>, StoreError> {
        read::price_basis(self, ticker)
    }
    fn annual_values(&self, ticker: &str, period_end_by: NaiveDate) -> Result<Cow<'_, [AnnualValue]>, StoreError> {
        Ok(Cow::Owned(read::annual_values(self, ticker, period_end_by)?))
    }
    fn snapshot_prices(&self, ticker: &str) -> Result<Vec<Dated>, StoreError> {
        Ok(read::snapshot_values(self, "price")?.remove(ticker).unwrap_or_default())
    }
    fn snapshot_market_caps(&self, ticker: &str) -> Result<Vec<Dated>, StoreError> {
        Ok(read::snapshot_values(self, "market_cap_usd")?.remove(ticker).unwrap_or_default())
    }
    fn stated_actions(&self, ticker: &str) -> Result<StatedActions, StoreError> {
        read::stated_actions(self, ticker)
    }
}
