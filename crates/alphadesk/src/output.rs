//! The one writer for standard output.
//!
//! Rust ignores SIGPIPE, so a write to a pipe whose reader has gone (`alphadesk
//! check note.md | head -1`) fails with `BrokenPipe` instead of killing the
//! process. A closed pipe is a normal way for a reader to say "enough": this
//! writer swallows the error, stops writing, and lets the command finish, so that
//! the command's own exit status survives (a failing check still exits 1 under
//! `set -o pipefail`). Every command writes through it; nothing else prints to
//! standard output (`clippy::print_stdout` is denied in this crate).

//!
//! It takes the standard-output lock per write, not for the life of the
//! process: `alphadesk mcp` hands standard output to the protocol's writer task,
//! which would wait forever on a lock held by the main thread.

use std::io::{self, Write};

pub struct Out {
    inner: io::Stdout,
    closed: bool,
}

impl Out {
    pub fn stdout() -> Out {
        Out { inner: io::stdout(), closed: false }
    }

    fn swallow<T>(&mut self, r: io::Result<T>, none: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(none)
            }
            r => r,
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.swallow(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.swallow(r, ())
    }
}
