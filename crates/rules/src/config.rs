//! The rule set: which rules run, how severe each is, and their phrase lists.

use std::collections::BTreeMap;

use alphadesk_model::RuleId;
use serde::{Deserialize, Serialize};

/// The documented defaults, shipped with the crate.
pub const DEFAULT_TOML: &str = include_str!("../default.toml");

/// The phrase lists a rules file may set.
pub const PHRASE_LISTS: [&str; 6] = ["promissory", "personalized-advice", "projection", "upside", "risk", "off-topic"];

/// How much a rule's violation counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Fails the note.
    Error,
    /// Reported; the note passes.
    Warning,
    /// Not checked.
    Off,
}

/// A rule set: the shipped one (`default.toml`, docs/rules.md) or a file of
/// the user's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// The disclaimer every note must carry, verbatim.
    pub disclaimer: String,
    /// How many calendar days a note's data date may precede its publication.
    pub freshness_days: i64,
    /// By rule; a rule id the checker does not know is an error naming the
    /// rules it knows (serde's `unknown variant`).
    pub severity: BTreeMap<RuleId, Severity>,
    /// Each phrase list of [`PHRASE_LISTS`] by name.
    pub phrases: BTreeMap<String, Vec<String>>,
}

/// A rules file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not TOML of this shape (an unknown rule id among them).
    #[error("rules config: {0}")]
    Toml(#[from] toml::de::Error),
    /// TOML of this shape with a value out of range.
    #[error("rules config: {0}")]
    Invalid(String),
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig::from_toml(DEFAULT_TOML).expect("the shipped rules config is valid")
    }
}

impl RulesConfig {
    /// Reads a rule set from TOML text.
    pub fn from_toml(text: &str) -> Result<RulesConfig, ConfigError> {
        let c: RulesConfig = toml::from_str(text)?;
        for k in c.phrases.keys() {
            if !PHRASE_LISTS.contains(&k.as_str()) {
                return Err(ConfigError::Invalid(format!("unknown phrase list {k:?} in [phrases]")));
            }
        }
        if c.freshness_days < 0 {
            return Err(ConfigError::Invalid("freshness_days must not be negative".into()));
        }
        Ok(c)
    }

    /// A rule's severity; rules the file leaves out are errors.
    pub fn severity(&self, rule: RuleId) -> Severity {
        self.severity.get(&rule).copied().unwrap_or(Severity::Error)
    }

    /// The phrases of one list (none when the file leaves it out).
    pub fn phrases(&self, list: &str) -> &[String] {
        self.phrases.get(list).map(Vec::as_slice).unwrap_or(&[])
    }
}
