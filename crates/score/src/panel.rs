//! The universe in memory: every priced security with a sector, its closes as
//! contiguous arrays, and its fundamentals as a step function of the dates on
//! which they changed.
//!
//! Why this shape: a score for one date touches ~400 tickers × 15 metrics, and a
//! monthly panel repeats that 60 times. Reading the store once (one ordered scan of
//! the prices, one query per filer's facts) and answering every later question
//! from arrays is what makes a five-year panel take well under a second. The
//! fundamentals are computed by the same code as `alphadesk facts`, through the
//! [`Records`] trait, at each date on which an input became known; between those
//! dates nothing can change but the price.

use std::collections::{BTreeSet, HashMap};

use alphadesk_fundamentals::marketcap::PriceBasis;
use alphadesk_fundamentals::{fundamentals_without_market_cap, stale_from, FactsReport, Records, TABLE_LAG_DAYS};
use alphadesk_model::{NaiveDate, Sector};
use alphadesk_store::read::{
    self, AnnualValue, Bar, Dated, OpenMarketTrade, Position, Security, SourceRef, Split, StoredFact,
};
use alphadesk_store::{Store, StoreError};

use crate::window::Window;

/// One ticker's daily closes, oldest first. Missing closes are NaN, never filled.
#[derive(Debug, Clone)]
pub struct PriceSeries {
    /// Each bar's trading day.
    pub dates: Vec<NaiveDate>,
    /// As-traded (split-adjusted) close where the layout has one; else the adjusted close.
    pub close: Vec<f64>,
    /// Split- and dividend-adjusted close: what returns are computed from. NaN where
    /// the file's cell is empty or the ingest found a bad print.
    pub adj: Vec<f64>,
    /// Each bar's line in its file.
    pub lines: Vec<i64>,
    /// The stored file of each row (an index into `paths`): a series may be
    /// extended by later files, and every row cites its own.
    pub files: Vec<u32>,
    /// The stored files the rows come from.
    pub paths: Vec<String>,
    /// What the ingest found wrong with a row (a bad print left out, a row re-based
    /// across an unadjusted split), by row index.
    pub flags: std::collections::BTreeMap<usize, String>,
}

impl PriceSeries {
    fn new() -> Self {
        PriceSeries {
            dates: Vec::new(),
            close: Vec::new(),
            adj: Vec::new(),
            lines: Vec::new(),
            files: Vec::new(),
            paths: Vec::new(),
            flags: Default::default(),
        }
    }

    /// The stored file row `i` came from.
    pub fn path_at(&self, i: usize) -> &str {
        self.files.get(i).and_then(|f| self.paths.get(*f as usize)).map(String::as_str).unwrap_or("")
    }

    /// Rows `a..=b` as runs of one file each: (path, first line, last line).
    pub fn segments(&self, a: usize, b: usize) -> Vec<(&str, i64, i64)> {
        let mut out: Vec<(&str, i64, i64)> = Vec::new();
        for i in a..=b.min(self.dates.len().saturating_sub(1)) {
            let path = self.path_at(i);
            match out.iter_mut().find(|(p, ..)| *p == path) {
                Some(seg) => {
                    seg.1 = seg.1.min(self.lines[i]);
                    seg.2 = seg.2.max(self.lines[i]);
                }
                None => out.push((path, self.lines[i], self.lines[i])),
            }
        }
        out
    }

    /// Index of the last bar on or before `d`.
    pub fn index_on_or_before(&self, d: NaiveDate) -> Option<usize> {
        self.dates.partition_point(|x| *x <= d).checked_sub(1)
    }

    /// Index of the last bar on or before `d` that has a close.
    fn closed_index_on_or_before(&self, d: NaiveDate) -> Option<usize> {
        let mut i = self.index_on_or_before(d)?;
        while self.close[i].is_nan() {
            i = i.checked_sub(1)?;
        }
        Some(i)
    }

    /// Date and close of the last bar on or before `d` that has a close.
    pub fn close_on_or_before(&self, d: NaiveDate) -> Option<(NaiveDate, f64)> {
        self.closed_index_on_or_before(d).map(|i| (self.dates[i], self.close[i]))
    }

    /// The last bar on or before `d` with a close (the store's `close_on_or_before`).
    pub fn bar_on_or_before(&self, d: NaiveDate) -> Option<Bar> {
        let i = self.closed_index_on_or_before(d)?;
        Some(Bar {
            date: self.dates[i],
            close: Some(self.close[i]),
            adj_close: (!self.adj[i].is_nan()).then_some(self.adj[i]),
            source: self.source_at(i),
        })
    }

    /// Return from the adjusted close `n` bars before bar `idx` to bar `idx`. A bar
    /// without a close at the start (an empty cell, a bad print) takes the last
    /// close before it, as a market does; none at `idx` is no return.
    pub fn return_over(&self, idx: usize, n: usize) -> Option<f64> {
        let mut from = idx.checked_sub(n)?;
        while self.adj.get(from)?.is_nan() {
            from = from.checked_sub(1)?;
        }
        let a = self.adj[from];
        let b = *self.adj.get(idx)?;
        (a > 0.0 && b.is_finite()).then(|| b / a - 1.0)
    }

    /// The highest adjusted close among the `n` bars ending at `idx`, with its
    /// index; `None` with fewer than `n` bars or no close among them.
    pub fn high_over(&self, idx: usize, n: usize) -> Option<(usize, f64)> {
        let lo = (idx + 1).checked_sub(n)?;
        (lo..=idx)
            .filter(|&i| !self.adj[i].is_nan())
            .max_by(|&a, &b| self.adj[a].total_cmp(&self.adj[b]))
            .map(|i| (i, self.adj[i]))
    }

    /// The file and line of bar `i`.
    pub fn source_at(&self, i: usize) -> SourceRef {
        SourceRef { path: self.path_at(i).to_string(), accession: None, line: Some(self.lines[i]) }
    }
}

/// A gross margin from one annual table row, known after the reporting lag.
#[derive(Debug, Clone)]
pub struct AnnualMargin {
    /// The fiscal year's end.
    pub period_end: NaiveDate,
    /// When it became public.
    pub known_from: NaiveDate,
    /// Gross profit over revenue.
    pub margin: f64,
    /// The rows it was read from.
    pub sources: Vec<SourceRef>,
}

/// One ticker of a universe, with everything its scores read.
#[derive(Debug, Clone)]
pub struct Member {
    /// The ticker.
    pub ticker: String,
    /// The securities master's name.
    pub name: Option<String>,
    /// Names read from dated listings, oldest first ([`Member::name_on`]).
    pub dated_names: Vec<(NaiveDate, String)>,
    /// Whether gross profit measures the business (not for banks and insurers:
    /// `alphadesk_fundamentals::gross_profit_applies`).
    pub gross_margin_applies: bool,
    /// Its GICS sector.
    pub sector: Sector,
    /// Its filer's CIK.
    pub cik: Option<i64>,
    /// The first and last stored bar, whatever the window loaded.
    pub first_date: NaiveDate,
    /// (See `first_date`.)
    pub last_date: NaiveDate,
    /// Its closes from the window's price look-back on (all of them in a full load).
    pub prices: PriceSeries,
    /// Fundamentals (without market cap) as of each date an input became known.
    pub timeline: Vec<FactsReport>,
    /// How its adjusted prices relate to as-traded ones (for market caps).
    pub basis: Option<PriceBasis>,
    /// Annual gross margins, oldest first.
    pub margins: Vec<AnnualMargin>,
    /// Open-market insider trades in its shares.
    pub trades: Vec<OpenMarketTrade>,
    /// 13F positions in its shares.
    pub positions: Vec<Position>,
    /// News and social tone signals, sorted by the day each became known.
    pub news: Vec<alphadesk_store::read::NewsSignal>,
    /// Other tickers of the same filer (share classes).
    pub share_classes: Vec<String>,
}

impl Member {
    /// The name in force on `d`: the latest dated listing's on or before it (FTI
    /// is TechnipFMC in a 2018 constituents list, FMC Technologies in the master),
    /// else the master's.
    pub fn name_on(&self, d: NaiveDate) -> Option<&str> {
        let i = self.dated_names.partition_point(|(at, _)| *at <= d);
        i.checked_sub(1).map(|i| self.dated_names[i].1.as_str()).or(self.name.as_deref())
    }

    /// Fundamentals known at the close of `d`.
    pub fn fundamentals(&self, d: NaiveDate) -> Option<&FactsReport> {
        let i = self.timeline.partition_point(|r| r.as_of <= d).checked_sub(1)?;
        Some(&self.timeline[i])
    }
}

/// The tickers a score ranks, loaded for a window of dates.
#[derive(Debug, Clone)]
pub struct Universe {
    /// Every ticker, sorted.
    pub members: Vec<Member>,
    index: HashMap<String, usize>,
    /// Every date on which any security traded, ascending, over the whole
    /// history whatever the window.
    pub calendar: Vec<NaiveDate>,
    /// Securities without a sector, left out of the universe (with why).
    pub excluded: Vec<(String, String)>,
    /// The as-of dates this load answers: every member's prices, news and
    /// fundamentals' steps are those dates' and their look-backs' (see
    /// [`crate::window`]).
    pub window: Window,
}

impl Universe {
    /// Loads everything a score needs from one store, for every date.
    pub fn load(store: &Store) -> Result<Universe, StoreError> {
        Self::load_window(store, store, Window::ALL)
    }

    /// Loads the universe from `store`, but takes the corporate actions that undo the
    /// price file's adjustment (see `alphadesk_fundamentals::marketcap`) from
    /// `basis_store`. The two differ only in the no-look-ahead test, where `store`
    /// holds nothing known after the as-of date while the adjusted prices still
    /// carry the adjustment made years later.
    pub fn load_with_price_basis(store: &Store, basis_store: &Store) -> Result<Universe, StoreError> {
        Self::load_window(store, basis_store, Window::ALL)
    }

    /// Loads what questions about the dates of `window` need (see
    /// [`crate::window`]): the same members and calendar as a full load, their
    /// prices, news and fundamentals' steps from the look-backs before it.
    pub fn load_window(store: &Store, basis_store: &Store, window: Window) -> Result<Universe, StoreError> {
        let conn = store.conn();
        let dated = !window.is_empty();
        // The news signals (the largest single read of a full load: a fifth of
        // a backtest) are read on another core, on a connection of their own,
        // while this one reads the rest.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let news_read = match dated && cores > 1 {
            true => store
                .another_reader()
                .transpose()?
                .map(|reader| std::thread::spawn(move || news_by_ticker(&reader, dated, window))),
            false => None,
        };
        let priced = read::priced_securities(conn)?;
        let cols = match dated {
            true => alphadesk_store::columns::since(conn, (!window.is_all()).then(|| window.prices_from()))?,
            false => alphadesk_store::columns::Columns {
                history: alphadesk_store::columns::history(conn)?,
                ..Default::default()
            },
        };
        let mut ids: Vec<i64> = cols.series.iter().flat_map(|c| c.sources.iter().copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        let paths = read::source_paths_of(conn, &ids)?;
        let mut series: HashMap<String, PriceSeries> =
            priced.iter().map(|p| (p.security.ticker.clone(), PriceSeries::new())).collect();
        for c in cols.series {
            if let Some(s) = series.get_mut(&c.ticker) {
                let mut ids: Vec<i64> = c.sources.clone();
                ids.sort_unstable();
                ids.dedup();
                s.paths = ids.iter().map(|id| paths.get(id).cloned().unwrap_or_default()).collect();
                s.files = c.sources.iter().map(|id| ids.binary_search(id).unwrap_or(0) as u32).collect();
                s.dates = c.dates;
                s.close = c.close;
                s.adj = c.adj;
                s.lines = c.lines;
                s.flags = c.flags;
            }
        }
        let trades = if dated { read::open_market_trades(conn)? } else { Vec::new() };
        let mut news = match news_read {
            Some(reading) => reading.join().expect("reading the news signals panicked")?,
            None => news_by_ticker(store, dated, window)?,
        };
        let positions: Vec<(String, Position)> = match dated {
            true => read::positions(conn)?.into_iter().map(|p| (name_key(&p.issuer), p)).collect(),
            false => Vec::new(),
        };
        let mut dated_names = read::dated_names(conn)?;

        // The index (no date) holds who is listed, not what they reported.
        let mut held = match dated {
            true => Held {
                snapshots: read::snapshot_values(basis_store.conn(), "price")?,
                snapshot_caps: read::snapshot_values(basis_store.conn(), "market_cap_usd")?,
                stated: read::all_stated_actions(basis_store.conn())?,
                ..Held::default()
            },
            false => Held::default(),
        };
        let mut annual = match dated {
            true => read::all_annual_values(conn, &alphadesk_fundamentals::table_items_read())?,
            false => HashMap::new(),
        };
        let mut members = Vec::new();
        let (mut excluded, mut unpriced) = (Vec::new(), Vec::new());
        for p in &priced {
            let sec = &p.security;
            let Some(sector) = sec.sector.as_deref().and_then(Sector::from_label) else {
                excluded.push((sec.ticker.clone(), "no GICS sector in the securities master".into()));
                continue;
            };
            let Some(&span) = cols.history.spans.get(&sec.ticker) else {
                unpriced.push((sec.ticker.clone(), "no price rows".into()));
                continue;
            };
            held.annual.insert(sec.ticker.clone(), annual.remove(&sec.ticker).unwrap_or_default());
            held.securities.insert(sec.ticker.clone(), sec.clone());
            held.bases.insert(sec.ticker.clone(), (p.layout.clone(), p.basis_date));
            members.push((sec.clone(), sector, span));
        }
        excluded.append(&mut unpriced);
        held.series = series;
        let reported = match dated {
            true => reported(store, basis_store, &held, &members, window)?,
            false => members.iter().map(|_| (Vec::new(), None)).collect(),
        };

        // Grouped once: matched per member, they cost members × reports.
        let trades_by_issuer = TradesByIssuer::new(&trades);
        let mut positions_by_name: HashMap<&str, Vec<&Position>> = HashMap::new();
        for (k, p) in &positions {
            positions_by_name.entry(k.as_str()).or_default().push(p);
        }
        let mut out = Vec::with_capacity(members.len());
        for ((sec, sector, (first, last)), (timeline, basis)) in members.into_iter().zip(reported) {
            // Read by the workers through `held` (the basis's closes): moved now, not copied.
            let prices = held.series.remove(&sec.ticker).unwrap_or_else(PriceSeries::new);
            // A bank's or insurer's "gross margin" is its revenue over itself.
            let gross_margin_applies = alphadesk_fundamentals::gross_profit_applies(&sec);
            let margins = if gross_margin_applies {
                margins(held.annual.get(&sec.ticker).map(Vec::as_slice).unwrap_or(&[]))
            } else {
                Vec::new()
            };
            let member_trades = trades_by_issuer.of(sec.cik, &sec.ticker);
            let key = name_key(sec.name.as_deref().unwrap_or(""));
            let member_positions = match key.is_empty() {
                true => Vec::new(),
                false => positions_by_name
                    .get(key.as_str())
                    .map_or_else(Vec::new, |ps| ps.iter().map(|&p| p.clone()).collect()),
            };
            out.push(Member {
                ticker: sec.ticker.clone(),
                name: sec.name.clone(),
                dated_names: dated_names.remove(&sec.ticker).unwrap_or_default(),
                gross_margin_applies,
                sector,
                cik: sec.cik,
                first_date: first,
                last_date: last,
                prices,
                timeline,
                basis,
                margins,
                trades: member_trades,
                positions: member_positions,
                news: news.remove(&sec.ticker).unwrap_or_default(),
                share_classes: sec.share_classes.clone(),
            });
        }
        let index = out.iter().enumerate().map(|(i, m)| (m.ticker.clone(), i)).collect();
        Ok(Universe { members: out, index, calendar: cols.history.calendar, excluded, window })
    }

    /// A ticker's member, if the universe holds it.
    pub fn member(&self, ticker: &str) -> Option<&Member> {
        self.index.get(&ticker.trim().to_ascii_uppercase()).map(|&i| &self.members[i])
    }

    /// `m`'s fundamentals' steps as a load at notes' reach for `as_of` holds
    /// them — what a note's "a year earlier" lines read — borrowed when this
    /// universe reaches that far, else computed for `m` alone from `store`.
    ///
    /// Why: a note on one ticker needs that ticker's two years before the date,
    /// not every ticker's. Loaded for all (a notes' reach), a stock page's note at
    /// 16 times today's universe cost a second load of every filer's steps; the
    /// member's own steps are a few milliseconds. The steps are the same
    /// function's over the same records (the full history's, as
    /// `crates/http/tests/window.rs` checks every note against).
    pub fn notes_timeline<'u>(
        &'u self,
        store: &Store,
        m: &'u Member,
        as_of: NaiveDate,
    ) -> Result<std::borrow::Cow<'u, [FactsReport]>, StoreError> {
        let need = Window::dates(as_of, as_of).for_notes();
        if self.window.covers(&need) {
            return Ok(std::borrow::Cow::Borrowed(&m.timeline));
        }
        let conn = store.conn();
        let Some(sec) = read::security(conn, &m.ticker)? else {
            return Err(StoreError::Invalid {
                path: "securities".into(),
                message: format!("{} is in the universe but no longer in the securities master", m.ticker),
            });
        };
        let t = m.ticker.clone();
        let mut held = Held::default();
        // The member's closes reach back further than `need`'s (a load answers
        // a month before its first date): a close found there is the full
        // history's, one before them is asked of the store.
        held.series.insert(t.clone(), m.prices.clone());
        if let Some(basis) = read::price_basis(conn, &t)? {
            held.bases.insert(t.clone(), basis);
        }
        held.annual.insert(t.clone(), read::annual_values_of(conn, &t, &alphadesk_fundamentals::table_items_read())?);
        held.snapshots.insert(t.clone(), read::snapshot_values_of(conn, &t, "price")?);
        held.snapshot_caps.insert(t.clone(), read::snapshot_values_of(conn, &t, "market_cap_usd")?);
        held.stated.insert(t.clone(), read::stated_actions(conn, &t)?);
        held.securities.insert(t, sec.clone());
        let listed = [(sec, m.sector, (m.first_date, m.last_date))];
        let mut steps = reported_on(store, store, &held, &listed, need)?;
        Ok(std::borrow::Cow::Owned(steps.pop().map(|(timeline, _)| timeline).unwrap_or_default()))
    }

    /// The last trading day of each month, week or day in `from..=to`: the
    /// rebalance dates of a panel or a backtest.
    pub fn rebalance_dates(&self, from: NaiveDate, to: NaiveDate, every: Every) -> Vec<NaiveDate> {
        use chrono::Datelike;
        let key = |d: &NaiveDate| -> (i32, u32) {
            match every {
                Every::Week => (d.iso_week().year(), d.iso_week().week()),
                Every::Day => (d.year(), d.ordinal()),
                Every::Month => (d.year(), d.month()),
            }
        };
        let mut out: Vec<NaiveDate> = Vec::new();
        for &d in self.calendar.iter().filter(|d| **d >= from && **d <= to) {
            match out.last_mut() {
                Some(prev) if key(prev) == key(&d) => *prev = d,
                _ => out.push(d),
            }
        }
        out
    }

    /// The last trading date on or before `d`.
    pub fn trading_day_on_or_before(&self, d: NaiveDate) -> Option<NaiveDate> {
        let i = self.calendar.partition_point(|x| *x <= d).checked_sub(1)?;
        Some(self.calendar[i])
    }
}

/// How often a panel or backtest rebalances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    /// The last trading day of each month.
    Month,
    /// The last trading day of each week.
    Week,
    /// Every trading day.
    Day,
}

impl Every {
    /// The three, longest first.
    pub const ALL: [Every; 3] = [Every::Month, Every::Week, Every::Day];

    /// Its spelling in flags and parameters.
    pub fn name(self) -> &'static str {
        match self {
            Every::Month => "month",
            Every::Week => "week",
            Every::Day => "day",
        }
    }
}

impl std::fmt::Display for Every {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Every {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Every::ALL.into_iter().find(|e| e.name() == s).ok_or_else(|| format!("expected month, week or day, got {s:?}"))
    }
}

/// Issuer names as 13F tables and listing files write them differ in case,
/// punctuation and legal suffix ("APPLE INC" / "Apple Inc."); this folds those away.
pub fn name_key(name: &str) -> String {
    const SUFFIXES: &[&str] = &[
        "INC",
        "INCORPORATED",
        "CORP",
        "CORPORATION",
        "CO",
        "COMPANY",
        "LTD",
        "PLC",
        "LLC",
        "LP",
        "HOLDINGS",
        "THE",
        "NEW",
        "DEL",
        "COM",
    ];
    name.to_ascii_uppercase()
        .replace('&', " AND ")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !SUFFIXES.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Dates on which an input of the ticker's fundamentals becomes known: each XBRL
/// filing date, each table row's period end plus the reporting lag, each
/// snapshot's date. Dates before the first price collapse into the last of
/// them. (The days a value in use turns stale are added by [`timeline`].)
fn change_dates(mem: &MemRecords<'_, '_>, sec: &Security, first_price: NaiveDate) -> Vec<NaiveDate> {
    let mut dates = BTreeSet::new();
    if let Some(facts) = sec.cik.and_then(|c| mem.facts.get(&c)) {
        for fs in facts.values() {
            dates.extend(fs.iter().map(|f| f.filed));
        }
    }
    if let Some(rows) = mem.held.annual.get(&sec.ticker) {
        dates.extend(rows.iter().map(|r| r.period_end + chrono::Duration::days(TABLE_LAG_DAYS)));
    }
    if let Some(caps) = mem.held.snapshot_caps.get(&sec.ticker) {
        dates.extend(caps.iter().map(|c| c.date));
    }
    let before: Option<NaiveDate> = dates.range(..first_price).next_back().copied();
    before.into_iter().chain(dates.range(first_price..).copied()).collect()
}

/// The ticker's fundamentals at each date they change: when an input becomes
/// known, and when a value in use turns stale (`stale_from`). Only the stale
/// days of values actually in use are visited, so a filer that files every
/// quarter costs no extra step.
/// Steps after `until` are left out (a window's last date needs none of them).
fn timeline(
    mem: &MemRecords<'_, '_>,
    sec: &Security,
    first_price: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<FactsReport>, StoreError> {
    let known: BTreeSet<NaiveDate> = change_dates(mem, sec, first_price).into_iter().collect();
    let mut pending = known.clone();
    let mut out: Vec<FactsReport> = Vec::new();
    while let Some(d) = pending.pop_first().filter(|d| *d <= until) {
        let turns_stale = |r: &FactsReport| r.fields.values().any(|v| stale_from(v.period_end) == d);
        if !known.contains(&d) && !out.last().is_some_and(turns_stale) {
            continue;
        }
        let r = fundamentals_without_market_cap(mem, sec, d)?;
        pending.extend(r.fields.values().map(|v| stale_from(v.period_end)).filter(|s| *s > d));
        // A filing that changed none of our fields nor why one is missing (an
        // 8-K) adds no step. The reasons count: a load that starts later
        // computes its first step on a later day, and must state the same
        // reasons the whole history's step in force on that day states.
        if !out.last().is_some_and(|prev| prev.fields == r.fields && prev.missing == r.missing) {
            out.push(r);
        }
    }
    Ok(out)
}

/// The open-market trades of each issuer, by CIK and by ticker, in the store's
/// order. A trade belongs to a member whose CIK it names; one without a CIK, or
/// a member without one, is matched by ticker.
struct TradesByIssuer<'t> {
    trades: &'t [OpenMarketTrade],
    by_cik: HashMap<i64, Vec<usize>>,
    by_ticker_without_cik: HashMap<&'t str, Vec<usize>>,
    by_ticker: HashMap<&'t str, Vec<usize>>,
}

impl<'t> TradesByIssuer<'t> {
    fn new(trades: &'t [OpenMarketTrade]) -> Self {
        let mut me = TradesByIssuer {
            trades,
            by_cik: HashMap::new(),
            by_ticker_without_cik: HashMap::new(),
            by_ticker: HashMap::new(),
        };
        for (i, t) in trades.iter().enumerate() {
            if let Some(cik) = t.issuer_cik {
                me.by_cik.entry(cik).or_default().push(i);
            }
            if let Some(ticker) = t.issuer_ticker.as_deref() {
                me.by_ticker.entry(ticker).or_default().push(i);
                if t.issuer_cik.is_none() {
                    me.by_ticker_without_cik.entry(ticker).or_default().push(i);
                }
            }
        }
        me
    }

    fn of(&self, cik: Option<i64>, ticker: &str) -> Vec<OpenMarketTrade> {
        let none = Vec::new();
        let mut picked: Vec<usize> = match cik {
            Some(cik) => {
                let by_cik = self.by_cik.get(&cik).unwrap_or(&none);
                let by_ticker = self.by_ticker_without_cik.get(ticker).unwrap_or(&none);
                by_cik.iter().chain(by_ticker).copied().collect()
            }
            None => self.by_ticker.get(ticker).cloned().unwrap_or_default(),
        };
        picked.sort_unstable();
        picked.into_iter().map(|i| self.trades[i].clone()).collect()
    }
}

fn margins(rows: &[AnnualValue]) -> Vec<AnnualMargin> {
    let mut by_period: std::collections::BTreeMap<NaiveDate, (Option<&AnnualValue>, Option<&AnnualValue>)> =
        Default::default();
    for r in rows {
        let e = by_period.entry(r.period_end).or_default();
        match r.item.as_str() {
            // 0 is the table's "not reported" (alphadesk_fundamentals::UNREPORTED_AS_ZERO).
            "Gross Profit" if r.value != 0.0 => e.0 = Some(r),
            "Total Revenue" => e.1 = Some(r),
            _ => {}
        }
    }
    by_period
        .into_iter()
        .filter_map(|(end, (gp, rev))| {
            let (gp, rev) = (gp?, rev?);
            (rev.value > 0.0).then(|| AnnualMargin {
                period_end: end,
                known_from: end + chrono::Duration::days(TABLE_LAG_DAYS),
                margin: gp.value / rev.value,
                sources: vec![gp.source.clone(), rev.source.clone()],
            })
        })
        .collect()
}

/// The store's records every member's load reads, held in memory for it and
/// shared by the workers.
#[derive(Default)]
struct Held {
    securities: HashMap<String, Security>,
    series: HashMap<String, PriceSeries>,
    bases: HashMap<String, (String, NaiveDate)>,
    annual: HashMap<String, Vec<AnnualValue>>,
    snapshots: HashMap<String, Vec<Dated>>,
    snapshot_caps: HashMap<String, Vec<Dated>>,
    stated: HashMap<String, read::StatedActions>,
}

/// What each member's filings say: its fundamentals' steps and its price basis.
type Reported = (Vec<FactsReport>, Option<PriceBasis>);

/// The members of a load, with their sector and first and last close.
type Listed = (Security, Sector, (NaiveDate, NaiveDate));

/// Each member's steps and basis, in the members' order: the bulk of a load
/// (the facts read per filer, the fundamentals at every step), so it runs on
/// every core, each worker with its own connection to the store file. One
/// connection where there is no file to open again (a store in memory), or the
/// basis comes from another store.
/// The news signals a load of `window` holds, by ticker (none for the index).
fn news_by_ticker(
    store: &Store,
    dated: bool,
    window: Window,
) -> Result<HashMap<String, Vec<read::NewsSignal>>, StoreError> {
    let conn = store.conn();
    let signals = match (dated, window.is_all()) {
        (false, _) => Vec::new(),
        (true, true) => read::news_signals(conn)?,
        (true, false) => read::news_signals_between(conn, window.news_from(), window.to)?,
    };
    let mut news: HashMap<String, Vec<read::NewsSignal>> = HashMap::new();
    for n in signals {
        news.entry(n.ticker.clone()).or_default().push(n);
    }
    Ok(news)
}

fn reported(
    store: &Store,
    basis_store: &Store,
    held: &Held,
    members: &[Listed],
    window: Window,
) -> Result<Vec<Reported>, StoreError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let shared = std::ptr::eq(store, basis_store) && cores > 1 && members.len() >= 64;
    let readers = match shared {
        true => (0..cores).map_while(|_| store.another_reader()).collect::<Result<Vec<Store>, _>>()?,
        false => Vec::new(),
    };
    if readers.len() < 2 {
        return reported_on(store, basis_store, held, members, window);
    }
    let chunk = members.len().div_ceil(readers.len());
    std::thread::scope(|scope| {
        let workers: Vec<_> = members
            .chunks(chunk)
            .zip(readers)
            .map(|(part, own)| scope.spawn(move || reported_on(&own, &own, held, part, window)))
            .collect();
        let mut out = Vec::with_capacity(members.len());
        for w in workers {
            out.extend(w.join().expect("a load's worker panicked")?);
        }
        Ok(out)
    })
}

/// [`reported`] on one connection.
fn reported_on(
    store: &Store,
    basis_store: &Store,
    held: &Held,
    members: &[Listed],
    window: Window,
) -> Result<Vec<Reported>, StoreError> {
    let mut concepts = alphadesk_fundamentals::concepts_read();
    concepts.extend_from_slice(alphadesk_fundamentals::marketcap::DIVIDEND_CONCEPTS);
    let mut mem = MemRecords {
        held,
        // A day before the window's prices is asked of the store.
        before_window: (!window.is_all()).then_some(basis_store),
        facts: HashMap::new(),
        splits: HashMap::new(),
    };
    // A filer's facts are read for its first member and dropped after its last
    // (share classes share a filer): only one filer's facts are held at a
    // time, not the whole market's.
    let mut members_of_filer: HashMap<i64, usize> = HashMap::new();
    for cik in members.iter().filter_map(|(sec, _, _)| sec.cik) {
        *members_of_filer.entry(cik).or_default() += 1;
    }
    let mut out = Vec::with_capacity(members.len());
    for (sec, _, (first, _)) in members {
        if let Some(cik) = sec.cik {
            if let std::collections::hash_map::Entry::Vacant(slot) = mem.facts.entry(cik) {
                let mut by_concept: HashMap<String, Vec<StoredFact>> = HashMap::new();
                for f in read::facts_of(store.conn(), cik, &concepts)? {
                    by_concept.entry(f.concept.clone()).or_default().push(f);
                }
                slot.insert(by_concept);
                mem.splits.insert(cik, read::splits(basis_store.conn(), cik)?);
            }
        }
        // Steps before the window's look-back collapse into the last of them,
        // as steps before the first price do.
        let timeline = timeline(&mem, sec, (*first).max(window.facts_from()), window.to)?;
        let basis = match std::ptr::eq(store, basis_store) {
            true => PriceBasis::load(&mem, &sec.ticker, sec.cik)?,
            false => {
                PriceBasis::load(&alphadesk_fundamentals::StoreRecords::new(basis_store.conn()), &sec.ticker, sec.cik)?
            }
        };
        if let Some(cik) = sec.cik {
            let left = members_of_filer.get_mut(&cik).expect("counted above");
            *left -= 1;
            if *left == 0 {
                mem.facts.remove(&cik);
                mem.splits.remove(&cik);
            }
        }
        out.push((timeline, basis));
    }
    Ok(out)
}

/// One worker's records: the held ones, and the facts of the filers it is on.
struct MemRecords<'h, 's> {
    held: &'h Held,
    /// Where a close before the loaded prices is asked for (a dividend's
    /// ex-date or a snapshot's day years before a window); `None` in a full load.
    before_window: Option<&'s Store>,
    facts: HashMap<i64, HashMap<String, Vec<StoredFact>>>,
    splits: HashMap<i64, Vec<Split>>,
}

impl Records for MemRecords<'_, '_> {
    fn security(&self, ticker: &str) -> Result<Option<Security>, StoreError> {
        Ok(self.held.securities.get(ticker).cloned())
    }
    fn facts_known(
        &self,
        cik: i64,
        concept: &str,
        as_of: NaiveDate,
    ) -> Result<std::borrow::Cow<'_, [StoredFact]>, StoreError> {
        Ok(std::borrow::Cow::Borrowed(match self.facts.get(&cik).and_then(|m| m.get(concept)) {
            Some(v) => &v[..v.partition_point(|f| f.filed <= as_of)],
            None => &[],
        }))
    }
    fn splits(&self, cik: i64) -> Result<Vec<Split>, StoreError> {
        Ok(self.splits.get(&cik).cloned().unwrap_or_default())
    }
    fn close_on_or_before(&self, ticker: &str, date: NaiveDate) -> Result<Option<Bar>, StoreError> {
        // A close found in the loaded rows is the full history's: every row
        // between it and `date` is loaded too.
        match (self.held.series.get(ticker).and_then(|s| s.bar_on_or_before(date)), self.before_window) {
            (Some(bar), _) => Ok(Some(bar)),
            (None, Some(store)) => read::clean_close_on_or_before(store.conn(), ticker, date),
            (None, None) => Ok(None),
        }
    }
    fn price_basis(&self, ticker: &str) -> Result<Option<(String, NaiveDate)>, StoreError> {
        Ok(self.held.bases.get(ticker).cloned())
    }
    fn annual_values(
        &self,
        ticker: &str,
        period_end_by: NaiveDate,
    ) -> Result<std::borrow::Cow<'_, [AnnualValue]>, StoreError> {
        // Read ordered by period end: the rows wanted are a prefix.
        Ok(std::borrow::Cow::Borrowed(match self.held.annual.get(ticker) {
            Some(v) => &v[..v.partition_point(|r| r.period_end <= period_end_by)],
            None => &[],
        }))
    }
    fn snapshot_prices(&self, ticker: &str) -> Result<Vec<Dated>, StoreError> {
        Ok(self.held.snapshots.get(ticker).cloned().unwrap_or_default())
    }
    fn snapshot_market_caps(&self, ticker: &str) -> Result<Vec<Dated>, StoreError> {
        Ok(self.held.snapshot_caps.get(ticker).cloned().unwrap_or_default())
    }
    fn stated_actions(&self, ticker: &str) -> Result<read::StatedActions, StoreError> {
        Ok(self.held.stated.get(ticker).cloned().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trades_go_to_their_issuer_by_cik_else_by_ticker() {
        let trade = |cik: Option<i64>, ticker: Option<&str>, owner: &str| OpenMarketTrade {
            issuer_cik: cik,
            issuer_ticker: ticker.map(str::to_string),
            owner: Some(owner.into()),
            filed: "2017-01-03".parse().unwrap(),
            filed_estimated: false,
            trade_date: None,
            code: alphadesk_model::TradeCode::Purchase,
            shares: 1.0,
            price: 1.0,
            source: SourceRef { path: "f".into(), accession: None, line: None },
            superseded: None,
        };
        let trades = [
            trade(Some(1), Some("AAA"), "a"),
            trade(None, Some("AAA"), "b"),
            trade(Some(2), Some("AAA"), "c"), // the ticker reused by another filer
            trade(Some(1), Some("OLD"), "d"), // filed under an earlier ticker
            trade(Some(3), None, "e"),
        ];
        let by = TradesByIssuer::new(&trades);
        let owners =
            |cik, ticker| -> Vec<String> { by.of(cik, ticker).into_iter().map(|t| t.owner.unwrap()).collect() };
        // A member with a CIK: its filer's trades, and those naming only its ticker, in order.
        assert_eq!(owners(Some(1), "AAA"), ["a", "b", "d"]);
        assert_eq!(owners(Some(3), "ZZZ"), ["e"]);
        // Without a CIK, every trade naming its ticker.
        assert_eq!(owners(None, "AAA"), ["a", "b", "c"]);
        assert!(owners(Some(9), "NONE").is_empty());
    }

    #[test]
    fn issuer_names_fold() {
        assert_eq!(name_key("APPLE INC"), name_key("Apple Inc."));
        assert_eq!(name_key("AT&T Inc"), "AT AND T");
        assert_ne!(name_key("Apple Hospitality REIT"), name_key("Apple Inc."));
    }
}
