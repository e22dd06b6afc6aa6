//! Trailing-twelve-month flows across the concepts a filer uses.
//!
//! Filers change the concept they tag a line with (Apple: `SalesRevenueNet`, then
//! `RevenueFromContractWithCustomerExcludingAssessedTax` after ASC 606), sometimes
//! mid-year (`Revenues` in the 10-Qs, the ASC 606 concept in the 10-K), and many
//! tag components of a line beside its total (a REIT's ASC 606 restaurant revenue
//! beside its total `Revenues`; an insurer's `PremiumsEarnedNet` beside
//! `Revenues`). Taking each concept on its own misses the first case (no concept
//! has four quarters, so the TTM falls back to an old fiscal year) and can pick a
//! component in the second.
//!
//! So a field's concepts are first **grouped**: two concepts join when they agree
//! (within [`AGREE_REL`]) on every period both report and share at least one, or
//! when they never overlap in time (a switch with no comparatives). A group is one
//! measure written under several names, and its quarters may be combined: Q4 from
//! one concept's fiscal year minus another's nine months. Each quarter keeps its
//! own concept and accession as an input.
//!
//! Then one group is **chosen**:
//! - for revenue ([`Choice::Total`]), a group that another reports larger on every
//!   period they share is a component of it and is set aside (a component never
//!   exceeds its total); of the rest, the freshest TTM wins and, at the same end,
//!   the largest;
//! - for other flows ([`Choice::Preference`]), the freshest TTM wins and the list
//!   order breaks ties (net income attributable to the parent before `ProfitLoss`).
//!
//! A stale TTM never wins over a fresh one. Only USD facts are read: a filer that
//! reports a line in another currency gets no value, with the reason, because no
//! exchange rate is applied.

use std::borrow::Cow;
use std::collections::BTreeMap;

use alphadesk_model::NaiveDate;
use alphadesk_store::read::StoredFact;
use alphadesk_store::StoreError;

use crate::ttm::{finish_ttm, latest_per_period, ttm_ending, DATE_SLACK_DAYS};
use crate::{FieldValue, Records};

/// Two concepts agree on a period when their values differ by at most this share.
pub const AGREE_REL: f64 = 0.005;

/// How a field picks among groups of concepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The line is a total that components never exceed (revenue). The listed
    /// concepts are the taxonomy's declared totals (`Revenues`): where two groups
    /// over the same period differ without one containing the other (a component
    /// can be negative: a utility's alternative-revenue programs), a declared total
    /// wins; otherwise the larger does.
    Total(&'static [&'static str]),
    /// The list order is a preference (net income to the parent first).
    Preference,
}

type Period = (Option<NaiveDate>, NaiveDate);

/// One measure: the facts of one or more concepts, one per period (the latest
/// filing wins; where two concepts report a period, the later filing).
#[derive(Debug, Clone)]
struct Group<'a> {
    /// Index in the field's concept list of the group's first concept.
    rank: usize,
    concepts: Vec<String>,
    by_period: BTreeMap<Period, &'a StoredFact>,
}

impl<'a> Group<'a> {
    fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.by_period.keys().map(|(s, e)| s.unwrap_or(*e)).min()?;
        let last = self.by_period.keys().map(|(_, e)| *e).max()?;
        Some((first, last))
    }

    fn absorb(&mut self, other: Group<'a>) {
        self.concepts.extend(other.concepts);
        for (k, f) in other.by_period {
            match self.by_period.get(&k) {
                Some(mine) if mine.filed >= f.filed => {}
                _ => {
                    self.by_period.insert(k, f);
                }
            }
        }
    }
}

/// How two groups relate on the periods both report.
#[derive(Debug, PartialEq)]
enum Relation {
    /// Both report at least one period and agree on all of them.
    Agree,
    /// They never overlap in time: one concept took over from the other.
    Disjoint,
    /// On the shared periods the first is at least the second everywhere, and more
    /// somewhere: the second is a component of the first.
    Contains,
    ContainedIn,
    /// Neither: different measures.
    Differ,
}

fn agree(a: f64, b: f64) -> bool {
    (a - b).abs() <= AGREE_REL * a.abs().max(b.abs()) + 0.5
}

fn relate(a: &Group, b: &Group) -> Relation {
    let (mut shared, mut a_more, mut b_more) = (0, false, false);
    for (k, fa) in &a.by_period {
        let Some(fb) = b.by_period.get(k) else { continue };
        shared += 1;
        if !agree(fa.value, fb.value) {
            if fa.value > fb.value {
                a_more = true;
            } else {
                b_more = true;
            }
        }
    }
    if shared == 0 {
        return match (a.span(), b.span()) {
            (Some((a0, a1)), Some((b0, b1))) if a1 < b0 || b1 < a0 => Relation::Disjoint,
            _ => Relation::Differ,
        };
    }
    match (a_more, b_more) {
        (false, false) => Relation::Agree,
        (true, false) => Relation::Contains,
        (false, true) => Relation::ContainedIn,
        (true, true) => Relation::Differ,
    }
}

/// A field's groups, in the order of their first concept, from each concept's
/// facts known by the date.
fn groups<'a>(known: &'a [Cow<'_, [StoredFact]>]) -> Vec<Group<'a>> {
    let mut out: Vec<Group> = Vec::new();
    for (rank, known) in known.iter().enumerate() {
        let facts = latest_per_period(known, true, "USD");
        if facts.is_empty() {
            continue;
        }
        let mut g = Group {
            rank,
            concepts: vec![facts[0].concept.clone()],
            by_period: facts.into_iter().map(|f| ((f.start, f.end), f)).collect(),
        };
        // Join every earlier group this one agrees with; merging may make two
        // earlier groups one.
        let mut i = 0;
        while i < out.len() {
            if matches!(relate(&out[i], &g), Relation::Agree | Relation::Disjoint) {
                let mut joined = out.remove(i);
                joined.absorb(g);
                g = joined;
                i = 0;
                continue;
            }
            i += 1;
        }
        out.push(g);
        out.sort_by_key(|g| g.rank);
    }
    out
}

/// A group's TTM at the most recent period end that yields one.
fn group_ttm(g: &Group) -> Option<FieldValue> {
    let facts: Vec<&StoredFact> = g.by_period.values().copied().collect();
    let mut ends: Vec<NaiveDate> = facts.iter().map(|f| f.end).collect();
    ends.sort();
    ends.dedup();
    ends.into_iter().rev().find_map(|end| {
        let t = ttm_ending(&facts, end)?;
        let mut v = finish_ttm(t);
        if g.concepts.len() > 1 {
            let mut used: Vec<&str> = v.inputs.iter().map(|i| i.concept.as_str()).collect();
            used.sort_unstable();
            used.dedup();
            if used.len() > 1 {
                v.concept = used.join(" + ");
                v.method = format!("{} across concepts that agree on every shared period", v.method);
            }
        }
        Some(v)
    })
}

fn fresher(a: &FieldValue, b: &FieldValue) -> std::cmp::Ordering {
    if (a.period_end - b.period_end).num_days().abs() <= DATE_SLACK_DAYS {
        std::cmp::Ordering::Equal
    } else {
        a.period_end.cmp(&b.period_end)
    }
}

/// One group of concepts as the choice saw it.
#[derive(Debug, Clone)]
pub struct Alternative {
    /// The group's concepts, in the order they are tried.
    pub concepts: Vec<String>,
    /// The group's own TTM, if it can build one.
    pub ttm: Option<FieldValue>,
    /// Why it was not chosen; `None` for the chosen group.
    pub verdict: Option<String>,
}

/// The choice among a field's groups, with every group it considered.
#[derive(Debug, Clone)]
pub struct FlowReport {
    /// The value, or why there is none (empty: the filer tags none of the concepts).
    pub chosen: Result<FieldValue, String>,
    /// Every group considered, the chosen one among them.
    pub alternatives: Vec<Alternative>,
}

/// The field's TTM as of `as_of`, or why there is none (`Ok(Err)`); `Ok(Err)` with
/// an empty reason when the filer tags none of the concepts.
pub fn flow_ttm(
    src: &dyn Records,
    cik: i64,
    concepts: &[&str],
    choice: Choice,
    as_of: NaiveDate,
) -> Result<Result<FieldValue, String>, StoreError> {
    Ok(flow_report(src, cik, concepts, choice, as_of)?.chosen)
}

/// [`flow_ttm`] with every alternative and why it lost (for audits).
pub fn flow_report(
    src: &dyn Records,
    cik: i64,
    concepts: &[&str],
    choice: Choice,
    as_of: NaiveDate,
) -> Result<FlowReport, StoreError> {
    let known = concepts.iter().map(|c| src.facts_known(cik, c, as_of)).collect::<Result<Vec<_>, _>>()?;
    let groups = groups(&known);
    let mut alternatives: Vec<Alternative> = Vec::new();
    let mut candidates: Vec<usize> = Vec::new();
    for g in &groups {
        let ttm = group_ttm(g);
        let component = matches!(choice, Choice::Total(_))
            .then(|| groups.iter().find(|o| relate(o, g) == Relation::Contains))
            .flatten();
        let verdict = match (&ttm, component) {
            (_, Some(total)) => Some(format!("a component of {}", total.concepts.join("/"))),
            (None, None) => Some("no four quarters or fiscal year to build twelve months from".to_string()),
            (Some(_), None) => {
                candidates.push(alternatives.len());
                None
            }
        };
        alternatives.push(Alternative { concepts: g.concepts.clone(), ttm, verdict });
    }
    let ttm_of = |i: usize| alternatives[i].ttm.as_ref().expect("candidates have a TTM");
    let best = candidates.iter().copied().reduce(|a, b| match fresher(ttm_of(b), ttm_of(a)) {
        std::cmp::Ordering::Greater => b,
        std::cmp::Ordering::Less => a,
        std::cmp::Ordering::Equal => match choice {
            Choice::Total(declared) => {
                let is_total = |i: usize| groups[i].concepts.iter().any(|c| declared.contains(&c.as_str()));
                match (is_total(a), is_total(b)) {
                    (true, false) => a,
                    (false, true) => b,
                    _ if ttm_of(b).value > ttm_of(a).value => b,
                    _ => a,
                }
            }
            Choice::Preference if groups[b].rank < groups[a].rank => b,
            Choice::Preference => a,
        },
    });
    let losers: Vec<(usize, String)> = candidates
        .iter()
        .copied()
        .filter(|&i| Some(i) != best)
        .map(|i| {
            let (mine, won) = (ttm_of(i), ttm_of(best.expect("a best among candidates")));
            let why = if fresher(won, mine) == std::cmp::Ordering::Greater {
                format!("stale: its twelve months end {}, the chosen ones {}", mine.period_end, won.period_end)
            } else if let Choice::Total(declared) = choice {
                let declared_won =
                    groups[best.expect("a best")].concepts.iter().any(|c| declared.contains(&c.as_str()));
                if declared_won && !groups[i].concepts.iter().any(|c| declared.contains(&c.as_str())) {
                    format!("not the declared total ({}) over the same period", declared.join("/"))
                } else {
                    "smaller over the same period".to_string()
                }
            } else {
                "later in the order of preference".to_string()
            };
            (i, why)
        })
        .collect();
    for (i, why) in losers {
        alternatives[i].verdict = Some(why);
    }
    let chosen = match best {
        Some(i) => {
            let mut v = alternatives[i].ttm.clone().expect("candidates have a TTM");
            let aside: Vec<String> = alternatives
                .iter()
                .filter(|a| a.verdict.as_deref().is_some_and(|v| v.starts_with("a component")))
                .map(|a| format!("{} ({})", a.concepts.join("/"), a.verdict.as_deref().unwrap_or_default()))
                .collect();
            if !aside.is_empty() {
                v.method = format!("{}; set aside: {}", v.method, aside.join(", "));
            }
            Ok(v)
        }
        None if groups.is_empty() => Err(String::new()),
        None => Err(format!(
            "no twelve-month value: {}",
            alternatives
                .iter()
                .map(|a| format!("{}: {}", a.concepts.join("/"), a.verdict.as_deref().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    };
    Ok(FlowReport { chosen, alternatives })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ttm::tests::fact_of;

    fn g(rank: usize, facts: &[StoredFact]) -> Group<'_> {
        Group {
            rank,
            concepts: vec![facts[0].concept.clone()],
            by_period: facts.iter().map(|f| ((f.start, f.end), f)).collect(),
        }
    }

    #[test]
    fn relations() {
        let fact = |concept, start, end, value, filed| vec![fact_of(concept, Some(start), end, value, filed)];
        let (a, same) = (
            fact("Revenues", "2019-01-01", "2019-12-31", 100.0, "2020-02-01"),
            fact("Other", "2019-01-01", "2019-12-31", 100.2, "2020-02-01"),
        );
        let (part, later) = (
            fact("Part", "2019-01-01", "2019-12-31", 12.0, "2020-02-01"),
            fact("New", "2021-01-01", "2021-12-31", 120.0, "2022-02-01"),
        );
        let (a, same, part, later) = (g(0, &a), g(1, &same), g(1, &part), g(1, &later));
        assert_eq!(relate(&a, &same), Relation::Agree);
        assert_eq!(relate(&a, &part), Relation::Contains);
        assert_eq!(relate(&part, &a), Relation::ContainedIn);
        assert_eq!(relate(&a, &later), Relation::Disjoint);
    }
}
