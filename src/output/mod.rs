//! Stage 4, **write**: rendered files go to a [`Sink`]. The sinks that write to disk are
//! transactions: `build`'s [`Staging`] folder is swapped in whole, `serve`'s [`Overlay`] moves its
//! changed files in; either only when everything succeeded. [`guard`] decides whether a folder may
//! be written at all (empty, or made by policysite) and keeps two commands out of one folder.

pub mod guard;
pub mod overlay;
pub mod staging;

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use guard::{Contention, OutputLock};
pub use overlay::Overlay;
pub use staging::Staging;

/// Where rendered files go: `build` stages them on disk, `check` records their links
/// ([`crate::links::LinkIndex`]), `serve` writes the ones that changed.
pub trait Sink: Sync {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
}

/// Remove folders left empty, deepest first.
pub fn remove_empty_dirs(dir: &Path) {
    for e in walkdir::WalkDir::new(dir).contents_first(true).min_depth(1).into_iter().filter_map(Result::ok) {
        if e.file_type().is_dir() {
            let _ = std::fs::remove_dir(e.path()); // fails, harmlessly, when not empty
        }
    }
}

/// Remove every symbolic link among the folders on the way from `output` to each of `rels` (the links
/// only, never what they point to; each folder looked at once), so a write or delete below the output
/// cannot land outside it. The file itself needs no look: a rename over a link or a removal of one
/// replaces or removes the link.
pub fn unlink_planted<'a>(output: &Path, rels: impl IntoIterator<Item = &'a String>) -> io::Result<()> {
    let mut seen = std::collections::HashSet::new();
    for rel in rels {
        let mut at = output.to_path_buf();
        let Some((folders, _file)) = rel.rsplit_once('/') else { continue };
        for part in folders.split('/') {
            at.push(part);
            if !seen.insert(at.clone()) {
                continue;
            }
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.file_type().is_symlink() => std::fs::remove_file(&at)?,
                Ok(_) => {}
                Err(_) => break, // nothing further exists
            }
        }
    }
    Ok(())
}

/// Remove a tree using both cores: deleting 10,000 files one by one is as slow as writing them.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.par_iter().try_for_each(|p| {
        if p.is_dir() && !p.is_symlink() { std::fs::remove_dir_all(p) } else { std::fs::remove_file(p) }
    })?;
    std::fs::remove_dir(dir)
}

/// Refuse outputs that would replace the sources: `--output .`, `--output content`, or a parent folder.
/// Checked both as written and with symbolic links resolved, so `--output link-to-content/x` is refused too.
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), String> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    check_location(&abs(root), &abs(output), output)?;
    check_location(&resolved(root), &resolved(output), output)
}

/// `path` with its longest existing ancestor's symbolic links resolved (the rest may not exist yet).
fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut at = abs.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(at) {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return abs,
        }
    }
}

fn check_location(root: &Path, out: &Path, output: &Path) -> Result<(), String> {
    if root.starts_with(out) {
        return Err(format!(
            "the output folder `{}` contains the site's sources; choose another --output",
            output.display()
        ));
    }
    for src in crate::layout::SOURCE_DIRS.iter().chain(&["src", ".git"]) {
        if out.starts_with(root.join(src)) {
            return Err(format!(
                "the output folder `{}` is inside `{src}/`; choose another --output",
                output.display()
            ));
        }
    }
    Ok(())
}

/// Writing a file whole moved to the ground floor ([`crate::fsutil`]); this path stays for callers
/// written before the move.
pub use crate::fsutil::write_atomic;

/// Refuse an output path that could leave the output folder or hide a marker file. Paths come from
/// the model, which already refuses such slugs; this is the last line of defence.
pub(crate) fn check_rel(rel: &str) -> io::Result<()> {
    let bad = rel.is_empty()
        || rel.starts_with('/')
        || rel.contains('\\')
        || rel.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..")
        || rel == guard::MANIFEST
        || rel == guard::STAGING_MARK;
    if bad {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write `{rel}`: not a plain path inside the output"),
        ));
    }
    Ok(())
}

pub(crate) fn written_twice(rel: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("`{rel}` was written twice in one build (two sources make the same file)"),
    )
}

/// Everything that must hold before a command writes `output`: it is not among the sources, it is
/// empty or made by policysite, and no other policysite writes it. The lock is held as long as the
/// returned value lives.
pub fn prepare(root: &Path, output: &Path, command: &str, contention: Contention) -> Result<OutputLock, Vec<String>> {
    check_output_location(root, output).map_err(|m| vec![m])?;
    // A quick look before the lock, so a folder policysite did not make gets no lock file beside
    // it; the full check (every file against the manifest) under the lock, where it counts.
    guard::check_replaceable(output, false)?;
    let lock = OutputLock::acquire(output, command, contention).map_err(|m| vec![m])?;
    guard::check_replaceable(output, true)?;
    Ok(lock)
}
