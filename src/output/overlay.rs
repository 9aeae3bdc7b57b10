//! `serve`'s transaction: a rebuild's changed files go into an overlay folder beside the output and
//! are moved into the output only when the whole rebuild succeeded. A rebuild that fails halfway
//! (a template error on some pages) changes nothing the browser sees.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::guard::{self, STAGING_MARK, sibling};
use super::no_follow::Beneath;
use super::sink::{Sink, check_rel, remove_any, remove_empty_dirs, remove_tree, unlink_planted};

/// Output path → hash of the bytes policysite last wrote there (0 when unknown).
pub type FileHashes = HashMap<String, u64>;

pub fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

pub struct Overlay<'a> {
    output: PathBuf,
    dir: PathBuf,
    /// `dir` as its files are written and moved out: never through a link planted meanwhile.
    beneath: Beneath,
    previous: &'a FileHashes,
    written: Mutex<FileHashes>,
    changed: Mutex<Vec<String>>,
}

/// What a committed rebuild did to the output.
pub struct Committed {
    /// Every file the output now holds (path → hash).
    pub files: FileHashes,
    /// Paths whose bytes changed, were added or were removed.
    pub changed: Vec<String>,
}

impl<'a> Overlay<'a> {
    /// Start a rebuild of `output`, whose files are `previous`.
    pub fn begin(output: &Path, previous: &'a FileHashes) -> io::Result<Overlay<'a>> {
        let dir = sibling(output, "building");
        // Ours (checked by guard::check_replaceable when serve started); a link is removed, never followed.
        remove_any(&dir)?;
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::create_dir(&dir)?; // not one a link made appear meanwhile
        let beneath = Beneath::new(&dir)?;
        beneath.write(STAGING_MARK, b"policysite is building here\n")?;
        Ok(Overlay {
            output: output.to_path_buf(),
            beneath,
            dir,
            previous,
            written: Mutex::default(),
            changed: Mutex::default(),
        })
    }

    /// Move the changed files into the output. `complete` says the rebuild wrote every file of the
    /// site, so files it did not write are stale and go.
    pub fn commit(self, complete: bool) -> io::Result<Committed> {
        let written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut changed = self.changed.into_inner().unwrap_or_else(|e| e.into_inner());
        std::fs::create_dir_all(&self.output)?;
        unlink_planted(&self.output, &changed)?;
        for rel in &changed {
            let to = self.output.join(rel);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            self.beneath.rename_out(rel, &to)?;
        }
        let mut files = if complete { FileHashes::new() } else { self.previous.clone() };
        if complete {
            let stale: Vec<&String> = self.previous.keys().filter(|k| !written.contains_key(*k)).collect();
            unlink_planted(&self.output, stale.iter().copied())?;
            for rel in stale {
                let _ = std::fs::remove_file(self.output.join(rel));
                changed.push(rel.clone());
            }
            remove_empty_dirs(&self.output);
        }
        // The manifest lists the output's files: written (and synced) again only when that list
        // changed, not for a rebuild that rewrote files the output already had (serve's page edit).
        let listed = !complete && written.keys().all(|k| self.previous.contains_key(k));
        files.extend(written);
        if !listed {
            guard::write_manifest(&self.output, files.keys())?;
        }
        remove_tree(&self.dir)?;
        Ok(Committed { files, changed })
    }

    /// Drop the rebuild: the output stays as it was.
    pub fn abort(self) {
        let _ = remove_tree(&self.dir);
    }
}

impl Sink for Overlay<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_rel(rel)?;
        let h = hash(bytes);
        if self.written.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string(), h).is_some() {
            return Err(super::sink::written_twice(rel));
        }
        if self.previous.get(rel) != Some(&h) {
            self.beneath.write(rel, bytes)?;
            self.changed.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
        }
        Ok(())
    }

    /// A file of the output this rebuild replaces: one policysite wrote there (listed in
    /// `previous`), a plain file (never read through a link), not yet written by this rebuild.
    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        check_rel(rel).ok()?;
        if !self.previous.contains_key(rel) || self.written.lock().unwrap_or_else(|e| e.into_inner()).contains_key(rel)
        {
            return None;
        }
        crate::fsutil::read_plain(&self.output.join(rel)).ok()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::super::no_follow::both_ways;
    use super::*;

    /// A link or a hard link planted in `serve`'s overlay folder while it rebuilds, where a file is
    /// about to be written, is not written through (with `openat2`, and by path where a system has
    /// none): the files it points at keep their bytes, and the output gets the page as a file.
    #[test]
    fn a_link_planted_during_a_rebuild_is_not_written_through() {
        both_ways(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let out = dir.path().join("public");
            std::fs::create_dir(&out).expect("mkdir");
            let (victim, other) = (dir.path().join("victim.txt"), dir.path().join("other.txt"));
            std::fs::write(&victim, "keep me").expect("write");
            std::fs::write(&other, "keep me too").expect("write");
            let previous = FileHashes::new();
            let overlay = Overlay::begin(&out, &previous).expect("begin");
            let building = sibling(&out, "building");
            std::os::unix::fs::symlink(&victim, building.join("a.html")).expect("link");
            std::fs::hard_link(&other, building.join("b.html")).expect("hard link");
            overlay.put("a.html", b"page a").expect("put");
            overlay.put("b.html", b"page b").expect("put");
            let mut changed = overlay.commit(true).expect("commit").changed;
            changed.sort();
            assert_eq!(changed, ["a.html", "b.html"]);
            assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
            assert_eq!(std::fs::read_to_string(&other).expect("other"), "keep me too");
            for (rel, text) in [("a.html", "page a"), ("b.html", "page b")] {
                assert!(std::fs::symlink_metadata(out.join(rel)).expect(rel).is_file(), "{rel} is a file");
                assert_eq!(std::fs::read_to_string(out.join(rel)).expect(rel), text);
            }
            assert!(!building.exists(), "the overlay folder is gone after the commit");
        });
    }
}
