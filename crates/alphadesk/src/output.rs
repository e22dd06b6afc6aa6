//! Writing to standard output the way a Unix tool should: a closed pipe
//! (`alphadesk parse ... | head`) ends the program quietly instead of panicking.

use std::io::Write;

/// Writes `text` and a newline to standard output.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(e.into()),
    }
}
