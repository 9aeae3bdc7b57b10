//! `build`'s transaction: every file goes into a staging folder beside the output, which replaces
//! the output only when the whole build succeeded. A failed build leaves the previous site untouched,
//! and files of removed pages never survive a rebuild.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

use super::guard::{self, STAGING_MARK, sibling};
use super::{Sink, check_rel, remove_empty_dirs, remove_tree};

/// A staging folder that becomes the output on [`Staging::commit`].
///
/// The staging folder is recycled from the output before last (`.NAME.old`), so a rebuild rewrites
/// only the files whose bytes changed and deletes only the files that are gone, instead of deleting
/// and re-creating the whole tree: on a 10,000-page site that file-system work costs more than
/// rendering. Only folders whose manifest accounts for every file are recycled
/// ([`guard::check_replaceable`] runs first); the output itself is not touched until the swap.
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    /// Files found in a recycled staging folder; whatever this build does not write is deleted.
    existing: HashSet<String>,
    written: Mutex<HashSet<String>>,
    pub files: AtomicUsize,
    pub bytes: AtomicU64,
}

impl Staging {
    pub fn begin(output: &Path) -> io::Result<Staging> {
        let staging = sibling(output, "building");
        let old = sibling(output, "old");
        if let Some(parent) = staging.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        // Recycle, in order of preference: a staging folder left by a stopped build, the old output.
        if !staging.is_dir() && old.is_dir() {
            std::fs::rename(&old, &staging)?;
        }
        if !staging.is_dir() {
            std::fs::create_dir(&staging)?;
        }
        std::fs::write(staging.join(STAGING_MARK), "policysite is building here\n")?;
        let mut existing = HashSet::new();
        for rel in guard::files_below(&staging)? {
            let path = staging.join(&rel);
            if path.is_symlink() {
                // Never write through a link planted in the output.
                std::fs::remove_file(&path)?;
            } else {
                existing.insert(rel);
            }
        }
        Ok(Staging {
            output: output.to_path_buf(),
            staging,
            existing,
            written: Mutex::default(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        })
    }

    /// Delete what this build did not write, record what it did, then swap the staging folder in.
    /// The old output is moved aside first (to be recycled by the next build), so at every moment
    /// either the old or the new site is complete on disk.
    pub fn commit(self) -> io::Result<()> {
        let written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        let stale: Vec<&String> = self.existing.iter().filter(|f| !written.contains(*f)).collect();
        stale.par_iter().try_for_each(|f| std::fs::remove_file(self.staging.join(f)))?;
        if !stale.is_empty() {
            remove_empty_dirs(&self.staging);
        }
        guard::write_manifest(&self.staging, written.iter())?;
        std::fs::remove_file(self.staging.join(STAGING_MARK))?;
        let old = sibling(&self.output, "old");
        if old.exists() {
            remove_tree(&old)?;
        }
        let had_output = self.output.exists();
        if had_output && guard::read_manifest(&self.output).is_none() {
            // An empty folder the user made for us: nothing in it to keep.
            std::fs::remove_dir(&self.output)?;
        } else if had_output {
            std::fs::rename(&self.output, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.output) {
            if had_output && old.exists() {
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(e);
        }
        Ok(())
    }

    /// Give up: the previous output stays exactly as it was. The half-made staging folder (marked as
    /// ours) is kept for the next build to recycle.
    pub fn abort(self) {}
}

impl Sink for Staging {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_rel(rel)?;
        if !self.written.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string()) {
            return Err(super::written_twice(rel));
        }
        let path = self.staging.join(rel);
        let unchanged = self.existing.contains(rel)
            && std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(&path).is_ok_and(|old| old == bytes);
        if !unchanged {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, bytes)?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}
