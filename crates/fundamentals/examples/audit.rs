//! Writes the fundamentals audit: every companyfacts file of the shared data, on
//! every quarter end from 2012 to 2025, the value each audited field took and what
//! it passed over.
//!
//! ```sh
//! cargo run --release -p alphadesk-fundamentals --example audit > docs/fundamentals-audit.md
//! ```

use alphadesk_fundamentals::audit::{audit, markdown, AUDITED};
use alphadesk_model::NaiveDate;
use alphadesk_store::{Outcome, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = std::env::var_os("ALPHADESK_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let folder = data.join("sec/companyfacts");
    let mut files: Vec<_> = std::fs::read_dir(&folder)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let mut store = Store::open_in_memory()?;
    let mut companies = Vec::new();
    for f in &files {
        if f.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let r = store.ingest_path(f, true);
        if let Outcome::Failed { error, .. } = r.outcome {
            return Err(format!("{}: {error}", f.display()).into());
        }
        let text = std::fs::read_to_string(f)?;
        let v: serde_json::Value = serde_json::from_str(&text)?;
        // EDGAR writes the CIK as a number; some copies quote it.
        let cik = v["cik"]
            .as_i64()
            .or_else(|| v["cik"].as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| format!("{}: no cik", f.display()))?;
        companies.push((cik, v["entityName"].as_str().unwrap_or("?").to_string()));
    }
    let mut dates = Vec::new();
    for y in 2012..=2025 {
        for (m, d) in [(3, 31), (6, 30), (9, 30), (12, 31)] {
            dates.push(NaiveDate::from_ymd_opt(y, m, d).expect("quarter end"));
        }
    }
    let mut body = String::new();
    let (mut rows_total, mut problems, mut missing) = (0, Vec::new(), std::collections::BTreeMap::new());
    for (cik, name) in &companies {
        let rows = audit(&alphadesk_fundamentals::StoreRecords::new(store.conn()), *cik, &dates)?;
        // Dates before the filer's first balance sheet say nothing.
        let rows: Vec<_> = rows.into_iter().filter(|r| r.sheet.is_some()).collect();
        for r in &rows {
            rows_total += 1;
            for p in r.problems() {
                problems.push(format!("{name} {}: {p}", r.as_of));
            }
            for f in AUDITED {
                if let Some(why) = r.report.missing.get(f) {
                    let kind = if why.starts_with("stale:") {
                        "stale (more than 15 months old)"
                    } else if why.contains("half of a pair") {
                        "half of a debt pair"
                    } else if why.contains("older balance sheet") {
                        "only a stale value"
                    } else if why.contains("component") {
                        "only components or no full year"
                    } else if why.contains("no twelve-month") {
                        "no full year"
                    } else {
                        "not reported"
                    };
                    *missing.entry((f.to_string(), kind)).or_insert(0) += 1;
                }
            }
        }
        body.push_str(&markdown(name, *cik, &rows));
        body.push('\n');
    }
    println!("# Fundamentals audit (generated)\n");
    println!("Every companyfacts file in `../shared/data/sec/companyfacts` ({} filers), on every quarter end from 2012 to 2025 from the filer's first balance sheet on: {rows_total} company-dates. Regenerate with `cargo run --release -p alphadesk-fundamentals --example audit > docs/fundamentals-audit.md`; the rules are in [fundamentals.md](fundamentals.md).\n", companies.len());
    println!(
        "Invariant violations (an instant off the latest balance sheet, a share count older than it, a value in use more than 15 months old): **{}**.\n",
        problems.len()
    );
    for p in &problems {
        println!("- {p}");
    }
    println!("Fields left missing, by reason:\n\n| field | reason | company-dates |\n|---|---|---|");
    for ((f, k), n) in &missing {
        println!("| {f} | {k} | {n} |");
    }
    println!("\nPer filer: revenue with its concept and period, every other revenue group with its own twelve months and why it lost; debt, liabilities and equity on the latest balance sheet with their concepts; shares with concept and date. Values in $ millions.\n");
    print!("{body}");
    Ok(())
}
