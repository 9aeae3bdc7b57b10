//! What every sink shares: the [`Sink`] trait, the check of an output path, and removing files and
//! folders safely. The sinks ([`super::staging`], [`super::overlay`]) import it from here, not from
//! their parent module, which only re-exports it.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::guard;

/// Where rendered files go: `build` stages them on disk, `check` records their links
/// ([`crate::links::LinkIndex`]), `serve` writes the ones that changed.
pub trait Sink: Sync {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Write a file that means something only where `reach` says. Every sink that writes a whole
    /// site takes it as any other; an exporter's records it, to leave it out of its packages.
    fn put_for(&self, rel: &str, bytes: &[u8], reach: Reach) -> io::Result<()> {
        let _ = reach;
        self.put(rel, bytes)
    }
    /// What `rel` held in the site this sink replaces, when it writes over one (`build` recycles
    /// its output before last), so the maker of a costly file (the search index's deflated text
    /// chunks) can keep one it has checked holds what it would make, instead of making it again.
    /// `None` by default, for a missing file, and for anything but a plain file the build wrote.
    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        let _ = rel;
        None
    }
}

/// Where a rendered file means something, as its maker declares it (`Sink::put_for`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Wherever the site is opened: a web server, a sub-path, `file://`, a package in an LMS.
    Anywhere,
    /// Only on a web server at the site's address: the 404 page the server shows for any missing
    /// path (its links start at the site root) and the sitemap of absolute URLs.
    WebServer,
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

/// Remove a folder (or whatever else is at `path`: a link is removed, never followed); nothing
/// there is no error.
pub(super) fn remove_any(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => remove_tree(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Remove a tree using both cores: deleting 10,000 files one by one is as slow as writing them.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.par_iter().try_for_each(|p| {
        if p.is_dir() && !p.is_symlink() { std::fs::remove_dir_all(p) } else { std::fs::remove_file(p) }
    })?;
    std::fs::remove_dir(dir)
}

/// Refuse an output path that could leave the output folder or hide a marker file. Paths come from
/// the model, which already refuses such slugs; this is the last line of defence.
pub(crate) fn check_rel(rel: &str) -> io::Result<()> {
    let bad = rel.is_empty()
        || rel.starts_with('/')
        || rel.contains('\\')
        || rel.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..")
        || guard::is_marker(rel);
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

/// A sink that passes every file on to `inner` and notes its path, so a unit's files are known.
pub struct Noting<'a> {
    inner: &'a dyn Sink,
    files: Mutex<Vec<String>>,
}

impl<'a> Noting<'a> {
    pub fn new(inner: &'a dyn Sink) -> Self {
        Noting { inner, files: Mutex::default() }
    }

    pub fn into_files(self) -> Vec<String> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Noting<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.put(rel, bytes)?;
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
        Ok(())
    }

    fn put_for(&self, rel: &str, bytes: &[u8], reach: Reach) -> io::Result<()> {
        self.inner.put_for(rel, bytes, reach)?;
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
        Ok(())
    }

    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        self.inner.previous(rel)
    }
}
