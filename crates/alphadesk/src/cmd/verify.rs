use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::output::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Rebuild the store from the files it was ingested from (the damaged file is
    /// kept beside it as STORE.damaged-TIME).
    #[arg(long)]
    rebuild: bool,
    /// The findings as one JSON record.
    #[arg(long)]
    json: bool,
}

pub fn run(db: &Path, a: Args, out: &mut Out) -> anyhow::Result<ExitCode> {
    if a.rebuild {
        let r = alphadesk_service::write::rebuild(db, |i, total, report| {
            if let alphadesk_service::Outcome::Failed { error, .. } = &report.outcome {
                eprintln!("error: {}: {error} ({}/{total})", report.path, i + 1);
            }
        })?;
        if a.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&r)?)?;
        } else {
            super::ingest::print_summary(out, &r.summary)?;
            writeln!(
                out,
                "rebuilt {} from its sources; the damaged file is kept at {}",
                db.display(),
                r.damaged_kept_at
            )?;
            for l in &r.lost {
                writeln!(out, "  could not read again: {l}")?;
            }
        }
        return Ok(if r.lost.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) });
    }
    let v = alphadesk_service::write::verify(db)?;
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        writeln!(
            out,
            "{}: {} sources match their files, {} files no longer on disk, {} changed",
            db.display(),
            v.matching,
            v.missing.len(),
            v.changed.len()
        )?;
        for p in &v.problems {
            writeln!(out, "  problem: {p}")?;
        }
        writeln!(
            out,
            "{}",
            if v.sound() {
                "the store is sound"
            } else {
                "the store is NOT sound: `alphadesk verify --rebuild` reads every source again into a new store; `alphadesk ingest FILE` stores a changed file as a new source"
            }
        )?;
    }
    Ok(if v.sound() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
