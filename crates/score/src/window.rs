//! Which dates a loaded [`Universe`](crate::Universe) answers, and what it reads
//! for them.
//!
//! Why: a question about one date needs a year of prices, a month of news and
//! the fundamentals in force on it (a note: also the two years before), not
//! the store's whole history. Reading all
//! of it made a one-date score cost what a five-year panel costs, and grow with
//! every year stored. A [`Window`] names the as-of dates to answer; the load
//! reads each kind of record from as far before them as the longest look-back
//! that uses it (the constants below, derived from the metric windows in
//! [`crate::metrics`] and the notes' comparisons), so that every answer about a
//! date inside the window is the full load's, byte for byte — which
//! `crates/http/tests/window.rs` checks on the real data.
//!
//! What is *not* windowed, and why: the members and their listings, the trading
//! calendar (every question maps a date onto it), the XBRL facts (a trailing
//! twelve months needs the filings of the year before, and a split or a
//! dividend years back moves today's share basis), insider trades and 13F
//! positions (a stock page lists them back to the first filing, and the
//! institutional change compares each manager's two latest quarters however old
//! the earlier one is). Those are small beside the prices and the news.

use alphadesk_model::NaiveDate;
use chrono::{Datelike, Duration};

use crate::metrics::{NEWS_WINDOW_DAYS, YEAR};

/// Calendar days of prices read before a window's first date: the longest bar
/// window any metric or note uses (a year of bars: 12-1 momentum, the 52-week
/// high, the notes' 12-month return) at five trading days in seven plus two
/// weeks of holidays, doubled — a return steps back over empty closes to the
/// last one before them, and a suspended stock can have months of those.
pub const PRICE_LOOKBACK_DAYS: i64 = 2 * (YEAR as i64 * 7 / 5 + 14);

/// Calendar days of news signals read before a window's first date: the tone
/// window (signals known in the 30 days to the date).
pub const NEWS_LOOKBACK_DAYS: i64 = NEWS_WINDOW_DAYS;

/// Calendar days of fundamentals' steps kept before a window's first date. A
/// value in use is at most `MAX_PERIOD_AGE_MONTHS` (15) past its period end,
/// and the notes look for the same line a year earlier (a period end 350–380
/// days before) among the reports known since; 15 months, 380 days and a
/// month's slack.
pub const FACTS_LOOKBACK_DAYS: i64 = alphadesk_fundamentals::MAX_PERIOD_AGE_MONTHS as i64 * 31 + 380 + 31;

// A year of bars is at most 366 calendar days; the note's month-ago comparison
// and its "a year earlier" search fit inside the look-backs (checked on the real
// data by tests/window.rs; here, that nobody shortens them below the windows).
const _: () = assert!(PRICE_LOOKBACK_DAYS >= 2 * 366 && NEWS_LOOKBACK_DAYS >= NEWS_WINDOW_DAYS);
const _: () = assert!(FACTS_LOOKBACK_DAYS > 15 * 31 + 380);

/// Days before a date's month a one-date window also answers: what a stock
/// page of the date asks besides the date itself — the previous month end its
/// "since last month" uses, and its notes: those of the three month ends in
/// the 95 days before the date, each compared with the trading day on or
/// before 30 days earlier (a long weekend before that at most). From the first
/// of a month that reaches 95 + 30 + 4 days back: one load answers the whole
/// page, and the server's warm-up and a first visitor ask for the same one.
const MONTH_BEFORE_DAYS: i64 = 130;

/// The as-of dates a universe answers, both ends included, and what it answers
/// about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// The first as-of date answered.
    pub from: NaiveDate,
    /// The last.
    pub to: NaiveDate,
    /// What is answered about them: scores, or notes too.
    pub reach: Reach,
}

/// How far back a window's fundamentals go.
///
/// A score needs only the fundamentals in force on each of its dates; a note
/// also states each line's value a year earlier, which needs the steps of the
/// two years before. Those steps are most of a one-date load's work and memory
/// (at 16 times today's universe, 0.9 of 1.3 GiB), so a question that writes no
/// note does not pay for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reach {
    /// The fundamentals in force on each date: scores, explanations, screens.
    Scores,
    /// Also the fundamentals' steps since `FACTS_LOOKBACK_DAYS` before: notes
    /// and stories.
    Notes,
}

impl Window {
    /// Every date: the whole history (the panel, the backtest, export).
    pub const ALL: Window = Window { from: NaiveDate::MIN, to: NaiveDate::MAX, reach: Reach::Notes };

    /// No date: the members, their listings and the calendar, nothing dated.
    /// What a service knows before it is asked about a date.
    pub const NONE: Window = Window { from: NaiveDate::MAX, to: NaiveDate::MIN, reach: Reach::Scores };

    /// The dates `from..=to` (empty when `from` is after `to`), for scores.
    pub fn dates(from: NaiveDate, to: NaiveDate) -> Window {
        Window { from, to, reach: Reach::Scores }
    }

    /// The same dates, for notes.
    pub fn for_notes(self) -> Window {
        Window { reach: Reach::Notes, ..self }
    }

    /// What to load for questions about `from..=to`: those dates, widened to the
    /// end of `to`'s month and back to [`MONTH_BEFORE_DAYS`] (130) before its
    /// first day, so that one load serves every question of a month (a stock
    /// page with its notes, the leaderboard, a note and its month-ago
    /// comparison share it).
    pub fn around(from: NaiveDate, to: NaiveDate) -> Window {
        let month = to.with_day(1).unwrap_or(to);
        let end = month.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(to);
        Window { from: from.min(month - Duration::days(MONTH_BEFORE_DAYS)), to: end.max(to), reach: Reach::Scores }
    }

    /// [`Window::around`] with this window's reach.
    pub fn widened(&self) -> Window {
        Window { reach: self.reach, ..Window::around(self.from, self.to) }
    }

    /// The as-of dates whose load holds every close from `from` to `to` and
    /// the 52 weeks before `to` (a prices view): `to`, reaching back no further
    /// than the price look-back needs.
    pub fn holding_prices(from: NaiveDate, to: NaiveDate) -> Window {
        let earliest = from.min(to - Duration::days(365));
        Window::dates((earliest + Duration::days(PRICE_LOOKBACK_DAYS)).min(to), to)
    }

    /// Whether it holds no date.
    pub fn is_empty(&self) -> bool {
        self.from > self.to
    }

    /// Whether it is every date (a full-history load).
    pub fn is_all(&self) -> bool {
        self.from == NaiveDate::MIN && self.to == NaiveDate::MAX
    }

    /// Whether `d` is one of its dates.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// Whether we answer every question `other` answers: each of its dates,
    /// as far back.
    pub fn covers(&self, other: &Window) -> bool {
        other.is_empty() || (self.from <= other.from && other.to <= self.to && self.reach >= other.reach)
    }

    fn before(&self, days: i64) -> NaiveDate {
        self.from.checked_sub_signed(Duration::days(days)).unwrap_or(NaiveDate::MIN)
    }

    /// The first day of prices read.
    pub fn prices_from(&self) -> NaiveDate {
        self.before(PRICE_LOOKBACK_DAYS)
    }

    /// The first day of news signals read.
    pub fn news_from(&self) -> NaiveDate {
        self.before(NEWS_LOOKBACK_DAYS)
    }

    /// The first day of fundamentals' steps kept (the step in force on it stands
    /// for every earlier one).
    pub fn facts_from(&self) -> NaiveDate {
        match self.reach {
            Reach::Scores => self.from,
            Reach::Notes => self.before(FACTS_LOOKBACK_DAYS),
        }
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.is_all(), self.is_empty()) {
            (true, _) => f.write_str("all dates"),
            (_, true) => f.write_str("no date"),
            _ => write!(f, "{}..{} ({:?})", self.from, self.to, self.reach),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_month_window_answers_the_month_and_the_month_before() {
        let w = Window::around(d("2017-03-15"), d("2017-03-15"));
        assert_eq!(w, Window::dates(d("2016-10-22"), d("2017-03-31")));
        // The note compares with 30 days before; the pages with the previous month end.
        assert!(w.contains(d("2017-03-01") - Duration::days(30)));
        assert!(w.contains(d("2017-02-28")));
        // A page of the first of a month lists the notes of the month ends of
        // the 95 days before, the oldest compared with 30 days before it (a
        // long weekend earlier at most).
        let first = d("2017-03-01");
        let oldest_note = d("2016-11-30");
        assert!(first - Duration::days(95) <= oldest_note);
        assert!(Window::around(first, first).contains(oldest_note - Duration::days(30 + 4)));
        assert!(Window::around(d("2016-02-10"), d("2016-02-10")).contains(d("2016-02-29")));
    }

    #[test]
    fn a_prices_window_holds_the_closes_asked_for() {
        let (from, to) = (d("2014-01-02"), d("2017-06-30"));
        let w = Window::holding_prices(from, to);
        assert!(w.prices_from() <= from && w.to == to);
        // A year to `to` needs only `to` itself: its look-back holds the year.
        let w = Window::holding_prices(to - Duration::days(365), to);
        assert_eq!(w, Window::dates(to, to));
        assert!(w.prices_from() <= to - Duration::days(365));
    }

    #[test]
    fn all_covers_everything_and_none_nothing() {
        let w = Window::dates(d("2015-01-01"), d("2015-12-31"));
        assert!(Window::ALL.covers(&w));
        assert!(w.covers(&Window::NONE));
        assert!(!w.covers(&Window::ALL));
        // Notes reach further back than scores: a notes load answers scores, not
        // the other way round.
        assert!(w.for_notes().covers(&w) && !w.covers(&w.for_notes()));
        assert!(w.facts_from() == w.from && w.for_notes().facts_from() < w.from);
        assert_eq!(w.for_notes().widened().reach, Reach::Notes);
        assert!(!Window::NONE.contains(d("2015-06-30")));
        assert_eq!(Window::ALL.prices_from(), NaiveDate::MIN);
        assert_eq!(w.prices_from(), d("2012-12-30"));
    }
}
