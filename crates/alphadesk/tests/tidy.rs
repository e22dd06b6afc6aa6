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
//! - Every library crate warns on a missing doc (`#![warn(missing_docs)]`, an
//!   error under clippy's `-D warnings`); the crates not there yet are debt
//!   that may only shrink.
//! - A vocabulary with a type in `model` is compared as that type, never as
//!   its spelling: a trade code is `TradeCode::Purchase`, not `code == "P"`
//!   (a typo in a literal compiles and silently counts a purchase as a sale).

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

/// A debt list that may only shrink: what is `found` beyond `debt` (new debt),
/// and what of `debt` is no longer found (paid, to take off the list).
fn ratchet(found: &BTreeSet<String>, debt: &[&str]) -> (Vec<String>, Vec<String>) {
    let debt: BTreeSet<String> = debt.iter().map(|s| s.to_string()).collect();
    (found.difference(&debt).cloned().collect(), debt.difference(found).cloned().collect())
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

/// Every library crate documents its public items: `#![warn(missing_docs)]`
/// in its root, which `cargo clippy -D warnings` turns into a failure. The
/// crates not there yet are recorded debt, which may only shrink.
#[test]
fn library_crates_document_every_public_item() {
    const DEBT: [&str; 4] = ["ingest", "news", "notes", "store"];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut undocumented: BTreeSet<String> = BTreeSet::new();
    for entry in std::fs::read_dir(&root).unwrap().flatten() {
        let krate = entry.file_name().to_string_lossy().into_owned();
        let Ok(lib) = std::fs::read_to_string(entry.path().join("src/lib.rs")) else { continue };
        if !lib.lines().any(|l| l.trim() == "#![warn(missing_docs)]") {
            undocumented.insert(krate);
        }
    }
    assert!(undocumented.len() < 20, "the crates are read: {undocumented:?}");
    let (new, paid) = ratchet(&undocumented, &DEBT);
    assert!(new.is_empty(), "{new:?} do not warn on missing docs: add #![warn(missing_docs)] to their lib.rs");
    assert!(paid.is_empty(), "{paid:?} document everything now: take them off DEBT");
}

/// The CLI is a face too, on its way there: the stages it still names
/// directly are recorded debt, which may only shrink (validate, notes, rules,
/// store, fundamentals, score and export are paid: backtests, reports,
/// publishing, checking, verifying, facts and score panels go through the
/// service).
#[test]
fn the_cli_s_debt_to_the_stages_only_shrinks() {
    const FACE: [&str; 4] = ["alphadesk-model", "alphadesk-service", "alphadesk-http", "alphadesk-mcp"];
    // `news` and `tone` (news, ingest), `parse` (ingest): tools over files, not the store.
    const DEBT: [&str; 2] = ["alphadesk-ingest", "alphadesk-news"];
    let named: BTreeSet<String> = face_violations(&manifest("alphadesk"), &FACE).into_iter().collect();
    let (new, paid) = ratchet(&named, &DEBT);
    assert!(new.is_empty(), "the CLI names {new:?}: ask alphadesk-service");
    assert!(paid.is_empty(), "the CLI no longer names {paid:?}: take it off DEBT");
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
    let (new, paid) = ratchet(&naming, &DEBT);
    assert!(new.is_empty(), "{new:?} name rusqlite: only crates/store may (ask the store's reader)");
    assert!(paid.is_empty(), "{paid:?} no longer name rusqlite: take them off DEBT");
}

/// Lines of `source` that compare a vocabulary of `alphadesk_model` with its
/// spelling: a trade code (`TradeCode`) or a document's kind (`DocKind`).
fn spelled_vocabulary(source: &str) -> Vec<String> {
    const RULES: &[&str] = &[
        "\"balance\"",
        "\"disclaimer\"",
        "\"duplicate-source\"",
        "\"entity\"",
        "\"freshness\"",
        "\"grounding\"",
        "\"language\"",
        "\"personalized-advice\"",
        "\"projection\"",
        "\"promissory\"",
        "\"quote-relevance\"",
        "\"score-consistency\"",
        "\"sources\"",
        "\"ticker-relevance\"",
        "\"verbatim\"",
    ];
    const SPELLED: [(&str, &[&str]); 3] =
        [("code", &["\"P\"", "\"S\""]), ("kind", &["\"post\"", "\"article\""]), ("rule", RULES)];
    source
        .lines()
        .filter(|l| {
            let l = l.split("//").next().unwrap_or_default();
            SPELLED.iter().any(|(field, spellings)| {
                (l.contains(&format!("{field} ==")) || l.contains(&format!("{field} !=")))
                    && spellings.iter().any(|s| l.contains(s))
            })
        })
        .map(|l| l.trim().to_string())
        .collect()
}

fn rust_sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn vocabularies_are_compared_as_types() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap().flatten() {
        let src = entry.path().join("src");
        if src.is_dir() {
            rust_sources(&src, &mut files);
        }
    }
    assert!(files.len() > 50, "the sources are read ({} files)", files.len());
    let found: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            spelled_vocabulary(&text).into_iter().map(move |l| format!("{}: {l}", f.display()))
        })
        .collect();
    assert!(
        found.is_empty(),
        "compare alphadesk_model::TradeCode, DocKind and RuleId, not their spellings:\n{}",
        found.join("\n")
    );
}

/// The checks fail on planted violations, so they cannot pass by reading nothing.
#[test]
fn a_planted_violation_is_found() {
    let planted = "[package]\nname = \"x\"\n\n[dependencies]\nalphadesk-service.workspace = true\nalphadesk-store.workspace = true\nrusqlite = { version = \"0.42\" }\n\n[dev-dependencies]\nalphadesk-testkit.workspace = true\n";
    assert_eq!(face_violations(planted, &["alphadesk-service"]), ["alphadesk-store"]);
    let found: BTreeSet<String> = ["a", "b"].map(String::from).into();
    assert_eq!(ratchet(&found, &["b", "c"]), (vec!["a".to_string()], vec!["c".to_string()]));
    assert!(workspace_deps(planted).contains("rusqlite"));
    assert!(!workspace_deps(planted).contains("alphadesk-testkit"), "dev-dependencies are the tests' business");
    assert!(workspace_deps(&manifest("http")).contains("alphadesk-service"), "the real manifests are read");
    let source = "let verb = if t.code == \"P\" { \"bought\" } else { \"sold\" };\n// t.code == \"S\" in a comment\nmatch t.code {}";
    assert_eq!(spelled_vocabulary(source).len(), 1);
    let source = "if doc.kind != \"post\" { quote(doc) }\nif n.kind == DocKind::Post {}";
    assert_eq!(spelled_vocabulary(source).len(), 1);
    let source = "if v.rule == \"sources\" { drop(v) }\nif v.rule == RuleId::Sources {}";
    assert_eq!(spelled_vocabulary(source).len(), 1);
}
