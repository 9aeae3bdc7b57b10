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
use super::sink::{Sink, check_rel, remove_empty_dirs, remove_tree};
use super::swap::swap;

/// A staging folder that becomes the output on [`Staging::commit`].
///
/// The staging folder is recycled from the output before last (`.NAME.old`), so a rebuild rewrites
/// only the files whose bytes changed and deletes only the files that are gone, instead of deleting
/// and re-creating the whole tree: on a 10,000-page site that file-system work costs more than
/// rendering. Only folders whose manifest accounts for every file are recycled
/// ([`guard::check_replaceable`] checks the output, [`guard::recycled_files`] the folder recycled,
/// right before [`Staging::begin_with_memo`]); the output itself is not touched until the swap.
///
/// A staging folder left by a build that failed or was stopped is never recycled: its files may be
/// partial, and a file the new build does not write (a large static file since removed, say) would
/// hold its disk space until the commit, so a build that ran out of space would fail the same way
/// every time after the cause was removed. It is removed before anything is written ([`Staging::abort`]
/// removes it already; a killed build leaves it for the next [`Staging::begin`]).
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    /// Files found in a recycled staging folder; whatever this build does not write is deleted.
    existing: HashSet<String>,
    written: Mutex<HashSet<String>>,
    /// The recycled folder's memo: which units' files may be kept ([`Staging::keep`]).
    memo: memo::Previous,
    /// The memo of this build, written into the folder at [`Staging::commit`].
    next_memo: memo::Next,
    pub files: AtomicUsize,
    pub bytes: AtomicU64,
}

impl Staging {
    /// [`Staging::begin_with_memo`] without a memo, listing `.NAME.old` itself: it does not check
    /// that every file there is ours, so a command that recycles a folder a user could have written
    /// in calls [`guard::recycled_files`] and `begin_with_memo` instead.
    pub fn begin(output: &Path) -> io::Result<Staging> {
        Self::begin_with_memo(output, memo::Previous::default(), None)
    }

    /// [`Staging::begin`] with the memo of the folder it recycles, `.NAME.old` (read before, by
    /// [`memo::Previous::read`]), so the build can keep what it shows unchanged ([`Staging::keep`]).
    /// The memo file itself is removed either way: it describes a folder about to change (the
    /// commit writes this build's). `listed` is `.NAME.old` as [`guard::recycled_files`] listed it
    /// just before (found all ours); without it the folder is listed here. A file that appears in
    /// it after that listing, at a path this build does not write, is not deleted: it is left,
    /// unlisted in the manifest, for the next build to refuse.
    pub fn begin_with_memo(
        output: &Path,
        memo: memo::Previous,
        listed: Option<Vec<(String, bool)>>,
    ) -> io::Result<Staging> {
        let staging = sibling(output, "building");
        let old = sibling(output, "old");
        if let Some(parent) = staging.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        // A staging folder left behind (a failed or killed build, or a swap stopped halfway) is
        // removed whole: only a complete earlier output, `.NAME.old`, is recycled.
        if std::fs::symlink_metadata(&staging).is_ok() {
            remove_any(&staging)?;
        }
        let listed = if old.is_dir() && !old.is_symlink() {
            std::fs::rename(&old, &staging)?;
            // A link swapped in for `.NAME.old` between the look and the rename is not written through.
            if std::fs::symlink_metadata(&staging)?.is_symlink() {
                std::fs::remove_file(&staging)?;
                std::fs::create_dir(&staging)?;
                Some(Vec::new())
            } else {
                listed
            }
        } else {
            std::fs::create_dir(&staging)?;
            Some(Vec::new())
        };
        std::fs::write(staging.join(STAGING_MARK), "policysite is building here\n")?;
        for marker in [memo::MEMO, super::notes::NOTES] {
            match std::fs::remove_file(staging.join(marker)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        let mut existing = HashSet::new();
        let entries = match listed {
            Some(entries) => entries,
            None => guard::entries_below(&staging)?,
        };
        for (rel, is_link) in entries {
            if is_link {
                let path = staging.join(&rel);
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
            memo,
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
        let stale: Vec<&String> = self.existing.iter().filter(|f| !written.contains(*f)).collect();
        stale.par_iter().try_for_each(|f| std::fs::remove_file(self.staging.join(f)))?;
        if !stale.is_empty() {
            remove_empty_dirs(&self.staging);
        }
        guard::write_manifest(&self.staging, written.iter())?;
        // Best effort: without a memo the next build renders everything, as it would anyway.
        let _ = self.next_memo.write(&self.staging, &self.memo);
        std::fs::remove_file(self.staging.join(STAGING_MARK))?;
        let old = sibling(&self.output, "old");
        if std::fs::symlink_metadata(&old).is_ok() {
            remove_any(&old)?;
        }
        swap(&self.staging, &self.output, &old)
    }

    /// Keep the files of `unit` as the recycled folder holds them, when its memo says they were made
    /// from `key` and each is untouched since ([`memo::Previous::take`]); `false` (nothing done but
    /// forgetting the unit, which is asked for once) when the unit must be rendered. A kept unit counts as written, and goes into this
    /// build's memo as it was.
    pub fn keep(&self, unit: &str, key: Key) -> bool {
        let Some((files, at)) = self.memo.take(&self.staging, unit, key) else { return false };
        // Only files the folder listing found (a memo names no path of its own making).
        if !files.iter().all(|(rel, _)| self.existing.contains(rel)) {
            return false;
        }
        {
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            if files.iter().any(|(rel, _)| written.contains(rel)) {
                return false;
            }
            written.extend(files.iter().map(|(rel, _)| rel.clone()));
        }
        self.files.fetch_add(files.len(), Ordering::Relaxed);
        self.bytes.fetch_add(files.iter().map(|(_, s)| s.bytes()).sum(), Ordering::Relaxed);
        self.next_memo.kept(unit.to_string(), at);
        true
    }

    /// The files of `unit` the recycled folder holds as its memo stamped them, when it says they were
    /// made from `key`, to be updated in place: the caller writes those that change and every other
    /// (not given: changed, or too recently changed to be trusted), and [`Staging::retain`]s the
    /// rest. The unit is forgotten (the caller records it anew).
    pub fn adopt(&self, unit: &str, key: Key) -> Option<HashMap<String, u64>> {
        let files = self.memo.take_files_trusted(&self.staging, unit, key)?;
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let ours = |rel: &String| self.existing.contains(rel) && !written.contains(rel);
        Some(files.into_iter().filter_map(|(rel, size)| Some((rel, size?))).filter(|(rel, _)| ours(rel)).collect())
    }

    /// Keep `files` of the recycled folder as they are (adopted by [`Staging::adopt`], with their
    /// sizes as stamped, and not written again): they count as written. `false` if one is not there
    /// or was written already.
    pub fn retain(&self, files: &[(String, u64)]) -> bool {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if files.iter().any(|(rel, _)| !self.existing.contains(rel) || written.contains(rel)) {
            return false;
        }
        written.extend(files.iter().map(|(rel, _)| rel.clone()));
        let bytes: u64 = files.iter().map(|(_, size)| size).sum();
        self.files.fetch_add(files.len(), Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        true
    }

    /// A unit rendered by this build, from `key`, into `files` (stamped when the build commits).
    pub fn record(&self, unit: String, key: Key, files: Vec<String>) {
        self.next_memo.rendered(unit, key, files);
    }

    /// Leave this build's notes in the folder, for the next build that recycles it
    /// ([`super::notes`]). Best effort, as the memo: without them the next build works everything
    /// out again.
    pub fn note<T: serde::Serialize>(&self, units: impl Iterator<Item = (String, Key, T)>) {
        let _ = super::notes::write(&self.staging, units);
    }

    /// Leave the notes of one large unit in their own file ([`super::notes::STATE`]), written by
    /// `write` as they are made. Best effort: a file not written leaves the one before, whose key
    /// is then another build's (not used), or this one's (it describes the same files).
    pub fn note_state(&self, unit: &str, key: Key, write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>) {
        let _ = super::notes::write_one(&self.staging, super::notes::STATE, unit, key, write);
    }

    /// Give up: the previous output stays exactly as it was, and the half-made staging folder is
    /// removed, so its partial files do not hold disk space (after a full disk, say) until the next
    /// build. Best effort: what cannot be removed now, the next [`Staging::begin`] removes.
    pub fn abort(self) {
        let _ = remove_any(&self.staging);
    }
}

/// Whether the file at `path` holds exactly `bytes`: opened once, its length checked first, then
/// read a piece at a time into one buffer (a rebuild compares every file it writes: nothing is
/// allocated per file).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    let Ok(mut file) = no_follow(std::fs::OpenOptions::new().read(true)).open(path) else { return false };
    if !file.metadata().is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64) {
        return false;
    }
    let mut buf = [0u8; 64 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut buf) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buf[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) => return false,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// `options` made to refuse a path whose last part is a symbolic link (`O_NOFOLLOW`, where the
/// system has it), so a link planted in the staging folder while the build runs is neither read
/// nor written through ([`write_file`]). [`Staging::begin`] removed the links there were then.
fn no_follow(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    options
}

/// Whether `e` is an open refused by [`no_follow`] (the path is a symbolic link).
fn is_link(e: &io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
    {
        let _ = e;
        false
    }
}

/// Write `bytes` to `path` whole, never through a symbolic link at its last part: one planted there
/// is removed (not followed) and the file written in its place. A partial file (a full disk) is
/// removed.
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    no_follow(options.write(true).create(true).truncate(true));
    let mut file = match options.open(path) {
        Err(e) if is_link(&e) => {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            options.open(path)?
        }
        opened => opened?,
    };
    file.write_all(bytes).inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}

/// Remove a folder (or whatever else is at `path`: a link is removed, never followed).
fn remove_any(path: &Path) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.is_dir() { remove_tree(path) } else { std::fs::remove_file(path) }
}

impl Sink for Staging {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_rel(rel)?;
        if !self.written.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string()) {
            return Err(super::sink::written_twice(rel));
        }
        let path = self.staging.join(rel);
        let unchanged = self.existing.contains(rel) && same_bytes(&path, bytes);
        if !unchanged {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            write_file(&path, bytes)?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// A file of the recycled output, as [`Staging::begin`] listed it (the links listed were removed
    /// there): never one this build has written already.
    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        check_rel(rel).ok()?;
        if !self.existing.contains(rel) || self.written.lock().unwrap_or_else(|e| e.into_inner()).contains(rel) {
            return None;
        }
        let mut file = no_follow(std::fs::OpenOptions::new().read(true)).open(self.staging.join(rel)).ok()?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut bytes).ok()?;
        Some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    fn build(output: &Path, files: &[(&str, &[u8])]) {
        let s = Staging::begin(output).expect("begin");
        for (rel, bytes) in files {
            s.put(rel, bytes).expect("put");
        }
        s.commit().expect("commit");
    }

    /// A rebuild recycles the output before last: a file whose bytes changed is written even when its
    /// length did not (the comparison reads the contents), one that grew or shrank too, and an
    /// unchanged file is left as it was (same inode: not rewritten).
    #[cfg(unix)]
    #[test]
    fn a_rebuild_rewrites_changed_files_and_leaves_the_others() {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("site");
        let first: &[(&str, &[u8])] = &[("a.html", b"hello"), ("b.html", b"same"), ("c.html", b"short")];
        build(&out, first);
        let inode = |rel: &str| std::fs::metadata(out.join(rel)).expect("file").ino();
        let b_first = inode("b.html");
        build(&out, first);
        // The third build recycles the first one's folder.
        build(&out, &[("a.html", b"jello"), ("b.html", b"same"), ("c.html", b"much longer")]);
        let read = |rel: &str| std::fs::read(out.join(rel)).expect("file");
        assert_eq!(read("a.html"), b"jello", "same length, other bytes: written");
        assert_eq!(read("c.html"), b"much longer");
        assert_eq!(read("b.html"), b"same");
        assert_eq!(inode("b.html"), b_first, "an unchanged file is not rewritten");
    }

    /// The build starts from the listing of `.NAME.old` that its check made (every file ours), not a
    /// second walk; a file that appears in that folder after the check is not in the listing, so
    /// the build neither deletes it nor lists it in its manifest: the next build refuses the folder
    /// and names the file, instead of deleting what it did not make.
    #[test]
    fn a_file_that_appears_after_the_check_is_not_deleted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        build(&out, &[("index.html", b"one"), ("gone.html", b"g")]);
        build(&out, &[("index.html", b"two"), ("other.html", b"o")]);
        let old = sibling(&out, "old");
        let mut listed = guard::recycled_files(&out).expect("all ours").expect("the old output listed");
        listed.sort();
        let names: Vec<&str> = listed.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, ["gone.html", "index.html"], "the folder recycled, not the output");
        std::fs::write(old.join("theirs.txt"), "a file of someone else").expect("write");
        let s = Staging::begin_with_memo(&out, memo::Previous::default(), Some(listed)).expect("begin");
        s.put("index.html", b"three").expect("put");
        s.commit().expect("commit");
        assert!(!out.join("gone.html").exists(), "a file the build made and no longer writes is removed");
        assert_eq!(std::fs::read_to_string(out.join("theirs.txt")).ok().as_deref(), Some("a file of someone else"));
        let refused = guard::check_replaceable(&out, true).expect_err("the next build refuses");
        assert!(refused.iter().any(|p| p.contains("theirs.txt")), "{refused:?}");
    }

    /// A symbolic link planted in the staging folder while the build runs (after
    /// [`Staging::begin`] removed those it found), in place of a file the build recycles or at a
    /// path it writes anew, is not read or written through: the link is replaced by the file.
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    #[test]
    fn a_link_planted_during_the_build_is_not_written_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        build(&out, &[("a.html", b"one")]);
        build(&out, &[("a.html", b"one")]);
        let (victim, other) = (dir.path().join("victim.txt"), dir.path().join("other.txt"));
        std::fs::write(&victim, "keep me").expect("write");
        std::fs::write(&other, "keep me too").expect("write");
        let s = Staging::begin(&out).expect("begin");
        let building = sibling(&out, "building");
        std::fs::remove_file(building.join("a.html")).expect("rm");
        std::os::unix::fs::symlink(&victim, building.join("a.html")).expect("link");
        std::os::unix::fs::symlink(&other, building.join("new.html")).expect("link");
        assert_eq!(s.previous("a.html"), None, "a link is not read");
        s.put("a.html", b"two").expect("put");
        s.put("new.html", b"new").expect("put");
        s.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
        assert_eq!(std::fs::read_to_string(&other).expect("other"), "keep me too");
        for (rel, text) in [("a.html", "two"), ("new.html", "new")] {
            assert!(!out.join(rel).is_symlink(), "{rel} is a file");
            assert_eq!(std::fs::read_to_string(out.join(rel)).expect(rel), text);
        }
    }

    /// Issue 17: a build that failed (a full disk) or was killed leaves files in `.NAME.building`
    /// that the next build would keep, holding their space, until its commit. The next build starts
    /// without them.
    #[test]
    fn a_failed_or_killed_build_leaves_nothing_the_next_one_keeps() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        build(&out, &[("index.html", b"one"), ("a/b.html", b"b")]);
        build(&out, &[("index.html", b"two"), ("a/b.html", b"b")]);
        let building = sibling(&out, "building");
        // A build that fails after writing part of a large file.
        let s = Staging::begin(&out).expect("begin");
        s.put("big.bin", &vec![7u8; 100_000]).expect("put");
        s.abort();
        assert!(!building.exists(), "an aborted build left its staging folder");
        // A build killed after writing it: the next build's staging folder does not have it.
        let s = Staging::begin(&out).expect("begin");
        s.put("big.bin", &vec![7u8; 100_000]).expect("put");
        drop(s);
        let s = Staging::begin(&out).expect("begin");
        assert!(!building.join("big.bin").exists(), "a killed build's file was recycled");
        assert!(!s.existing.contains("big.bin"));
        s.put("index.html", b"three").expect("put");
        s.commit().expect("commit");
        assert_eq!(std::fs::read(out.join("index.html")).ok().as_deref(), Some(&b"three"[..]));
        assert!(!out.join("big.bin").exists() && !out.join("a/b.html").exists());
        // The swap kept the previous output aside for the next build to recycle.
        assert!(sibling(&out, "old").join("index.html").is_file());
    }

    /// Issue 17: the swap must not leave a moment when the output path does not exist (a web
    /// server serving it would answer 404). A reader polls it during 100 builds and then 20,000
    /// bare swaps (a build's swap is a few microseconds among milliseconds of work, so the bare
    /// swaps are what make a gap, if there is one, all but certain to be seen).
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    #[test]
    fn the_output_never_disappears_during_a_swap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        build(&out, &[("index.html", b"first")]);
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let (out, stop) = (out.join("index.html"), Arc::clone(&stop));
            std::thread::spawn(move || {
                let (mut looks, mut missing) = (0u64, 0u64);
                while !stop.load(Ordering::Relaxed) {
                    looks += 1;
                    if std::fs::symlink_metadata(&out).is_err() {
                        missing += 1;
                    }
                }
                (looks, missing)
            })
        };
        for i in 0..100 {
            build(&out, &[("index.html", format!("build {i}").as_bytes())]);
        }
        let (staging, old) = (sibling(&out, "building"), sibling(&out, "old"));
        for _ in 0..20_000 {
            std::fs::rename(&old, &staging).expect("recycle");
            swap(&staging, &out, &old).expect("swap");
        }
        stop.store(true, Ordering::Relaxed);
        let (looks, missing) = reader.join().expect("reader");
        assert!(looks > 0);
        assert_eq!(missing, 0, "the output was missing {missing} times of {looks} looks");
        assert_eq!(std::fs::read(out.join("index.html")).ok().as_deref(), Some(&b"build 99"[..]));
    }
}
