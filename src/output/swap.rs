//! The swap that puts a finished build in place of the output ([`swap`]): one atomic exchange of
//! two folders where the system has one, else two renames.

use std::io;
use std::path::Path;

use super::guard;

/// Put the complete `staging` folder at `output`, and the previous output (if any) at `old`.
///
/// With an atomic exchange (Linux's `renameat2(RENAME_EXCHANGE)`, `renameatx_np(RENAME_SWAP)` on
/// macOS and iOS) `output` names a complete site at every instant. Elsewhere, or on a file system
/// that refuses the exchange (it answers `EINVAL`/`ENOTSUP`/`ENOSYS`), the previous output is renamed
/// aside and the new one renamed in: two renames, so `output` is missing for the moment between them
/// (README, "The output folder").
pub fn swap(staging: &Path, output: &Path, old: &Path) -> io::Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(output) else {
        return std::fs::rename(staging, output); // a first build: nothing to replace
    };
    // An empty folder the user made for us has no manifest: nothing in it to keep.
    let keep_old = !(meta.is_dir() && guard::read_manifest(output).is_none());
    if exchange(staging, output)? {
        // `staging` now holds what was the output.
        return if keep_old { std::fs::rename(staging, old) } else { std::fs::remove_dir(staging) };
    }
    if keep_old {
        std::fs::rename(output, old)?;
    } else {
        std::fs::remove_dir(output)?;
    }
    if let Err(e) = std::fs::rename(staging, output) {
        if keep_old {
            let _ = std::fs::rename(old, output);
        }
        return Err(e);
    }
    Ok(())
}

/// Exchange two existing paths atomically. `Ok(false)` when this system or file system has no such
/// operation (the caller falls back to two renames).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::NOTSUP || e == Errno::OPNOTSUPP => Ok(false),
        Err(e) => Err(io::Error::from(e)),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}
