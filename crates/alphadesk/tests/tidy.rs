//! The architecture's rules, read from the tree (the rust-analyzer "tidy"
//! habit): prose in docs/architecture.md says them, this test keeps them.
//!
//! - The faces (HTTP, MCP) depend on the service and the model only among the
//!   workspace's crates (HTTP also mounts the MCP face): every answer they give
//!   comes through the one service layer, and the types they render are the
//!   service's re-exports.
//! - SQLite is named only by the store (tests may open a store file to check
//!   it). One crate still names it — `export` writes Parquet from its own
//!   queries — and is listed as debt; the list may only shrink: a crate added
//!   to it fails, and so does one that no longer needs its entry.

use std::collections::BTreeSet;
use std::path::Path;

/// The workspace crates a manifest's `[dependencies]` name (`alphadesk-*`).
fn workspace_deps(manifest: &str) -> BTreeSet<String> {
    let mut in_deps = false;
    let mut out = BTreeSet::new();
    for line in manifest.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            in_deps = l == "[dependencies]";
            continue;
        }
        if in_deps {
            if let Some(name) = l.split(['.', '=', ' ']).next().filter(|n| !n.is_empty()) {
                out.insert(name.to_string());
            }
        }
    }
    out
}

/// What a face's manifest may not name: any workspace crate beyond `allowed`.
fn face_violations(manifest: &str, allowed: &[&str]) -> Vec<String> {
    workspace_deps(manifest)
        .into_iter()
        .filter(|d| d.starts_with("alphadesk-") && !allowed.contains(&d.as_str()))
        .collect()
}

fn manifest(krate: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(krate).join("Cargo.toml")).unwrap()
}

#[test]
fn faces_depend_on_the_service_and_the_model_only() {
    for (face, allowed) in [
        ("http", &["alphadesk-model", "alphadesk-service", "alphadesk-mcp"][..]),
        ("mcp", &["alphadesk-model", "alphadesk-service"][..]),
    ] {
        let v = face_violations(&manifest(face), allowed);
        assert!(v.is_empty(), "crates/{face} depends on {v:?}: name the types through alphadesk-service instead");
    }
}

#[test]
fn only_the_store_names_sqlite_and_the_debt_only_shrinks() {
    const DEBT: [&str; 1] = ["export"];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut naming: BTreeSet<String> = BTreeSet::new();
    for entry in std::fs::read_dir(&root).unwrap().flatten() {
        let krate = entry.file_name().to_string_lossy().into_owned();
        let Ok(m) = std::fs::read_to_string(entry.path().join("Cargo.toml")) else { continue };
        if krate != "store" && workspace_deps(&m).contains("rusqlite") {
            naming.insert(krate);
        }
    }
    let debt: BTreeSet<String> = DEBT.iter().map(|s| s.to_string()).collect();
    let new: Vec<&String> = naming.difference(&debt).collect();
    let paid: Vec<&String> = debt.difference(&naming).collect();
    assert!(new.is_empty(), "{new:?} name rusqlite: only crates/store may (ask the store's reader)");
    assert!(paid.is_empty(), "{paid:?} no longer name rusqlite: take them off DEBT");
}

/// The checks fail on planted violations, so they cannot pass by reading nothing.
#[test]
fn a_planted_violation_is_found() {
    let planted = "[package]\nname = \"x\"\n\n[dependencies]\nalphadesk-service.workspace = true\nalphadesk-store.workspace = true\nrusqlite = { version = \"0.42\" }\n\n[dev-dependencies]\nalphadesk-testkit.workspace = true\n";
    assert_eq!(face_violations(planted, &["alphadesk-service"]), ["alphadesk-store"]);
    assert!(workspace_deps(planted).contains("rusqlite"));
    assert!(!workspace_deps(planted).contains("alphadesk-testkit"), "dev-dependencies are the tests' business");
    assert!(workspace_deps(&manifest("http")).contains("alphadesk-service"), "the real manifests are read");
}
