//! Lists the splits and other price adjustments alphadesk finds in a store's price
//! history, with the evidence for each: the table in docs/fundamentals.md.
//!
//! ```sh
//! cargo run --release -p alphadesk-fundamentals --example splits -- alphadesk.db
//! ```

use alphadesk_fundamentals::marketcap::PriceBasis;
use alphadesk_store::{read, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = std::env::args().nth(1).unwrap_or_else(|| "alphadesk.db".into());
    let store = Store::open_read_only(std::path::Path::new(&db))?;
    let conn = store.conn();
    let records = alphadesk_fundamentals::StoreRecords::new(conn);
    println!("| ticker | kind | ratio | between | evidence |\n|---|---|---|---|---|");
    for p in read::priced_securities(conn)? {
        let Some(b) = PriceBasis::load(&records, &p.security.ticker, p.security.cik)? else { continue };
        for s in &b.splits {
            println!(
                "| {} | split | {}:1 | {} .. {} | {} |",
                p.security.ticker, s.ratio, s.after, s.effective, s.evidence
            );
        }
        for a in &b.adjustments {
            println!(
                "| {} | other adjustment | ×{:.3} | {} .. {} | {} |",
                p.security.ticker, a.factor, a.after, a.by, a.evidence
            );
        }
    }
    Ok(())
}
