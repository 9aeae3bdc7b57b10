//! `build`'s transaction: every file goes into a staging folder beside the output, which replaces
//! the output only when the whole build succeeded. A failed build leaves the previous site untouched,
//! and files of removed pages never survive a rebuild.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

use super::guard::{self, STAGING_MARK, sibling};
use super::memo::{self, Key};
use super::no_follow::Beneath;
use super::sink::{Sink, check_rel, remove_any};
use super::swap::swap;
use current::Current;

mod current;

/// A staging folder that becomes the output on [`Staging::commit`].
///
/// The staging folder is recycled from the output before last (`.NAME.old`), so a rebuild rewrites
/// only the files whose bytes changed and deletes only the files that are gone, instead of deleting
/// and re-creating the whole tree: on a 10,000-page site that file-system work costs more than
/// rendering. Only folders whose manifest accounts for every file are recycled
/// ([`guard::check_replaceable`] checks the output, [`guard::recycled_files`] the folder recycled,
/// under the output's lock before the staging folder begins); the output itself is not touched
/// until the swap.
///
/// A staging folder left by a build that failed or was stopped is never recycled: its files may be
/// partial, and a file the new build does not write (a large static file since removed, say) would
/// hold its disk space until the commit, so a build that ran out of space would fail the same way
/// every time after the cause was removed. It is removed before anything is written ([`Staging::abort`]
/// removes it already; a killed build leaves it for the next staging folder to remove).
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    /// The staging folder as its files are reached: never through a link ([`Beneath`]).
    dir: Beneath,
    /// Files found in a recycled staging folder; whatever this build does not write is deleted.
    existing: foldhash::HashSet<String>,
    /// Each file this build wrote or kept, with the hash of its bytes ([`memo::hash`]) for the memo.
    written: Mutex<foldhash::HashMap<String, u64>>,
    /// The memo of the folder kept from: which units' files may be kept ([`Staging::keep`]).
    memo: memo::Previous,
    /// The output as it is now, when what is kept is copied from it instead of kept in place.
    current: Option<Current>,
    /// The memo of this build, written into the folder at [`Staging::commit`].
    next_memo: memo::Next,
    pub files: AtomicUsize,
    pub bytes: AtomicU64,
}

/// Why what a build keeps could not be copied from the output as it is now ([`Staging::keep`],
/// [`Staging::retain`]).
#[derive(Debug)]
pub enum CopyError {
    /// A file is no longer as the output's memo stamped it a moment before: someone is changing
    /// the output while the site is built.
    Changed(io::Error),
    /// A file could not be written into the staging folder.
    Write(io::Error),
}

/// Why a staging folder could not begin.
#[derive(Debug)]
pub enum BeginError {
    /// The folder to recycle, `.NAME.old`, holds files policysite did not write (the reasons, as
    /// [`guard::check_replaceable`] gives them): nothing was touched.
    Refused(Vec<String>),
    Io(io::Error),
}

/// Remove a staging folder left behind (a failed or killed build, or a swap stopped halfway), whole,
/// once checked again right before ([`guard::check_leftover_staging`]: ours or empty; someone
/// else's is refused): only a complete earlier output, `.NAME.old`, is recycled.
fn remove_leftover(output: &Path) -> Result<(), BeginError> {
    let staging = sibling(output, "building");
    if let Some(parent) = staging.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(BeginError::Io)?;
    }
    guard::check_leftover_staging(output).map_err(BeginError::Refused)?;
    remove_any(&staging).map_err(BeginError::Io)
}

impl Staging {
    /// A staging folder recycled from `.NAME.old` without a memo (`export`): the folder is checked
    /// whole first ([`guard::recycled_files`]: every file ours, or refused), and that listing is what
    /// it starts from.
    pub fn begin(output: &Path) -> Result<Staging, BeginError> {
        remove_leftover(output)?;
        let listed = guard::recycled_files(output).map_err(BeginError::Refused)?;
        Self::begin_listed(output, memo::Previous::default(), listed.unwrap_or_default(), None).map_err(BeginError::Io)
    }

    /// A staging folder recycled from `.NAME.old`, with the memo of that folder (read before, by
    /// [`memo::Previous::read`]), so the build can keep what it shows unchanged ([`Staging::keep`]).
    /// The memo file itself is removed either way: it describes a folder about to change (the
    /// commit writes this build's). It starts from the listing `checked` under the output's lock
    /// ([`super::check_under_lock`]) while `.NAME.old` is still the folder listed; one put there
    /// since is checked again now ([`guard::CheckedOld::listing_now`]), or refused.
    ///
    /// With `from_output`, `memo` is the output's (the output as it is now, checked under the same
    /// lock, [`guard::check_replaceable`]): the folder recycled was made from another structure (a
    /// template or data edited since), the output was not, and what it shows unchanged is copied
    /// from the output ([`Staging::keep`]) rather than made again.
    pub fn begin_recycling(
        output: &Path,
        memo: memo::Previous,
        checked: guard::CheckedOld,
        from_output: bool,
    ) -> Result<Staging, BeginError> {
        // The leftover first, so `.NAME.old` is looked at right before it is moved.
        remove_leftover(output)?;
        let listed = checked.listing_now(output).map_err(BeginError::Refused)?;
        let current = if from_output { Some(Current::open(output).map_err(BeginError::Io)?) } else { None };
        let staging = Self::begin_listed(output, memo, listed.unwrap_or_default(), current).map_err(BeginError::Io)?;
        staging.copy_noted_state();
        Ok(staging)
    }

    /// The staging folder, recycled from `.NAME.old` as `listed`, checked just before (empty for a
    /// folder that was missing or empty: it is never listed after the move, when what it holds is
    /// someone else's). A file that appears in it after that listing is not in it, so it is not
    /// deleted: it is left, unlisted in the manifest, for the next build to refuse (unless this
    /// build writes its path).
    fn begin_listed(
        output: &Path,
        memo: memo::Previous,
        listed: Vec<(String, bool)>,
        current: Option<Current>,
    ) -> io::Result<Staging> {
        let staging = sibling(output, "building");
        let old = sibling(output, "old");
        let listed = if old.is_dir() && !old.is_symlink() {
            std::fs::rename(&old, &staging)?;
            // A link swapped in for `.NAME.old` between the look and the rename is not written through.
            if std::fs::symlink_metadata(&staging)?.is_symlink() {
                std::fs::remove_file(&staging)?;
                std::fs::create_dir(&staging)?;
                Vec::new()
            } else {
                listed
            }
        } else {
            std::fs::create_dir(&staging)?;
            Vec::new()
        };
        let dir = Beneath::new(&staging)?;
        // Not through a link planted in the recycled folder under the marker's name.
        dir.write(STAGING_MARK, b"policysite is building here\n")?;
        for marker in [memo::MEMO, super::notes::NOTES, super::notes::READS] {
            match std::fs::remove_file(staging.join(marker)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        let mut existing = HashSet::default();
        for (rel, is_link) in listed {
            if is_link {
                // Never write through a link planted in the output.
                dir.remove(&rel)?;
            } else {
                existing.insert(rel);
            }
        }
        Ok(Staging {
            output: output.to_path_buf(),
            staging,
            dir,
            existing,
            written: Mutex::default(),
            memo,
            current,
            next_memo: memo::Next::default(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        })
    }

    /// Delete what this build did not write, record what it did, then swap the staging folder in.
    /// The swap is one atomic exchange where the system has one ([`swap`]), so a web server serving
    /// the output always finds a complete site; the old output then becomes `.NAME.old`, to be
    /// recycled by the next build.
    pub fn commit(self) -> io::Result<()> {
        let written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        let stale: Vec<&String> = self.existing.iter().filter(|f| !written.contains_key(*f)).collect();
        stale.par_iter().try_for_each(|f| self.dir.remove(f))?;
        if !stale.is_empty() {
            self.dir.remove_empty_dirs();
        }
        guard::write_manifest(&self.staging, written.keys())?;
        // Best effort: without a memo the next build renders everything, as it would anyway.
        let _ = self.next_memo.write(&self.staging, &self.memo, &|rel| written.get(rel).copied());
        // `.NAME.old` became the staging folder when it began: a folder there now was put there
        // during the build, and is removed only if it is ours or empty (checked right before).
        let old = sibling(&self.output, "old");
        guard::recycled_files(&self.output).map_err(|p| io::Error::other(p.join("; ")))?;
        std::fs::remove_file(self.staging.join(STAGING_MARK))?;
        remove_any(&old)?;
        swap(&self.staging, &self.output, &old)
    }

    /// Keep the files of `unit` as the recycled folder holds them, when its memo says they were made
    /// from `key` and each is untouched since ([`memo::Previous::take`]); `false` (nothing done but
    /// forgetting the unit, which is asked for once) when the unit must be rendered. A kept unit counts as written, and goes into this
    /// build's memo as it was.
    ///
    /// Kept from the output as it is now (`from_output`), the unit's files are read from it as
    /// stamped and written into the staging folder where they differ (an error when one changed
    /// since its stamp was checked, or cannot be written), and the unit goes into this build's
    /// memo as made now.
    pub fn keep(&self, unit: &str, key: Key) -> Result<bool, CopyError> {
        if let Some(current) = &self.current {
            let Some((files, _)) = self.memo.take(current.path(), unit, key) else { return Ok(false) };
            if !self.copy_in(current, &files)? {
                return Ok(false);
            }
            self.next_memo.rendered(unit.to_string(), key, files.into_iter().map(|(rel, _)| rel).collect());
            return Ok(true);
        }
        let Some((files, at)) = self.memo.take(&self.staging, unit, key) else { return Ok(false) };
        // Only files the folder listing found (a memo names no path of its own making).
        if !files.iter().all(|(rel, _)| self.existing.contains(rel)) {
            return Ok(false);
        }
        {
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            if files.iter().any(|(rel, _)| written.contains_key(rel)) {
                return Ok(false);
            }
            written.extend(files.iter().map(|(rel, w)| (rel.clone(), w.hash())));
        }
        self.files.fetch_add(files.len(), Ordering::Relaxed);
        self.bytes.fetch_add(files.iter().map(|(_, s)| s.bytes()).sum(), Ordering::Relaxed);
        self.next_memo.kept(unit.to_string(), at);
        Ok(true)
    }

    /// Copy `files` from the output as it is now into the staging folder, one at a time on each
    /// core (a site's static files may be large): each read as the output's memo stamped it
    /// ([`Current::read`]: as stamped, and its bytes as written), then written where the staging
    /// folder's bytes differ. `false`, with nothing written, when one was written already; an error
    /// when one is no longer as the memo has it (checked a moment before: someone is changing the
    /// output) or cannot be written.
    fn copy_in(&self, current: &Current, files: &[(String, memo::Written)]) -> Result<bool, CopyError> {
        {
            let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            if files.iter().any(|(rel, _)| written.contains_key(rel)) {
                return Ok(false);
            }
        }
        files.par_iter().try_for_each(|(rel, written)| {
            let bytes = current.read(rel, written).map_err(CopyError::Changed)?;
            self.put(rel, &bytes).map_err(CopyError::Write)
        })?;
        Ok(true)
    }

    /// Kept from the output as it is now, the staging folder starts with the state the output noted
    /// of its page-text files ([`super::notes::STATE`]) instead of the recycled folder's, of another
    /// structure: it describes those files when they are copied, and a build that writes them
    /// notes their state anew. Best effort, as every note: without it the next build that
    /// recycles this folder makes the index whole.
    fn copy_noted_state(&self) {
        let Some(current) = self.current.as_ref() else { return };
        let copied = current.read_marker(super::notes::STATE).and_then(|bytes| {
            crate::fsutil::write_atomic_with(&self.staging.join(super::notes::STATE), |w| w.write_all(&bytes))
        });
        if copied.is_err() {
            let _ = std::fs::remove_file(self.staging.join(super::notes::STATE));
        }
    }

    /// The files of `unit` the recycled folder holds as its memo stamped them, when it says they were
    /// made from `key`, to be updated in place: the caller writes those that change and every other
    /// (not given: changed, or too recently changed to be trusted), and [`Staging::retain`]s the
    /// rest. The unit is forgotten (the caller records it anew). Kept from the output as it is
    /// now, they are the output's files, which [`Staging::retain`] copies.
    pub fn adopt(&self, unit: &str, key: Key) -> Option<HashMap<String, memo::Written>> {
        let from = self.current.as_ref().map_or(self.staging.as_path(), Current::path);
        let files = self.memo.take_files_trusted(from, unit, key)?;
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let ours = |rel: &String| (self.current.is_some() || self.existing.contains(rel)) && !written.contains_key(rel);
        Some(files.into_iter().filter_map(|(rel, stamp)| Some((rel, stamp?))).filter(|(rel, _)| ours(rel)).collect())
    }

    /// Keep `files` of the recycled folder as they are (adopted by [`Staging::adopt`], with their
    /// stamps, and not written again): they count as written. `false` if one is not there or was
    /// written already. Adopted from the output as it is now, they are copied from it
    /// ([`Staging::copy_in`]; an error when one cannot be).
    pub fn retain(&self, files: &[(String, memo::Written)]) -> Result<bool, CopyError> {
        if let Some(current) = &self.current {
            return self.copy_in(current, files);
        }
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if files.iter().any(|(rel, _)| !self.existing.contains(rel) || written.contains_key(rel)) {
            return Ok(false);
        }
        written.extend(files.iter().map(|(rel, w)| (rel.clone(), w.hash())));
        let bytes: u64 = files.iter().map(|(_, w)| w.bytes()).sum();
        self.files.fetch_add(files.len(), Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        Ok(true)
    }

    /// A unit rendered by this build, from `key`, into `files` (stamped when the build commits).
    pub fn record(&self, unit: String, key: Key, files: Vec<String>) {
        self.next_memo.rendered(unit, key, files);
    }

    /// Leave this build's notes in the folder's notes file `name`, for the next build that recycles
    /// it ([`super::notes`]). Best effort, as the memo: without them the next build works everything
    /// out again.
    pub fn note<'n, T: serde::Serialize>(
        &self,
        name: &str,
        units: impl Iterator<Item = (String, Key, super::notes::Note<'n, T>)>,
    ) {
        let _ = super::notes::write(&self.staging, name, units);
    }

    /// Leave the notes of one large unit in their own file ([`super::notes::STATE`]), written by
    /// `write` as they are made. Best effort: a file not written leaves the one before, whose key
    /// is then another build's (not used), or this one's (it describes the same files).
    pub fn note_state(&self, unit: &str, key: Key, write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>) {
        let _ = super::notes::write_one(&self.staging, super::notes::STATE, unit, key, write);
    }

    /// Give up: the previous output stays exactly as it was, and the half-made staging folder is
    /// removed, so its partial files do not hold disk space (after a full disk, say) until the next
    /// build. Best effort: what cannot be removed now, the next staging folder removes.
    pub fn abort(self) {
        let _ = remove_any(&self.staging);
    }

    /// Delete what of the recycled output is in the way of writing `rel`: a file where `rel` needs
    /// a folder (a static `docs` that became `docs/guide.pdf`), or the files below a folder where
    /// `rel` is now a file (the other way round). They are files of this build's recycled output
    /// that it has not written (they would go at the commit anyway); nothing else is touched.
    /// Whether anything was in the way.
    fn clear_way(&self, rel: &str) -> bool {
        let in_way: Vec<String> = {
            let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            let ours = |p: &str| self.existing.contains(p) && !written.contains_key(p);
            let below = format!("{rel}/");
            let folders = rel.match_indices('/').map(|(i, _)| &rel[..i]).filter(|p| ours(p));
            let files = self.existing.iter().map(String::as_str).filter(|f| f.starts_with(&below) && ours(f));
            folders.chain(files).map(str::to_string).collect()
        };
        for f in &in_way {
            let _ = self.dir.remove(f);
        }
        if !in_way.is_empty() {
            self.dir.remove_empty_folder(rel);
        }
        !in_way.is_empty()
    }
}

impl Sink for Staging {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_rel(rel)?;
        let hash = memo::hash(bytes);
        if self.written.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string(), hash).is_some() {
            return Err(super::sink::written_twice(rel));
        }
        let unchanged = self.existing.contains(rel) && self.dir.same_bytes(rel, bytes);
        if !unchanged && let Err(e) = self.dir.write(rel, bytes) {
            if !self.clear_way(rel) {
                return Err(e);
            }
            self.dir.write(rel, bytes)?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// A file of the recycled output, as the staging folder's beginning listed it (the links listed were removed
    /// there): never one this build has written already.
    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        check_rel(rel).ok()?;
        if !self.existing.contains(rel) || self.written.lock().unwrap_or_else(|e| e.into_inner()).contains_key(rel) {
            return None;
        }
        self.dir.read(rel).ok()
    }
}

#[cfg(test)]
mod check_window_tests;
#[cfg(test)]
mod copy_tests;
#[cfg(test)]
mod tests;
