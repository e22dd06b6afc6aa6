//! Where the data lives when the user does not say.

use std::path::{Path, PathBuf};

/// `--data`, else `$ALPHADESK_DATA`, else `../shared/data` beside the repository
/// (found from the build's source location, then from the working directory).
pub fn data_dir(flag: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = flag {
        return existing(p.to_path_buf(), "--data");
    }
    if let Some(p) = std::env::var_os("ALPHADESK_DATA") {
        return existing(PathBuf::from(p), "ALPHADESK_DATA");
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for candidate in [repo.join("../shared/data"), PathBuf::from("../shared/data"), PathBuf::from("shared/data")] {
        if candidate.is_dir() {
            return Ok(candidate.canonicalize().unwrap_or(candidate));
        }
    }
    anyhow::bail!(
        "no data directory: pass --data DIR or set ALPHADESK_DATA (expected ../shared/data beside the repository)"
    )
}

fn existing(p: PathBuf, what: &str) -> anyhow::Result<PathBuf> {
    if p.is_dir() {
        Ok(p)
    } else {
        anyhow::bail!("{what} points at {}, which is not a directory", p.display())
    }
}
