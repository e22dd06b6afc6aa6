//! `alphadesk sync sec --bulk` reading a companyfacts.zip: throughput and peak
//! memory, on the real companyfacts and on a synthetic archive 40× larger.
//!
//!     cargo bench -p alphadesk --bench sync
//!
//! A local server (in this process, loopback only) serves EDGAR's paths: the real
//! ticker map, an empty submissions.zip, and a companyfacts.zip built here from
//! `../shared/data/sec/companyfacts` (27 filers), then from the testkit's
//! synthetic generator (about 40 times the bytes). Each sync is its own
//! `alphadesk` process under GNU time into a fresh store (the median of three):
//! wall seconds, MB/s of JSON read from the archive, peak RSS. Memory should be
//! flat in the number of entries: a few runs of entries are in memory at a
//! time. A benchmark measures; it asserts nothing about speed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod common;

fn serve(routes: Arc<Vec<(String, PathBuf)>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let routes = routes.clone();
            std::thread::spawn(move || answer(conn, &routes));
        }
    });
    format!("http://{addr}")
}

fn answer(mut conn: TcpStream, routes: &[(String, PathBuf)]) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split(' ').nth(1).unwrap_or("/").to_string();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
    }
    match routes.iter().find(|(p, _)| *p == path) {
        Some((_, file)) => {
            let mut f = std::fs::File::open(file).unwrap();
            let len = f.metadata().unwrap().len();
            let _ = conn
                .write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n").as_bytes());
            let _ = std::io::copy(&mut f, &mut conn);
        }
        None => {
            let _ = conn.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    }
    let _ = conn.flush();
    let mut rest = Vec::new();
    let _ = conn.shutdown(std::net::Shutdown::Write);
    let _ = reader.read_to_end(&mut rest);
}

/// A deflated zip of every `*.json` in `dir`; the JSON bytes it holds.
fn zip_folder(dir: &Path, out: &Path) -> u64 {
    let mut z = zip::ZipWriter::new(std::io::BufWriter::new(std::fs::File::create(out).unwrap()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(false);
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    names.sort();
    let mut bytes = 0;
    for p in names.iter().filter(|p| p.extension().is_some_and(|x| x == "json")) {
        let body = std::fs::read(p).unwrap();
        bytes += body.len() as u64;
        z.start_file(p.file_name().unwrap().to_string_lossy(), opts).unwrap();
        z.write_all(&body).unwrap();
    }
    z.finish().unwrap();
    bytes
}

fn empty_zip(out: &Path) {
    zip::ZipWriter::new(std::fs::File::create(out).unwrap()).finish().unwrap();
}

/// Runs one bulk sync into a fresh store: (seconds, peak MiB).
fn timed_sync(base: &str, work: &Path) -> (f64, f64) {
    let db = work.join("bench.db");
    let _ = std::fs::remove_file(&db);
    let args = ["--db", &db.display().to_string(), "sync", "sec", "--bulk", "--all", "--json", "--sec-base", base]
        .iter()
        .chain(["--sec-archives-base", base, "--user-agent", "alphadesk bench bench@alphadesk.invalid"].iter())
        .map(Into::into)
        .collect::<Vec<std::ffi::OsString>>();
    common::timed(&args)
}

fn main() {
    let data = common::data_dir();
    let work = tempfile::tempdir().unwrap();
    let real_zip = work.path().join("real-companyfacts.zip");
    let real_bytes = zip_folder(&data.join("sec/companyfacts"), &real_zip);
    let empty = work.path().join("submissions.zip");
    empty_zip(&empty);

    let time_archive = |name: &str, zip: &Path, bytes: u64| {
        let routes = Arc::new(vec![
            ("/files/company_tickers.json".to_string(), data.join("sec/reference/company_tickers.json")),
            ("/Archives/edgar/daily-index/bulkdata/submissions.zip".to_string(), empty.clone()),
            ("/Archives/edgar/daily-index/xbrl/companyfacts.zip".to_string(), zip.to_path_buf()),
        ]);
        let base = serve(routes);
        let entries = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap().len();
        let zip_mb = std::fs::metadata(zip).unwrap().len() as f64 / 1e6;
        // The median of three runs, each into a fresh store.
        let mut runs: Vec<(f64, f64)> = (0..3).map(|_| timed_sync(&base, work.path())).collect();
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (secs, mib) = runs[1];
        println!(
            "sync: bulk companyfacts.zip, {name}: {entries} entries, {:.0} MB of JSON ({zip_mb:.0} MB zipped): {secs:.2} s (of {:.2}–{:.2}), {:.0} MB/s of JSON, peak {mib:.0} MiB",
            bytes as f64 / 1e6,
            runs[0].0,
            runs[2].0,
            bytes as f64 / 1e6 / secs
        );
    };
    // The real archive is timed before the synthetic universe is written: the
    // disk's work on gigabytes of generated files would be timed with it.
    time_archive("real (27 filers)", &real_zip, real_bytes);

    // A synthetic universe whose companyfacts hold about 40 times the real bytes.
    let probe = work.path().join("probe");
    alphadesk_testkit::synthetic::write(&probe, &alphadesk_testkit::synthetic::Spec::new(20, 10)).unwrap();
    let per_file: u64 = std::fs::read_dir(probe.join("sec/companyfacts"))
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .sum::<u64>()
        / 20;
    let tickers = ((40 * real_bytes) / per_file.max(1)) as usize + 1;
    let synth = work.path().join("synthetic");
    alphadesk_testkit::synthetic::write(&synth, &alphadesk_testkit::synthetic::Spec::new(tickers, 10)).unwrap();
    let synth_zip = work.path().join("synthetic-companyfacts.zip");
    let synth_bytes = zip_folder(&synth.join("sec/companyfacts"), &synth_zip);
    // The generated tree (gigabytes of prices beside the facts) is not needed
    // once zipped: removed, and what is still dirty written out, so that the
    // kernel's writeback of it is not timed as part of the sync.
    let _ = std::fs::remove_dir_all(&synth);
    let _ = std::fs::remove_dir_all(&probe);
    let _ = std::process::Command::new("sync").status();
    time_archive("synthetic", &synth_zip, synth_bytes);
}
