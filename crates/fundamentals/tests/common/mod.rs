//! A store of shared data files for the real-data tests.

use alphadesk_store::{Outcome, Store};

/// An in-memory store holding `files` (paths under the data directory); `None`
/// without the shared data.
pub fn store_of(files: &[&str]) -> Option<Store> {
    let dir = alphadesk_testkit::data_dir()?;
    let mut s = Store::open_in_memory().unwrap();
    for rel in files {
        let r = s.ingest_path(&dir.join(rel), true);
        assert!(matches!(r.outcome, Outcome::Stored { .. }), "{rel}: {:?}", r.outcome);
    }
    Some(s)
}
