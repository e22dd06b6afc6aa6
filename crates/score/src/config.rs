//! Score configuration: weights, metric lists and coverage rules, from TOML.

use std::collections::BTreeMap;

use alphadesk_model::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::metrics::MetricId;
use crate::Pillar;

/// The documented defaults, shipped with the crate.
pub const DEFAULT_TOML: &str = include_str!("../default.toml");

/// Which way a metric ranks better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher values rank better.
    Higher,
    /// Lower values rank better.
    Lower,
}

/// One metric of a pillar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSpec {
    /// The metric.
    pub id: MetricId,
    /// Which way ranks better.
    pub direction: Direction,
}

/// One pillar: its weight in the Alpha Score and its metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PillarSpec {
    /// Its weight in the Alpha Score.
    pub weight: f64,
    /// Metrics with a value needed for a pillar score.
    pub min_metrics: usize,
    /// Its metrics.
    pub metrics: Vec<MetricSpec>,
}

/// A score configuration: the shipped one (`default.toml`, docs/methodology.md)
/// or a file of the user's; its hash names it wherever a score is stated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreConfig {
    /// The lower winsorising quantile within a sector.
    pub winsor_lower: f64,
    /// The upper winsorising quantile within a sector.
    pub winsor_upper: f64,
    /// A close older than this many days on the date is no price.
    pub max_price_age_days: i64,
    /// Pillars with a score needed for an Alpha Score.
    pub min_pillars: usize,
    /// Fewer pillars than this make a provisional score (0: no such rule).
    #[serde(default)]
    pub full_pillars: usize,
    /// Each pillar's weight and metrics.
    pub pillars: BTreeMap<Pillar, PillarSpec>,
    /// The dates held out from tuning: figures from `from` on are reported
    /// apart from the rest (docs/validation.md). Absent, nothing is held out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdout: Option<Holdout>,
}

/// Rebalance dates from `from` on are held out: the configuration was fixed
/// on `declared`, and no change to it may be chosen by their figures. For
/// dates before `declared` that is a promise made on that day; for dates
/// after it, the only figures no one could have tuned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holdout {
    /// The first held-out date.
    pub from: NaiveDate,
    /// The day the configuration was fixed.
    pub declared: NaiveDate,
}

/// A score configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not TOML of this shape.
    #[error("score config: {0}")]
    Toml(#[from] toml::de::Error),
    /// TOML of this shape with a value out of range.
    #[error("score config: {0}")]
    Invalid(String),
}

impl Default for ScoreConfig {
    fn default() -> Self {
        ScoreConfig::from_toml(DEFAULT_TOML).expect("the shipped default config is valid")
    }
}

impl ScoreConfig {
    /// The ids of the configured metrics, pillar by pillar: the raw-value
    /// columns of a score panel, in every format it is written in.
    pub fn metric_ids(&self) -> Vec<String> {
        self.pillars.values().flat_map(|p| p.metrics.iter().map(|m| m.id.to_string())).collect()
    }

    /// Reads and validates a configuration from TOML text.
    pub fn from_toml(text: &str) -> Result<ScoreConfig, ConfigError> {
        let c: ScoreConfig = toml::from_str(text)?;
        c.validate()?;
        Ok(c)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if !(0.0..0.5).contains(&self.winsor_lower) || !(0.5..=1.0).contains(&self.winsor_upper) {
            return bad(format!(
                "winsor quantiles must satisfy 0 <= lower < 0.5 <= upper <= 1, got {} and {}",
                self.winsor_lower, self.winsor_upper
            ));
        }
        for (p, spec) in &self.pillars {
            if !(spec.weight >= 0.0 && spec.weight.is_finite()) {
                return bad(format!("pillar {p}: weight must be a non-negative number"));
            }
            if spec.min_metrics == 0 || spec.min_metrics > spec.metrics.len() {
                return bad(format!(
                    "pillar {p}: min_metrics must be between 1 and the number of metrics ({})",
                    spec.metrics.len()
                ));
            }
            for m in &spec.metrics {
                if m.id.pillar() != *p {
                    return bad(format!("metric {} belongs to the {} pillar, not {p}", m.id, m.id.pillar()));
                }
            }
        }
        if self.min_pillars == 0 || self.min_pillars > self.pillars.len() {
            return bad(format!("min_pillars must be between 1 and {}", self.pillars.len()));
        }
        if self.full_pillars > self.pillars.len() {
            return bad(format!("full_pillars must be at most {}", self.pillars.len()));
        }
        if self.pillars.values().all(|s| s.weight == 0.0) {
            return bad("at least one pillar needs a positive weight".into());
        }
        Ok(())
    }

    /// A short stable hash of the configuration, so that published figures name the
    /// exact settings they came from.
    pub fn hash(&self) -> String {
        let text = serde_json::to_string(self).unwrap_or_default();
        // FNV-1a: stable across platforms and releases, unlike the std hasher.
        let mut h: u64 = 0xcbf29ce484222325;
        for b in text.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        format!("{h:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_parses_and_names_every_pillar() {
        let c = ScoreConfig::default();
        assert_eq!(c.pillars.len(), 4);
        assert_eq!(c.pillars[&Pillar::Quality].metrics.len(), 5);
        assert_eq!(c.hash(), ScoreConfig::default().hash());
    }

    #[test]
    fn invalid_configs_are_refused_with_reasons() {
        let broken = DEFAULT_TOML.replace("min_metrics = 3", "min_metrics = 9");
        assert!(ScoreConfig::from_toml(&broken).unwrap_err().to_string().contains("quality"));
        let misplaced = DEFAULT_TOML.replace("{ id = \"roe\"", "{ id = \"mom_6_1\"");
        assert!(ScoreConfig::from_toml(&misplaced).unwrap_err().to_string().contains("momentum pillar"));
        assert!(ScoreConfig::from_toml("winsor_lower = 0.01").is_err());
        let typo = DEFAULT_TOML.replace("{ id = \"roe\"", "{ id = \"roee\"");
        assert!(ScoreConfig::from_toml(&typo).is_err());
    }
}
