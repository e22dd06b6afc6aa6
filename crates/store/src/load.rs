//! Writing one parsed file into the store, inside the caller's transaction.
//!
//! Every row carries the id of the `sources` row it came from, and where the source
//! has lines, the line. Writes are upserts or insert-or-ignore keyed on the natural
//! identity of each record, so re-ingesting a changed file replaces what it said
//! and ingesting overlapping files (two snapshots of one company's facts) keeps one
//! copy.

use alphadesk_ingest::tables::{FundamentalsTable, Listings, MarketSnapshot, SicCode};
use alphadesk_ingest::{companyfacts::CompanyFacts, ownership::OwnershipReport, prices::PriceFile};
use alphadesk_ingest::{submissions::Submissions, thirteenf::HoldingsReport, Parsed, Warning};
use alphadesk_model::NaiveDate;
use chrono::{Datelike, Duration, Weekday};
use rusqlite::{params, Connection, OptionalExtension};

use crate::StoreError;

/// Counts rows and fires the injected fault used by crash-safety tests.
pub(crate) struct Sink<'t> {
    pub tx: &'t Connection,
    /// The file being stored, for messages.
    pub path: String,
    pub source_id: i64,
    pub rows: u64,
    pub fault_after: Option<u64>,
    pub warnings: Vec<Warning>,
    /// A companyfacts document's facts, encoded where it was parsed.
    pub facts: Option<&'t crate::fact_sets::Encoded>,
}

impl Sink<'_> {
    fn tick(&mut self, n: usize) -> Result<(), StoreError> {
        self.rows += n as u64;
        if let Some(limit) = self.fault_after {
            if self.rows >= limit {
                return Err(StoreError::InjectedFault(self.rows));
            }
        }
        Ok(())
    }
}

pub(crate) fn write(sink: &mut Sink<'_>, parsed: &Parsed<'_>) -> Result<(), StoreError> {
    match parsed {
        Parsed::Prices(p) => prices(sink, p),
        Parsed::CompanyFacts(f) => facts(sink, f),
        Parsed::Submissions(s) => submissions(sink, s),
        Parsed::Ownership(o) => ownership(sink, o),
        Parsed::Holdings(h) => holdings(sink, h),
        Parsed::Fundamentals(f) => fundamentals(sink, f),
        Parsed::Snapshot(s) => snapshot(sink, s),
        Parsed::Listings(l) => listings(sink, l),
        Parsed::SicCodes(c) => sic(sink, c),
        Parsed::Documents(d) => documents(sink, d),
    }
}

fn d(x: NaiveDate) -> String {
    x.to_string()
}

/// How a price file relates to the series already stored for its ticker.
enum Fit {
    /// Nothing stored yet, or the file covers every stored day: it is the series.
    Whole,
    /// It agrees with the stored rows on every day both hold (same adjustment
    /// basis): its new days are added, stored rows keep their own citations.
    Extends,
}

/// Two adjusted closes of one day agree when they differ by less than this share
/// (files round to four or six decimals).
const SAME_BASIS: f64 = 2e-4;

/// Decides how a price file may join the stored series, or refuses it: rows on
/// two adjustment bases would make every return across the seam wrong, silently.
fn fit(s: &mut Sink<'_>, p: &PriceFile) -> Result<Fit, StoreError> {
    let ticker = p.ticker.as_str();
    let stored: Option<(String, String, String)> =
        s.tx.query_row("SELECT first_date, last_date, layout FROM price_series WHERE ticker = ?1", [ticker], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((first, last, layout)) = stored else { return Ok(Fit::Whole) };
    let (Some(new_first), Some(new_last)) = (p.bars.first(), p.bars.last()) else { return Ok(Fit::Whole) };
    let file_layout =
        serde_json::to_value(p.layout).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    if d(new_first.date) <= first && d(new_last.date) >= last {
        return Ok(Fit::Whole);
    }
    let refuse = |message: String| StoreError::Basis { path: s.path.clone(), message };
    if file_layout != layout {
        return Err(refuse(format!(
            "{ticker}: this file's layout ({file_layout}) differs from the stored series' ({layout}), and it covers only part of it; ingest the whole history from one source instead"
        )));
    }
    let mut st =
        s.tx.prepare_cached("SELECT date, adj_close FROM prices WHERE ticker = ?1 AND date >= ?2 AND date <= ?3")?;
    let stored_closes: std::collections::HashMap<String, Option<f64>> = st
        .query_map(params![ticker, d(new_first.date), d(new_last.date)], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut shared = 0usize;
    let mut worst: Option<(NaiveDate, f64)> = None;
    for b in &p.bars {
        let (Some(Some(old)), Some(new)) = (stored_closes.get(&d(b.date)), b.adj_close) else { continue };
        shared += 1;
        let ratio = new / old;
        if (ratio - 1.0).abs() > SAME_BASIS && worst.is_none_or(|(_, w)| (ratio - 1.0).abs() > (w - 1.0).abs()) {
            worst = Some((b.date, ratio));
        }
    }
    if let Some((day, ratio)) = worst {
        return Err(refuse(format!(
            "{ticker}: this file's adjusted closes are on another adjustment basis than the stored series ({first}..{last}): on {day} they differ ×{ratio:.4} (a split or dividend adjusted in one and not the other); refused so as not to mix bases. Ingest the whole history from one source: a file covering every stored day replaces the series"
        )));
    }
    if shared == 0 {
        s.warnings.push(Warning::file(format!(
            "{ticker}: no day in common with the stored series ({first}..{last}), so the adjustment basis could not be compared; rows added"
        )));
    }
    Ok(Fit::Extends)
}

/// The splits and dividends a price source states, and the days its answer
/// vouches for. An action already stored with the same value keeps its first
/// citation (a re-fetched history states it again); one whose value changed is
/// replaced by the newer answer's, with a warning naming both.
fn stated_actions(
    s: &mut Sink<'_>,
    ticker: &str,
    first: &str,
    last: &str,
    actions: &[alphadesk_ingest::prices::CorporateAction],
) -> Result<(), StoreError> {
    s.tx.prepare_cached(
        "INSERT OR REPLACE INTO action_spans (ticker, source_id, first_date, last_date) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![ticker, s.source_id, first, last])?;
    for a in actions {
        let (kind, date) = (a.kind.as_str(), d(a.date));
        let stored: Option<f64> = s
            .tx
            .prepare_cached("SELECT value FROM corporate_actions WHERE ticker = ?1 AND kind = ?2 AND ex_date = ?3")?
            .query_row(params![ticker, kind, date], |r| r.get(0))
            .optional()?;
        match stored {
            Some(v) if (v - a.value).abs() <= 1e-9 * v.abs().max(1.0) => continue,
            Some(v) => s.warnings.push(Warning::line(
                a.line,
                format!(
                    "{ticker}: the {kind} of {date} was stated as {v} before and is {} now; the newer is kept",
                    a.value
                ),
            )),
            None => {}
        }
        s.tx.prepare_cached(
            "INSERT OR REPLACE INTO corporate_actions (ticker, kind, ex_date, value, source_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![ticker, kind, date, a.value, s.source_id, a.line as i64])?;
    }
    Ok(())
}

fn prices(s: &mut Sink<'_>, p: &PriceFile) -> Result<(), StoreError> {
    let ticker = p.ticker.as_str();
    let fit = fit(s, p)?;
    if let Fit::Whole = fit {
        let replaced = s.tx.execute("DELETE FROM prices WHERE ticker = ?1", [ticker])?;
        if replaced > 0 {
            s.warnings.push(Warning::file(format!(
                "{ticker}: this file covers every stored day ({replaced} rows) and replaces the stored series, on its own adjustment basis"
            )));
        }
    }
    {
        // New days only when extending: a stored row keeps the file and line it
        // came from.
        let mut st = s.tx.prepare_cached(
            "INSERT OR IGNORE INTO prices (ticker, date, open, high, low, close, adj_close, volume, source_id, line, flag)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for b in &p.bars {
            // A day already stored is ignored, and not counted as written.
            let written = st.execute(params![
                ticker,
                d(b.date),
                b.open,
                b.high,
                b.low,
                b.close,
                b.adj_close,
                b.volume,
                s.source_id,
                b.line as i64,
                b.flag.as_ref().and_then(|f| serde_json::to_string(f).ok())
            ])?;
            s.tick(written)?;
        }
    }
    let first = p.bars.first().map(|b| d(b.date)).unwrap_or_default();
    let last = p.bars.last().map(|b| d(b.date)).unwrap_or_default();
    let layout = serde_json::to_value(p.layout).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    // The basis is the last date any file of the series was adjusted to; files on
    // one basis agree on their shared days, so extending moves it forward only.
    s.tx.execute(
        "INSERT INTO price_series (ticker, layout, first_date, last_date, basis_date, source_id) VALUES (?1, ?2, ?3, ?4, ?4, ?5)
         ON CONFLICT(ticker) DO UPDATE SET layout = excluded.layout,
           first_date = CASE WHEN ?6 THEN excluded.first_date ELSE min(first_date, excluded.first_date) END,
           last_date = CASE WHEN ?6 THEN excluded.last_date ELSE max(last_date, excluded.last_date) END,
           basis_date = CASE WHEN ?6 THEN excluded.basis_date ELSE max(basis_date, excluded.basis_date) END,
           source_id = CASE WHEN ?6 OR excluded.last_date >= last_date THEN excluded.source_id ELSE source_id END",
        params![ticker, layout, first, last, s.source_id, matches!(fit, Fit::Whole)],
    )?;
    if let Some(actions) = &p.actions {
        stated_actions(s, ticker, &first, &last, actions)?;
    }
    crate::columns::rebuild(s.tx, ticker)
}

fn facts(s: &mut Sink<'_>, f: &CompanyFacts<'_>) -> Result<(), StoreError> {
    // One set for the document, not a row a fact (see fact_sets.rs); made
    // ready on the reader's thread when it was read there.
    let here;
    let encoded = match s.facts {
        Some(e) => e,
        None => {
            here = crate::fact_sets::Encoded::of(f);
            &here
        }
    };
    crate::fact_sets::store(s.tx, s.source_id, f.cik as i64, encoded)?;
    s.tick(encoded.stated)?;
    let mut lab =
        // An upsert, not `OR REPLACE`: a statement that may delete makes SQLite
        // copy every page it touches to a statement journal first.
        s.tx.prepare_cached(
            "INSERT INTO concepts (taxonomy, concept, label) VALUES (?1, ?2, ?3)
             ON CONFLICT (taxonomy, concept) DO UPDATE SET label = excluded.label",
        )?;
    for l in &f.labels {
        lab.execute(params![l.taxonomy.as_ref(), l.concept.as_ref(), l.label.as_deref()])?;
    }
    Ok(())
}

fn submissions(s: &mut Sink<'_>, sub: &Submissions) -> Result<(), StoreError> {
    let cik = sub.cik.get() as i64;
    if let Some(f) = &sub.filer {
        s.tx.execute(
            "INSERT INTO companies (cik, name, entity_type, sic, sic_description, fiscal_year_end, tickers, exchanges, source_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT(cik) DO UPDATE SET name = excluded.name, entity_type = excluded.entity_type, sic = excluded.sic,
               sic_description = excluded.sic_description, fiscal_year_end = excluded.fiscal_year_end,
               tickers = excluded.tickers, exchanges = excluded.exchanges, source_id = excluded.source_id",
            params![
                cik,
                f.name,
                f.entity_type,
                f.sic,
                f.sic_description,
                f.fiscal_year_end,
                serde_json::to_string(&f.tickers).unwrap_or_default(),
                serde_json::to_string(&f.exchanges).unwrap_or_default(),
                s.source_id
            ],
        )?;
        let mut st = s.tx.prepare_cached(
            "INSERT OR IGNORE INTO company_names (cik, name, valid_from, valid_to, source_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for n in &f.former_names {
            st.execute(params![cik, n.name, n.from.map(d), n.to.map(d), s.source_id])?;
        }
        s.tick(1 + f.former_names.len())?;
    }
    let mut st = s.tx.prepare_cached(
        "INSERT OR IGNORE INTO filings (accession, cik, form, filed, report_date, acceptance_datetime, primary_document, description, source_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for r in &sub.filings {
        st.execute(params![
            r.accession.as_str(),
            cik,
            r.form,
            d(r.filed),
            r.report_date.map(d),
            r.acceptance_datetime,
            r.primary_document,
            r.primary_doc_description,
            s.source_id
        ])?;
        s.tick(1)?;
    }
    Ok(())
}

/// Form 4 is due two business days after the trade; a bare XML document with no
/// filing date is treated as known then. Holidays are ignored, which can only make
/// the estimate early by a day or two around them; the row is flagged as estimated.
pub fn add_business_days(mut day: NaiveDate, n: u32) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    day
}

fn parse_cik(s: Option<&str>) -> Option<i64> {
    s.and_then(|c| c.trim().parse::<i64>().ok())
}

fn ownership(s: &mut Sink<'_>, o: &OwnershipReport) -> Result<(), StoreError> {
    let (filed, estimated) = match (o.filed, o.period_of_report) {
        (Some(f), _) => (Some(f), false),
        (None, Some(p)) => (Some(add_business_days(p, 2)), true),
        (None, None) => (None, true),
    };
    let n = s.tx.execute(
        "INSERT OR IGNORE INTO insider_reports (source_id, accession, form_type, schema_version, issuer_cik, issuer_name, issuer_ticker,
            period_of_report, filed, filed_estimated, footnotes, original_filed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            s.source_id,
            o.accession.as_ref().map(|a| a.as_str()),
            o.form_type,
            o.schema_version,
            parse_cik(o.issuer.cik.as_deref()),
            o.issuer.name,
            o.issuer.ticker.as_deref().map(|t| t.trim().to_ascii_uppercase()),
            o.period_of_report.map(d),
            filed.map(d),
            estimated,
            serde_json::to_string(&o.footnotes).unwrap_or_default(),
            o.original_filed.map(d)
        ],
    )?;
    if n == 0 {
        s.warnings.push(Warning::file(format!(
            "filing {} is already stored from another file; not stored twice",
            o.accession.as_ref().map(|a| a.as_str()).unwrap_or("?")
        )));
        return Ok(());
    }
    let id = s.tx.last_insert_rowid();
    s.tick(1)?;
    let mut own = s.tx.prepare_cached(
        "INSERT INTO insider_owners (report_id, seq, owner_cik, name, is_director, is_officer, officer_title, is_ten_percent_owner)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, r) in o.reporting_owners.iter().enumerate() {
        own.execute(params![
            id,
            i as i64,
            parse_cik(r.cik.as_deref()),
            r.name,
            r.is_director,
            r.is_officer,
            r.officer_title,
            r.is_ten_percent_owner
        ])?;
        s.tick(1)?;
    }
    let mut tx = s.tx.prepare_cached(
        "INSERT INTO insider_transactions (report_id, seq, tbl, kind, security_title, trade_date, code, shares, price, acquired_disposed,
            shares_owned_after, total_value, ownership, footnotes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for (i, t) in o.transactions.iter().enumerate() {
        let tbl = serde_json::to_value(t.table).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        let kind = serde_json::to_value(t.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        tx.execute(params![
            id,
            i as i64,
            tbl,
            kind,
            t.security_title,
            t.date.map(d),
            t.code,
            t.shares,
            t.price,
            t.acquired_disposed,
            t.shares_owned_after,
            t.total_value,
            t.ownership,
            serde_json::to_string(&t.footnotes).unwrap_or_default()
        ])?;
        s.tick(1)?;
    }
    link_amendments(s.tx, id)?;
    Ok(())
}

/// Links report `id` with the report it amends, or the amendments of it stored
/// before it (files arrive in any order). An amendment names its original by the
/// original's filing date; the two share the issuer, the period of report and the
/// first reporting owner. The latest amendment replaces the original.
fn link_amendments(tx: &Connection, id: i64) -> Result<(), StoreError> {
    const SAME: &str = "o.issuer_cik IS a.issuer_cik AND o.period_of_report IS a.period_of_report
        AND o.id <> a.id AND o.form_type || '/A' = a.form_type AND o.filed = a.original_filed
        AND (SELECT owner_cik FROM insider_owners WHERE report_id = o.id ORDER BY seq LIMIT 1)
            IS (SELECT owner_cik FROM insider_owners WHERE report_id = a.id ORDER BY seq LIMIT 1)";
    // `id` is an amendment: point its original at it, unless a later one already is.
    tx.execute(
        &format!(
            "UPDATE insider_reports AS o SET amended_by = ?1
             WHERE o.id IN (SELECT o.id FROM insider_reports o, insider_reports a WHERE a.id = ?1 AND {SAME})
               AND (o.amended_by IS NULL OR (SELECT filed FROM insider_reports WHERE id = o.amended_by)
                    <= (SELECT filed FROM insider_reports WHERE id = ?1))"
        ),
        [id],
    )?;
    // `id` is an original: the latest amendment already stored replaces it.
    tx.execute(
        &format!(
            "UPDATE insider_reports SET amended_by = (
                 SELECT a.id FROM insider_reports o, insider_reports a WHERE o.id = ?1 AND {SAME}
                 ORDER BY a.filed DESC, a.id DESC LIMIT 1)
             WHERE id = ?1 AND amended_by IS NULL"
        ),
        [id],
    )?;
    Ok(())
}

fn holdings(s: &mut Sink<'_>, h: &HoldingsReport) -> Result<(), StoreError> {
    let unit = match h.value_unit {
        alphadesk_ingest::thirteenf::ValueUnit::Thousands => "thousands",
        alphadesk_ingest::thirteenf::ValueUnit::Dollars => "dollars",
    };
    s.tx.execute(
        "INSERT INTO holdings_reports (source_id, accession, manager, manager_cik, form_type, period, filed, filed_from, is_amendment,
            value_unit, value_unit_reason, total_value_usd, reported_entry_total, reported_value_total)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            s.source_id,
            h.accession.as_ref().map(|a| a.as_str()),
            h.manager,
            parse_cik(h.manager_cik.as_deref()),
            h.form_type,
            h.period.map(d),
            h.filed.or(h.signed).map(d),
            match (h.filed, h.signed) {
                (Some(_), _) => Some("header"),
                (None, Some(_)) => Some("signature"),
                _ => None,
            },
            h.is_amendment,
            unit,
            h.value_unit_reason,
            h.total_value_usd,
            h.reported_entry_total.map(|v| v as i64),
            h.reported_value_total
        ],
    )?;
    let id = s.tx.last_insert_rowid();
    s.tick(1)?;
    let mut st = s.tx.prepare_cached(
        "INSERT INTO holdings (report_id, seq, issuer, class, cusip, value_usd, shares, share_type, put_call, discretion,
            voting_sole, voting_shared, voting_none) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for (i, r) in h.holdings.iter().enumerate() {
        st.execute(params![
            id,
            i as i64,
            r.issuer,
            r.class,
            r.cusip,
            r.value_usd,
            r.shares,
            r.share_type,
            r.put_call,
            r.discretion,
            r.voting.sole,
            r.voting.shared,
            r.voting.none
        ])?;
        s.tick(1)?;
    }
    Ok(())
}

fn fundamentals(s: &mut Sink<'_>, f: &FundamentalsTable) -> Result<(), StoreError> {
    let mut st = s.tx.prepare_cached(
        "INSERT OR REPLACE INTO fundamentals_annual (ticker, period_end, item, value, source_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for r in &f.rows {
        for (item, v) in &r.items {
            st.execute(params![r.ticker.as_str(), d(r.period_end), item, v, s.source_id, r.line as i64])?;
        }
        s.tick(1)?;
    }
    Ok(())
}

fn snapshot(s: &mut Sink<'_>, m: &MarketSnapshot) -> Result<(), StoreError> {
    let mut st = s.tx.prepare_cached(
        "INSERT OR REPLACE INTO market_snapshots (ticker, as_of, field, value, source_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for r in &m.rows {
        for (k, v) in &r.fields {
            st.execute(params![r.ticker.as_str(), d(m.as_of), k, v, s.source_id, r.line as i64])?;
        }
        s.tick(1)?;
    }
    for n in &m.normalisations {
        s.warnings.push(Warning::file(format!("normalised: {n}")));
    }
    Ok(())
}

fn listings(s: &mut Sink<'_>, l: &Listings) -> Result<(), StoreError> {
    let mut st = s.tx.prepare_cached(
        // Plain `INSERT`: a new source's lines are new rows, and `OR REPLACE`
        // (a statement that may delete) made SQLite copy every page it
        // touched to a statement journal first, most of storing EDGAR's map.
        "INSERT INTO listings (source_id, line, priority, ticker, cik, name, sector, sector_label, industry, exchange, first_added)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for r in &l.rows {
        st.execute(params![
            s.source_id,
            r.line as i64,
            l.source.priority(),
            r.ticker.as_str(),
            r.cik.map(|c| c as i64),
            r.name,
            r.sector.map(|x| x.name()),
            r.sector_label,
            r.industry,
            r.exchange,
            r.first_added.map(d)
        ])?;
        s.tick(1)?;
    }
    Ok(())
}

fn documents(s: &mut Sink<'_>, docs: &alphadesk_ingest::documents::Documents) -> Result<(), StoreError> {
    use sha2::{Digest, Sha256};
    let mut st = s.tx.prepare_cached(
        "INSERT OR IGNORE INTO documents (source_id, line, kind, external_id, url, title, body, published_utc, published_raw,
            known_date, ticker_hint, content_sha) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut duplicates = 0;
    for doc in &docs.documents {
        let kind = doc.kind.as_str();
        // The same text posted for one company once; the same article under two
        // URLs once. Posts key on their ticker too: StockNet files one tweet under
        // every company it names.
        let mut h = Sha256::new();
        h.update(kind.as_bytes());
        h.update(doc.ticker_hint.as_deref().unwrap_or("").as_bytes());
        h.update(doc.title.as_bytes());
        h.update(b"\n");
        h.update(doc.body.as_bytes());
        let sha = crate::hex(&h.finalize());
        let n = st.execute(params![
            s.source_id,
            doc.line as i64,
            kind,
            doc.external_id,
            doc.url,
            doc.title,
            doc.body,
            doc.published_utc.to_rfc3339(),
            doc.published_raw,
            d(doc.known_date),
            doc.ticker_hint,
            sha
        ])?;
        if n == 0 {
            duplicates += 1;
        }
        s.tick(n)?;
    }
    if duplicates > 0 {
        s.warnings
            .push(Warning::file(format!("{duplicates} duplicate documents (same URL or content) not stored again")));
    }
    Ok(())
}

fn sic(s: &mut Sink<'_>, codes: &[SicCode]) -> Result<(), StoreError> {
    let mut st = s
        .tx
        .prepare_cached("INSERT OR REPLACE INTO sic_codes (code, office, title, source_id) VALUES (?1, ?2, ?3, ?4)")?;
    for c in codes {
        st.execute(params![c.code, c.office, c.title, s.source_id])?;
        s.tick(1)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_days_skip_weekends() {
        let fri = NaiveDate::from_ymd_opt(2022, 5, 6).unwrap();
        assert_eq!(add_business_days(fri, 2).to_string(), "2022-05-10");
        let wed = NaiveDate::from_ymd_opt(2022, 5, 4).unwrap();
        assert_eq!(add_business_days(wed, 2).to_string(), "2022-05-06");
    }
}
