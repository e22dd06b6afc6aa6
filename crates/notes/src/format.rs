//! Numbers and dates as notes write them.
//!
//! One style everywhere, because the checker reads these back and grounds them
//! with a tolerance set by the written precision: `$239.2 billion` claims ±$0.05
//! billion, `12.3%` ±0.05 points, `$164.63` ±half a cent. Rounding is to the
//! precision written, never truncation, so a correct value always grounds.

use alphadesk_model::NaiveDate;
use chrono::Datelike;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `April 30, 2018`.
pub fn date(d: NaiveDate) -> String {
    format!("{} {}, {}", MONTHS[d.month0() as usize], d.day(), d.year())
}

/// `12,345`: an integer with thousands separators.
pub fn grouped(n: f64) -> String {
    let s = format!("{:.0}", n.abs());
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 && out.chars().any(|c| c != '0' && c != ',') {
        out.insert(0, '-');
    }
    out
}

/// A dollar amount without its sign: `$1.2 billion`, `$512.3 million`, `$45,120`,
/// `$164.63`. The sign is the sentence's job ("a loss of", "down").
pub fn usd(v: f64) -> String {
    let a = v.abs();
    if a >= 999.95e9 {
        format!("${:.2} trillion", a / 1e12)
    } else if a >= 999.95e6 {
        format!("${:.1} billion", a / 1e9)
    } else if a >= 999.95e3 {
        format!("${:.1} million", a / 1e6)
    } else if a >= 10_000.0 {
        format!("${}", grouped(a))
    } else {
        let cents = format!("{a:.2}");
        let (whole, frac) = cents.split_once('.').unwrap_or((&cents, "00"));
        format!("${}.{frac}", grouped(whole.parse().unwrap_or(0.0)))
    }
}

/// A share count without its sign: `9,136 shares` below a million, `1.2 million shares` above.
pub fn shares(v: f64) -> String {
    let a = v.abs();
    if a >= 999.95e6 {
        format!("{:.2} billion shares", a / 1e9)
    } else if a >= 999_950.0 {
        format!("{:.1} million shares", a / 1e6)
    } else {
        format!("{} shares", grouped(a))
    }
}

/// A fraction as a percentage without its sign: 0.1234 -> `12.3%`.
pub fn pct(fraction: f64) -> String {
    format!("{:.1}%", (fraction * 100.0).abs())
}

/// A signed ratio such as a tone: `+0.12`, `-0.30`.
pub fn signed(v: f64) -> String {
    format!("{v:+.2}")
}

/// A multiple: `0.45`.
pub fn ratio(v: f64) -> String {
    format!("{v:.2}")
}

/// Small counts in words, larger ones in digits: `three`, `12`.
pub fn count(n: usize) -> String {
    const WORDS: [&str; 10] = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    WORDS.get(n).map(|w| w.to_string()).unwrap_or_else(|| n.to_string())
}

/// `three months`, `12 months`, `52 weeks`, `90 days`.
pub fn window(n: u32, unit: char) -> String {
    let (one, many) = match unit {
        'm' => ("month", "months"),
        'w' => ("week", "weeks"),
        _ => ("day", "days"),
    };
    counted(n as usize, one, many)
}

/// `1 article`, `two insiders`: a count with its noun, plural when needed.
pub fn counted(n: usize, singular: &str, plural: &str) -> String {
    format!("{} {}", count(n), if n == 1 { singular } else { plural })
}

/// A metric's raw value as a table shows it, with its sign: fractions as
/// percentages (`+12.3%`), multiples and tone as decimals (`0.45`); margin
/// stability as the spread of annual gross margins in points, insider buying in
/// basis points of market cap (both too small or too odd for a percentage).
pub fn metric(id: alphadesk_score::metrics::MetricId, raw: f64) -> String {
    use crate::dossier::{metric_value, Value};
    use alphadesk_score::metrics::MetricId;
    match metric_value(id, raw) {
        Some(Value::Percent(v)) => format!("{:+.1}%", v * 100.0).replace('-', "−"),
        Some(Value::Ratio(v)) if id == MetricId::NewsTone => signed(v).replace('-', "−"),
        Some(Value::Ratio(v)) => ratio(v).replace('-', "−"),
        _ if id == MetricId::GrossMarginStability => format!("{:.1} points of spread", (-raw * 100.0).max(0.0)),
        _ => format!("{:+.1} bp of market cap", raw * 10_000.0).replace('-', "−"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn metrics_read_with_their_units() {
        use alphadesk_score::metrics::MetricId;
        assert_eq!(super::metric(MetricId::FcfYield, 0.07), "+7.0%");
        assert_eq!(super::metric(MetricId::Dist52wHigh, -0.003), "−0.3%");
        assert_eq!(super::metric(MetricId::BookToPrice, 0.18), "0.18");
        assert_eq!(super::metric(MetricId::NewsTone, -0.12), "−0.12");
        assert_eq!(super::metric(MetricId::GrossMarginStability, -0.01), "1.0 points of spread");
        assert_eq!(super::metric(MetricId::InsiderNetBuying90d, -0.00002), "−0.2 bp of market cap");
    }

    use super::*;

    #[test]
    fn formats() {
        assert_eq!(date("2018-04-30".parse().unwrap()), "April 30, 2018");
        assert_eq!(usd(239_176_000_000.0), "$239.2 billion");
        assert_eq!(usd(-50_525_000_000.0), "$50.5 billion");
        assert_eq!(usd(1_234_567_890_123.0), "$1.23 trillion");
        assert_eq!(usd(999_960_000.0), "$1.0 billion");
        assert_eq!(usd(512_340_000.0), "$512.3 million");
        assert_eq!(usd(45_120.4), "$45,120");
        assert_eq!(usd(164.6252), "$164.63");
        assert_eq!(usd(1017.334), "$1,017.33");
        assert_eq!(usd(9999.999), "$10,000.00");
        assert_eq!(shares(9_136.0), "9,136 shares");
        assert_eq!(shares(5_074_013_000.0), "5.07 billion shares");
        assert_eq!(shares(1_250_000.0), "1.2 million shares");
        assert_eq!(pct(0.12345), "12.3%");
        assert_eq!(pct(-0.049), "4.9%");
        assert_eq!(signed(0.1234), "+0.12");
        assert_eq!(grouped(1234567.0), "1,234,567");
        assert_eq!(grouped(-999.0), "-999");
        assert_eq!(counted(1, "post", "posts"), "one post");
        assert_eq!(counted(42, "post", "posts"), "42 posts");
        assert_eq!(window(3, 'm'), "three months");
        assert_eq!(window(52, 'w'), "52 weeks");
    }
}
