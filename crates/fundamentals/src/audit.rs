//! What the standard fields chose for a filer on a date, and what they passed over.
//!
//! The fundamentals audit in `docs/fundamentals-audit.md` is this module run over
//! every companyfacts file in the shared data on quarterly dates
//! (`cargo run -p alphadesk-fundamentals --example audit`); the invariants it
//! states (no instant from an older balance sheet than the latest, no half of a
//! debt pair, no revenue component chosen over its total) are tested on the same
//! files in `tests/audit.rs`.

use alphadesk_model::NaiveDate;
use alphadesk_store::read::Security;
use alphadesk_store::StoreError;

use crate::balance::{latest_balance_sheet, BalanceSheet};
use crate::flows::{flow_report, FlowReport};
use crate::{fundamentals_without_market_cap, FactsReport, Field, Records};

/// Fields the audit reports on.
pub const AUDITED: &[Field] = &[
    Field::RevenueTtm,
    Field::NetIncomeTtm,
    Field::OperatingCashFlowTtm,
    Field::CapexTtm,
    Field::TotalDebt,
    Field::TotalLiabilities,
    Field::TotalEquity,
    Field::SharesOutstanding,
];

/// One filer on one date.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// The date audited.
    pub as_of: NaiveDate,
    /// The latest balance sheet known by then.
    pub sheet: Option<BalanceSheet>,
    /// The fields as the score reads them.
    pub report: FactsReport,
    /// Revenue's groups of concepts and the verdict on each.
    pub revenue: FlowReport,
}

impl AuditRow {
    /// Problems with the row, if any: an instant field from a date other than the
    /// latest balance sheet's, or a share count older than it.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let Some(sheet) = &self.sheet else { return out };
        for name in [Field::TotalDebt, Field::TotalLiabilities, Field::TotalEquity, Field::TotalAssets] {
            if let Some(v) = self.report.fields.get(&name) {
                if v.period_end != sheet.date {
                    out.push(format!("{name} is from {}, the latest balance sheet is {}", v.period_end, sheet.date));
                }
                if v.inputs.iter().any(|i| i.end != sheet.date) {
                    out.push(format!("{name} mixes inputs from another date than {}", sheet.date));
                }
            }
        }
        if let Some(v) = self.report.fields.get(&Field::SharesOutstanding) {
            if v.period_end < sheet.date {
                out.push(format!(
                    "shares_outstanding is from {}, before the balance sheet of {}",
                    v.period_end, sheet.date
                ));
            }
        }
        // No value in use is stale (docs/fundamentals.md, 15 months).
        for (name, v) in &self.report.fields {
            if crate::stale_from(v.period_end) <= self.as_of {
                out.push(format!("{name} is stale: its period ended {}", v.period_end));
            }
        }
        if let (Ok(chosen), Some(rev)) = (&self.revenue.chosen, self.report.fields.get(&Field::RevenueTtm)) {
            if !rev.method.starts_with("bank net revenue") && chosen.value != rev.value {
                out.push("revenue differs from its own report".into());
            }
        }
        out
    }
}

/// Audits one filer on each date.
pub fn audit(src: &dyn Records, cik: i64, dates: &[NaiveDate]) -> Result<Vec<AuditRow>, StoreError> {
    let sec = Security {
        ticker: format!("CIK{cik}"),
        name: None,
        cik: Some(cik),
        sector: None,
        industry: None,
        exchange: None,
        sic: None,
        fiscal_year_end: None,
        share_classes: Vec::new(),
    };
    dates
        .iter()
        .map(|&d| {
            Ok(AuditRow {
                as_of: d,
                sheet: latest_balance_sheet(src, cik, d)?,
                report: fundamentals_without_market_cap(src, &sec, d)?,
                revenue: flow_report(src, cik, crate::revenue::REVENUE_CONCEPTS, crate::revenue::TOTAL, d)?,
            })
        })
        .collect()
}

fn millions(v: f64) -> String {
    format!("{:.1}", v / 1e6)
}

/// A Markdown table of one filer's rows: one line per date.
pub fn markdown(name: &str, cik: i64, rows: &[AuditRow]) -> String {
    let mut out = format!(
        "### {name} (CIK {cik})\n\n| as of | balance sheet | revenue TTM ($M): concept, period end | alternatives | debt ($M) | liabilities ($M) | equity ($M) | shares |\n|---|---|---|---|---|---|---|---|\n"
    );
    for r in rows {
        let field = |n: Field| match (r.report.fields.get(&n), r.report.missing.get(&n)) {
            (Some(v), _) if n == Field::SharesOutstanding => {
                format!("{:.0} ({}, {})", v.value, short(&v.concept), v.period_end)
            }
            (Some(v), _) => format!("{} ({})", millions(v.value), short(&v.concept)),
            (None, Some(why)) if why.contains("half of a pair") => "missing: half a pair".into(),
            (None, Some(why)) if why.contains("older balance sheet") => "missing: only stale".into(),
            (None, Some(_)) => "missing".into(),
            (None, None) => "—".into(),
        };
        let revenue = match r.report.fields.get(&Field::RevenueTtm) {
            Some(v) => format!("{} ({}, {})", millions(v.value), short(&v.concept), v.period_end),
            None => "missing".into(),
        };
        let alternatives: Vec<String> = r
            .revenue
            .alternatives
            .iter()
            .filter(|a| a.verdict.is_some())
            .map(|a| {
                let what =
                    a.ttm.as_ref().map(|t| format!(" {} to {}", millions(t.value), t.period_end)).unwrap_or_default();
                format!("{}{what}: {}", short(&a.concepts.join("/")), a.verdict.as_deref().unwrap_or_default())
            })
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.as_of,
            r.sheet.as_ref().map(|s| s.date.to_string()).unwrap_or_else(|| "—".into()),
            revenue,
            if alternatives.is_empty() { "—".into() } else { alternatives.join("; ") },
            field(Field::TotalDebt),
            field(Field::TotalLiabilities),
            field(Field::TotalEquity),
            field(Field::SharesOutstanding),
        ));
    }
    out
}

/// Concept names without the taxonomy, and the long ASC 606 names abbreviated.
fn short(concept: &str) -> String {
    concept
        .replace("us-gaap:", "")
        .replace("dei:", "")
        .replace("ifrs-full:", "")
        .replace("RevenueFromContractWithCustomerExcludingAssessedTax", "ASC606Revenue")
        .replace("RevenueFromContractWithCustomerIncludingAssessedTax", "ASC606RevenueInclTax")
}
