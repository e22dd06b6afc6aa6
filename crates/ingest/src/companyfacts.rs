//! SEC XBRL `companyfacts` JSON (`data.sec.gov/api/xbrl/companyfacts/CIK##########.json`).
//!
//! The file nests taxonomy → concept → unit → facts. We flatten it in one pass with
//! serde visitors into a vector of facts that borrow their strings from the input
//! buffer, so parsing allocates per fact only when a string needs unescaping. That is
//! what gets parsing to a few hundred MB/s; the nested maps serde would otherwise
//! build are thrown away immediately anyway.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{check_text, ParseError};

/// One XBRL fact exactly as SEC published it. `filed` is when it became public (the
/// point-in-time key); `end` is the period it describes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fact<'a> {
    #[serde(borrow)]
    pub taxonomy: Cow<'a, str>,
    #[serde(borrow)]
    pub concept: Cow<'a, str>,
    #[serde(borrow)]
    pub unit: Cow<'a, str>,
    #[serde(borrow)]
    pub start: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub end: Cow<'a, str>,
    pub val: f64,
    #[serde(borrow)]
    pub accn: Cow<'a, str>,
    pub fy: Option<i32>,
    #[serde(borrow)]
    pub fp: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub form: Cow<'a, str>,
    #[serde(borrow)]
    pub filed: Cow<'a, str>,
    #[serde(borrow)]
    pub frame: Option<Cow<'a, str>>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConceptLabel<'a> {
    pub taxonomy: Cow<'a, str>,
    pub concept: Cow<'a, str>,
    pub label: Option<Cow<'a, str>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompanyFacts<'a> {
    pub cik: u64,
    pub entity_name: Cow<'a, str>,
    pub labels: Vec<ConceptLabel<'a>>,
    pub facts: Vec<Fact<'a>>,
}

fn owned(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

impl Fact<'_> {
    /// The fact with its strings its own, free of the bytes it was parsed from.
    pub fn into_owned(self) -> Fact<'static> {
        Fact {
            taxonomy: owned(self.taxonomy),
            concept: owned(self.concept),
            unit: owned(self.unit),
            start: self.start.map(owned),
            end: owned(self.end),
            val: self.val,
            accn: owned(self.accn),
            fy: self.fy,
            fp: self.fp.map(owned),
            form: owned(self.form),
            filed: owned(self.filed),
            frame: self.frame.map(owned),
        }
    }
}

impl CompanyFacts<'_> {
    /// The file's facts free of its bytes: for a parse on one thread and a
    /// write on another, where the bytes cannot be lent across.
    pub fn into_owned(self) -> CompanyFacts<'static> {
        CompanyFacts {
            cik: self.cik,
            entity_name: owned(self.entity_name),
            labels: self
                .labels
                .into_iter()
                .map(|l| ConceptLabel {
                    taxonomy: owned(l.taxonomy),
                    concept: owned(l.concept),
                    label: l.label.map(owned),
                })
                .collect(),
            facts: self.facts.into_iter().map(Fact::into_owned).collect(),
        }
    }
}

pub(crate) fn looks_like(head: &[u8]) -> bool {
    contains(head, b"\"entityName\"") && contains(head, b"\"facts\"")
}

pub(crate) fn contains(h: &[u8], n: &[u8]) -> bool {
    memchr::memmem::find(h, n).is_some()
}

pub fn parse(bytes: &[u8]) -> Result<CompanyFacts<'_>, ParseError> {
    check_text(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let out = Root::deserialize(&mut de).map_err(|e| ParseError::from_json(&e))?;
    de.end().map_err(|e| ParseError::from_json(&e))?;
    let cik = out.cik.ok_or_else(|| ParseError::file("companyfacts without a `cik`"))?;
    Ok(CompanyFacts {
        cik,
        entity_name: out.entity_name.unwrap_or(Cow::Borrowed("")),
        labels: out.labels,
        facts: out.facts,
    })
}

struct Root<'a> {
    cik: Option<u64>,
    entity_name: Option<Cow<'a, str>>,
    labels: Vec<ConceptLabel<'a>>,
    facts: Vec<Fact<'a>>,
}

/// CIK appears as a number in SEC's files and as a padded string in some copies.
struct CikValue(u64);

impl<'de> Deserialize<'de> for CikValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CikValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a CIK number or string")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CikValue, E> {
                Ok(CikValue(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CikValue, E> {
                v.trim().trim_start_matches("CIK").parse().map(CikValue).map_err(|_| E::custom("bad CIK"))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Root<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Root<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a companyfacts object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Root<'de>, A::Error> {
                let mut root = Root { cik: None, entity_name: None, labels: Vec::new(), facts: Vec::new() };
                while let Some(k) = m.next_key::<Cow<'de, str>>()? {
                    match k.as_ref() {
                        "cik" => root.cik = Some(m.next_value::<CikValue>()?.0),
                        "entityName" => root.entity_name = Some(m.next_value()?),
                        "facts" => m.next_value_seed(Taxonomies { labels: &mut root.labels, out: &mut root.facts })?,
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(root)
            }
        }
        d.deserialize_map(V)
    }
}

struct Taxonomies<'o, 'a> {
    labels: &'o mut Vec<ConceptLabel<'a>>,
    out: &'o mut Vec<Fact<'a>>,
}

impl<'de, 'o> DeserializeSeed<'de> for Taxonomies<'o, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 'o> Visitor<'de> for Taxonomies<'o, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of taxonomies")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(tax) = m.next_key::<Cow<'de, str>>()? {
            m.next_value_seed(Concepts { taxonomy: tax, labels: &mut *self.labels, out: &mut *self.out })?;
        }
        Ok(())
    }
}

struct Concepts<'o, 'a> {
    taxonomy: Cow<'a, str>,
    labels: &'o mut Vec<ConceptLabel<'a>>,
    out: &'o mut Vec<Fact<'a>>,
}

impl<'de, 'o> DeserializeSeed<'de> for Concepts<'o, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 'o> Visitor<'de> for Concepts<'o, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of concepts")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(concept) = m.next_key::<Cow<'de, str>>()? {
            m.next_value_seed(Concept {
                taxonomy: self.taxonomy.clone(),
                concept,
                labels: &mut *self.labels,
                out: &mut *self.out,
            })?;
        }
        Ok(())
    }
}

struct Concept<'o, 'a> {
    taxonomy: Cow<'a, str>,
    concept: Cow<'a, str>,
    labels: &'o mut Vec<ConceptLabel<'a>>,
    out: &'o mut Vec<Fact<'a>>,
}

impl<'de, 'o> DeserializeSeed<'de> for Concept<'o, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 'o> Visitor<'de> for Concept<'o, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a concept object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let mut label = None;
        while let Some(k) = m.next_key::<Cow<'de, str>>()? {
            match k.as_ref() {
                "label" => label = m.next_value::<Option<Cow<'de, str>>>()?,
                "units" => {
                    m.next_value_seed(Units { taxonomy: &self.taxonomy, concept: &self.concept, out: &mut *self.out })?
                }
                _ => {
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        self.labels.push(ConceptLabel { taxonomy: self.taxonomy, concept: self.concept, label });
        Ok(())
    }
}

struct Units<'o, 'a> {
    taxonomy: &'o Cow<'a, str>,
    concept: &'o Cow<'a, str>,
    out: &'o mut Vec<Fact<'a>>,
}

impl<'de, 'o> DeserializeSeed<'de> for Units<'o, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 'o> Visitor<'de> for Units<'o, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of units")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(unit) = m.next_key::<Cow<'de, str>>()? {
            m.next_value_seed(FactList { taxonomy: self.taxonomy, concept: self.concept, unit, out: &mut *self.out })?;
        }
        Ok(())
    }
}

struct FactList<'o, 'a> {
    taxonomy: &'o Cow<'a, str>,
    concept: &'o Cow<'a, str>,
    unit: Cow<'a, str>,
    out: &'o mut Vec<Fact<'a>>,
}

#[derive(Deserialize)]
struct RawFact<'a> {
    #[serde(borrow, default)]
    start: Option<Cow<'a, str>>,
    #[serde(borrow)]
    end: Cow<'a, str>,
    val: f64,
    #[serde(borrow)]
    accn: Cow<'a, str>,
    #[serde(default)]
    fy: Option<i32>,
    #[serde(borrow, default)]
    fp: Option<Cow<'a, str>>,
    #[serde(borrow)]
    form: Cow<'a, str>,
    #[serde(borrow)]
    filed: Cow<'a, str>,
    #[serde(borrow, default)]
    frame: Option<Cow<'a, str>>,
}

impl<'de, 'o> DeserializeSeed<'de> for FactList<'o, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, 'o> Visitor<'de> for FactList<'o, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of facts")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        while let Some(r) = s.next_element::<RawFact<'de>>()? {
            self.out.push(Fact {
                taxonomy: self.taxonomy.clone(),
                concept: self.concept.clone(),
                unit: self.unit.clone(),
                start: r.start,
                end: r.end,
                val: r.val,
                accn: r.accn,
                fy: r.fy,
                fp: r.fp,
                form: r.form,
                filed: r.filed,
                frame: r.frame,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{"cik": 320193, "entityName": "Apple Inc.", "facts": {
      "dei": {"EntityCommonStockSharesOutstanding": {"label": "Shares", "description": "x",
         "units": {"shares": [{"end": "2014-04-11", "val": 861381000, "accn": "0001193125-14-157311",
            "fy": 2014, "fp": "Q2", "form": "10-Q", "filed": "2014-04-24", "frame": "CY2014Q1I"}]}}},
      "ifrs-full": {"Revenue": {"label": null, "units": {"EUR": [{"start": "2020-01-01", "end": "2020-12-31",
            "val": 1.5e3, "accn": "0000000001-21-000001", "fy": null, "fp": null, "form": "20-F", "filed": "2021-03-01"}]}}}}}"#;

    #[test]
    fn flattens_every_taxonomy_and_unit() {
        let f = parse(SMALL.as_bytes()).unwrap();
        assert_eq!(f.cik, 320193);
        assert_eq!(f.facts.len(), 2);
        assert_eq!(f.facts[0].concept, "EntityCommonStockSharesOutstanding");
        assert_eq!(f.facts[0].frame.as_deref(), Some("CY2014Q1I"));
        assert_eq!(f.facts[1].taxonomy, "ifrs-full");
        assert_eq!(f.facts[1].unit, "EUR");
        assert_eq!(f.facts[1].fy, None);
        assert_eq!(f.labels.len(), 2);
    }

    #[test]
    fn truncated_json_names_its_place() {
        let err = parse(&SMALL.as_bytes()[..200]).unwrap_err();
        assert!(err.message.contains("truncated"), "{err}");
        assert!(matches!(err.location, crate::Location::LineColumn { .. }));
    }
}
