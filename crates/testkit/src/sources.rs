//! A price source on loopback that answers as a CSV download does: the tests
//! of `sync prices` and the syncing server's bench ask it for bars.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// What a [`CsvSource`] was asked: when, and the path with its query.
pub type Asked = Arc<Mutex<Vec<(Instant, String)>>>;

/// A CSV source on a free loopback port.
pub struct CsvSource {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Every request it answered.
    pub asked: Asked,
}

/// Serves `/q/{ticker}.csv?from=D` from `files` (keyed by path): the header
/// and the rows dated D or later, as a source asked for a range answers; any
/// other path is a 404. Every request is logged before it is answered.
pub fn csv_source(files: BTreeMap<String, String>) -> CsvSource {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    let asked: Asked = Arc::default();
    let (files, log) = (Arc::new(files), asked.clone());
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let Ok(read) = conn.try_clone() else { continue };
            let mut reader = BufReader::new(read);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
            }
            let target = line.split(' ').nth(1).unwrap_or("/").to_string();
            log.lock().unwrap_or_else(|p| p.into_inner()).push((Instant::now(), target.clone()));
            let (path, q) = target.split_once('?').unwrap_or((&target, ""));
            let from = q.split('&').find_map(|kv| kv.strip_prefix("from=")).unwrap_or("");
            let (status, body) = match files.get(path) {
                Some(f) => (200, rows_from(f, from)),
                None => (404, "not found".to_string()),
            };
            let _ = write!(
                conn,
                "HTTP/1.1 {status} X\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    CsvSource { addr, asked }
}

/// The header of `csv` and its rows dated `from` or later.
fn rows_from(csv: &str, from: &str) -> String {
    let mut lines = csv.lines();
    let mut out = format!("{}\n", lines.next().unwrap_or_default());
    for l in lines.filter(|l| l.get(..10).is_some_and(|d| d >= from)) {
        out.push_str(l);
        out.push('\n');
    }
    out
}
