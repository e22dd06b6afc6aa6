//! `sync.toml`: what a desk syncs and how, kept in a file instead of repeated on
//! every command line (a cron job, a systemd unit). Every key is optional and a
//! flag given on the command line wins over it.
//!
//! ```toml
//! user_agent = "Jane Doe jane@example.com"
//! universe = "tickers.txt"          # relative to this file
//! managers = [1067983, 1099219]     # 13F filers whose holdings to fetch
//! sec_base = "https://data.sec.gov"
//! sec_archives_base = "https://www.sec.gov"
//! rate = 9.0
//! workers = 4
//! timeout = 60.0
//! ban_pause = 600.0
//! attempts = 5
//! backoff = 0.5
//!
//! # sync prices: a source you bring (docs/sync.md)
//! price_url = "https://api.tiingo.com/tiingo/daily/{ticker}/prices?startDate={from}&endDate={to}&token={key}"
//! price_format = "tiingo"           # or "csv"
//! price_key = "…"                   # or ALPHADESK_PRICE_KEY; never a flag
//! price_rate = 0.0138               # requests per second (Tiingo's free tier: 50 an hour)
//!
//! # sync news
//! feeds = ["https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&type=8-K&output=atom"]
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A `sync.toml` (see the module docs for every key).
#[derive(Default, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SyncConfig {
    /// Who is asking, as SEC EDGAR requires: a name and an email address.
    pub user_agent: Option<String>,
    /// A file of tickers to sync, one per line (relative to the config file).
    pub universe: Option<PathBuf>,
    /// 13F filers (CIKs) whose holdings to fetch.
    #[serde(default)]
    pub managers: Vec<u64>,
    /// EDGAR's data host (`https://data.sec.gov`).
    pub sec_base: Option<String>,
    /// EDGAR's archives host (`https://www.sec.gov`).
    pub sec_archives_base: Option<String>,
    /// Requests per second to EDGAR (at most 10).
    pub rate: Option<f64>,
    /// Documents fetched and parsed at once.
    pub workers: Option<usize>,
    /// Seconds one request may take, connect to last byte.
    pub timeout: Option<f64>,
    /// Seconds every request pauses after a rate-limit answer.
    pub ban_pause: Option<f64>,
    /// Tries per URL before giving up on a transient fault.
    pub attempts: Option<u32>,
    /// Seconds before the first retry (doubled each attempt, with jitter).
    pub backoff: Option<f64>,
    /// The price source's URL template (`{ticker}`, `{from}`, `{to}`, `{key}`).
    pub price_url: Option<String>,
    /// How its answers are laid out.
    pub price_format: Option<crate::prices::PriceFormat>,
    /// Kept out of `Debug`: see the impl below.
    pub price_key: Option<String>,
    /// Requests per second to the price source.
    pub price_rate: Option<f64>,
    /// RSS and Atom feeds `sync news` reads.
    #[serde(default)]
    pub feeds: Vec<String>,
}

impl std::fmt::Debug for SyncConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncConfig")
            .field("user_agent", &self.user_agent)
            .field("universe", &self.universe)
            .field("price_url", &self.price_url)
            .field("price_format", &self.price_format)
            .field("price_key", &self.price_key.as_ref().map(|_| "{key}"))
            .finish_non_exhaustive()
    }
}

impl SyncConfig {
    /// Reads a config file; a relative `universe` is taken from the file's folder.
    /// Errors name the file and, for a bad key or value, where it is.
    pub fn load(path: &Path) -> Result<SyncConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut c: SyncConfig = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(u) = &c.universe {
            if u.is_relative() {
                c.universe = Some(path.parent().unwrap_or(Path::new(".")).join(u));
            }
        }
        // Found now, not at the first sync an hour into a server's life.
        if let Some(r) = c.price_rate.filter(|r| !SOURCE_RATES.contains(r)) {
            return Err(format!(
                "{}: price_rate must be from 1/3600 (one request an hour) to 10 requests per second, got {r}",
                path.display()
            ));
        }
        Ok(c)
    }
}

/// The pace a source other than EDGAR may be asked at, in requests per
/// second: from one an hour (a free tier's) to ten (EDGAR's own ceiling,
/// which no smaller host should get more than).
pub const SOURCE_RATES: std::ops::RangeInclusive<f64> = 1.0 / 3600.0..=10.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_is_read_with_its_universe_beside_it_and_a_typo_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sync.toml");
        std::fs::write(
            &p,
            "user_agent = \"Jane Doe jane@example.com\"\nuniverse = \"t.txt\"\nmanagers = [1067983]\nrate = 5\n",
        )
        .unwrap();
        let c = SyncConfig::load(&p).unwrap();
        assert_eq!(c.universe, Some(dir.path().join("t.txt")));
        assert_eq!((c.managers, c.rate, c.workers), (vec![1067983], Some(5.0), None));

        std::fs::write(&p, "user-agent = \"x\"\n").unwrap();
        let e = SyncConfig::load(&p).unwrap_err();
        assert!(e.contains("sync.toml") && e.contains("user-agent"), "{e}");
        std::fs::write(&p, "rate = \"fast\"\n").unwrap();
        assert!(SyncConfig::load(&p).unwrap_err().contains("rate"));
        std::fs::write(&p, "price_rate = 50\n").unwrap();
        let e = SyncConfig::load(&p).unwrap_err();
        assert!(e.contains("sync.toml") && e.contains("price_rate") && e.contains("got 50"), "{e}");
        assert!(SyncConfig::load(&dir.path().join("none.toml")).unwrap_err().contains("none.toml"));
        std::fs::write(
            &p,
            "price_url = \"https://x/{ticker}?k={key}\"\nprice_format = \"tiingo\"\nprice_key = \"s3cr3t\"\n",
        )
        .unwrap();
        let c = SyncConfig::load(&p).unwrap();
        assert_eq!(c.price_format, Some(crate::prices::PriceFormat::Tiingo));
        assert!(!format!("{c:?}").contains("s3cr3t"), "the key stays out of debug prints");
        std::fs::write(&p, "price_format = \"yahoo\"\n").unwrap();
        assert!(SyncConfig::load(&p).unwrap_err().contains("price_format"));
    }
}
