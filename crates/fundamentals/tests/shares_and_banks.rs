//! Share counts across a merger and a bank's gross profit, on the shared market
//! files: Chubb (ACE until the January 2016 merger) and JPMorgan.

mod common;

use alphadesk_fundamentals::{facts, Field};
use alphadesk_store::Store;

fn store() -> Option<Store> {
    common::store_of(&[
        "market/securities/securities.csv",
        "market/fundamentals/fundamentals.csv",
        "market/fundamentals/constituents-financials_2016-07-10.csv",
        "market/fundamentals/constituents-financials_2017-03-08.csv",
        "market/fundamentals/constituents-financials_2018-02-08.csv",
        "market/prices/CB_data.csv",
        "market/prices/JPM_data.csv",
    ])
}

fn d(s: &str) -> alphadesk_model::NaiveDate {
    s.parse().unwrap()
}

/// The table's last Chubb row (fiscal 2015, ACE before the merger) says 325 m
/// shares; the 2018 snapshot's market cap over its price says about 465 m. The
/// fresher count wins and the jump is flagged as a share issue.
#[test]
fn a_merger_share_jump_is_flagged_and_the_fresher_count_wins() {
    let Some(s) = store() else { return };
    let r = facts(&s, "CB", d("2018-04-30")).unwrap().unwrap();
    let shares = &r.fields[&Field::SharesOutstanding];
    assert_eq!(shares.concept, "snapshot:market cap / price");
    assert_eq!(shares.period_end, d("2018-02-08"));
    assert!((440e6..490e6).contains(&shares.value), "{}", shares.value);
    let cap = &r.fields[&Field::MarketCap];
    assert!(cap.value > 60e9, "Chubb was worth about $63 bn, not $44 bn: {}", cap.value);
    // The first post-merger count, against the table's pre-merger one: flagged.
    let r = facts(&s, "CB", d("2016-08-31")).unwrap().unwrap();
    let shares = &r.fields[&Field::SharesOutstanding];
    assert_eq!(shares.period_end, d("2016-07-10"));
    assert!(
        shares.method.contains("up ") && shares.method.contains("2015-12-31") && shares.method.contains("share issue"),
        "the jump from the pre-merger count is explained: {}",
        shares.method
    );
    // In 2015 the table's count was current and no snapshot existed yet.
    let r = facts(&s, "CB", d("2015-06-30")).unwrap().unwrap();
    assert_eq!(r.fields[&Field::SharesOutstanding].concept, "table:Estimated Shares Outstanding");
}

#[test]
fn a_bank_has_no_gross_profit_even_where_the_table_writes_its_revenue() {
    let Some(s) = store() else { return };
    let r = facts(&s, "JPM", d("2016-06-30")).unwrap().unwrap();
    assert!(r.fields.contains_key(&Field::RevenueTtm));
    assert!(!r.fields.contains_key(&Field::GrossProfitTtm));
    assert!(r.missing[&Field::GrossProfitTtm].contains("does not apply to banks"), "{:?}", r.missing);
}
