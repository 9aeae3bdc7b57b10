//! The staging folder: recycling, failed builds, the swap, and what others plant in it.

use super::super::no_follow::both_ways;
use super::*;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub(super) fn build(output: &Path, files: &[(&str, &[u8])]) {
    let s = Staging::begin(output).expect("begin");
    for (rel, bytes) in files {
        s.put(rel, bytes).expect("put");
    }
    s.commit().expect("commit");
}

/// An output `public` in a new temporary folder, built twice from `files`: the next build recycles
/// the first one's folder (`.public.old`), which holds them.
pub(super) fn built_twice(files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    build(&out, files);
    build(&out, files);
    (dir, out)
}

/// A rebuild recycles the output before last: a file whose bytes changed is written even when its
/// length did not (the comparison reads the contents), one that grew or shrank too (written over,
/// then cut to its new length: nothing of the longer old text is left at its end), and an
/// unchanged file is left as it was (same inode: not rewritten).
#[cfg(unix)]
#[test]
fn a_rebuild_rewrites_changed_files_and_leaves_the_others() {
    both_ways(|| {
        use std::os::unix::fs::MetadataExt as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("site");
        let first: &[(&str, &[u8])] =
            &[("a.html", b"hello"), ("b.html", b"same"), ("c.html", b"short"), ("d.html", b"a longer first text")];
        build(&out, first);
        let inode = |rel: &str| std::fs::metadata(out.join(rel)).expect("file").ino();
        let b_first = inode("b.html");
        build(&out, first);
        // The third build recycles the first one's folder.
        build(&out, &[("a.html", b"jello"), ("b.html", b"same"), ("c.html", b"much longer"), ("d.html", b"tiny")]);
        let read = |rel: &str| std::fs::read(out.join(rel)).expect("file");
        assert_eq!(read("a.html"), b"jello", "same length, other bytes: written");
        assert_eq!(read("c.html"), b"much longer");
        assert_eq!(read("d.html"), b"tiny", "shorter: nothing of the old text after it");
        assert_eq!(read("b.html"), b"same");
        assert_eq!(inode("b.html"), b_first, "an unchanged file is not rewritten");
    });
}

/// The build starts from the listing of `.NAME.old` that its check made (every file ours), not a
/// second walk; a file that appears in that folder after the check is not in the listing, so
/// the build neither deletes it nor lists it in its manifest: the next build refuses the folder
/// and names the file, instead of deleting what it did not make.
#[test]
fn a_file_that_appears_after_the_check_is_not_deleted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    build(&out, &[("index.html", b"one"), ("gone.html", b"g"), ("docs/a.html", b"a")]);
    build(&out, &[("index.html", b"two"), ("other.html", b"o")]);
    let old = sibling(&out, "old");
    let checked = guard::CheckedOld::check(&out).expect("all ours");
    // Below the top of the folder checked (which stays the same folder): left out of the listing.
    std::fs::write(old.join("docs/theirs.txt"), "a file of someone else").expect("write");
    let s = Staging::begin_recycling(&out, memo::Previous::default(), checked, false).expect("begin");
    s.put("index.html", b"three").expect("put");
    s.commit().expect("commit");
    assert!(!out.join("gone.html").exists(), "a file the build made and no longer writes is removed");
    assert_eq!(std::fs::read_to_string(out.join("docs/theirs.txt")).ok().as_deref(), Some("a file of someone else"));
    let refused = guard::check_replaceable(&out, true).expect_err("the next build refuses");
    assert!(refused.iter().any(|p| p.contains("theirs.txt")), "{refused:?}");
}

/// A symbolic link planted in the staging folder while the build runs (after
/// [`Staging::begin`] removed those it found), in place of a file the build recycles or at a
/// path it writes anew, is not read or written through: the link is replaced by the file.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
#[test]
fn a_link_planted_during_the_build_is_not_written_through() {
    both_ways(|| {
        let (dir, out) = built_twice(&[("a.html", b"one")]);
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
    });
}

/// A folder of the staging folder swapped for a link to a folder outside while the build runs
/// (after [`Staging::begin`] looked) is not written or deleted through: the link is removed and a
/// real folder made for the file written there, and a stale file "below" a link is not looked for
/// beyond it. `openat2` beneath the staging folder does this (Linux); elsewhere only a link at a
/// path's last part is refused.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn a_folder_swapped_for_a_link_during_the_build_is_not_written_or_deleted_through() {
    let (dir, out) =
        built_twice(&[("a/x.html", b"one"), ("a/y.html", b"y"), ("a/stale.html", b"s"), ("b/old.html", b"o")]);
    if !Beneath::new(dir.path()).expect("open").resolves_beneath() {
        eprintln!("skipped: this system refuses openat2 (a sandbox); only a link at a path's last part is caught");
        return;
    }
    let (victim, victim2) = (dir.path().join("victim"), dir.path().join("victim2"));
    let outside = [(&victim, "x.html"), (&victim, "y.html"), (&victim, "stale.html"), (&victim2, "old.html")];
    for (folder, name) in outside {
        std::fs::create_dir_all(folder).expect("mkdir");
        std::fs::write(folder.join(name), "keep me").expect("write");
    }
    let s = Staging::begin(&out).expect("begin");
    let building = sibling(&out, "building");
    for (name, target) in [("a", &victim), ("b", &victim2)] {
        std::fs::remove_dir_all(building.join(name)).expect("rm");
        std::os::unix::fs::symlink(target, building.join(name)).expect("link");
    }
    assert_eq!(s.previous("a/x.html"), None, "a file beyond a link is not read");
    // The same bytes as the file beyond the link: compared there, it would not be written.
    s.put("a/x.html", b"keep me").expect("put");
    s.put("a/y.html", b"two").expect("put");
    s.commit().expect("commit");
    for (folder, name) in outside {
        assert_eq!(std::fs::read_to_string(folder.join(name)).expect(name), "keep me", "{name} outside");
    }
    assert!(!out.join("a").is_symlink() && out.join("a").is_dir(), "a real folder");
    assert_eq!(std::fs::read_to_string(out.join("a/x.html")).expect("x"), "keep me");
    assert_eq!(std::fs::read_to_string(out.join("a/y.html")).expect("y"), "two");
    assert!(!out.join("a/stale.html").exists(), "the stale file is gone with the link");
    assert!(std::fs::symlink_metadata(out.join("b")).is_err(), "the link is removed, not followed");
}

/// A link planted in the output under the staging marker's name neither passes for the marker (which
/// would skip the check that every file is ours) nor is written through when the folder is recycled
/// and marked as staging again.
#[cfg(unix)]
#[test]
fn a_link_planted_as_the_staging_marker_is_not_written_through() {
    both_ways(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        build(&out, &[("index.html", b"one")]);
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").expect("write");
        std::os::unix::fs::symlink(&victim, out.join(STAGING_MARK)).expect("link");
        // Not taken for a staging folder of ours, whose files go unchecked: a file of someone else is seen.
        std::fs::write(out.join("theirs.txt"), "x").expect("write");
        let refused = guard::check_replaceable(&out, true).expect_err("a foreign file");
        assert!(refused.iter().any(|r| r.contains("theirs.txt")), "{refused:?}");
        std::fs::remove_file(out.join("theirs.txt")).expect("rm");
        guard::check_replaceable(&out, true).expect("every file but the marker's link is ours");
        // Nor does a plain file under the marker's name pass the output for a staging folder.
        let marker = std::fs::read_link(out.join(STAGING_MARK)).expect("the link");
        std::fs::remove_file(out.join(STAGING_MARK)).expect("rm");
        std::fs::write(out.join(STAGING_MARK), "").expect("a plain marker");
        std::fs::write(out.join("theirs.txt"), "x").expect("write");
        let refused = guard::check_replaceable(&out, true).expect_err("a foreign file beside a marker");
        assert!(refused.iter().any(|r| r.contains("theirs.txt")), "{refused:?}");
        std::fs::remove_file(out.join("theirs.txt")).expect("rm");
        std::fs::remove_file(out.join(STAGING_MARK)).expect("rm");
        std::os::unix::fs::symlink(&marker, out.join(STAGING_MARK)).expect("link again");
        build(&out, &[("index.html", b"two")]); // the output with the link becomes `.public.old`
        build(&out, &[("index.html", b"three")]); // which is recycled and marked
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "precious");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).expect("page"), "three");
    });
}

/// A file of the recycled output where a build now needs a folder (a static `docs` that became
/// `docs/a.html`), or a folder where it now needs a file, is no error: what is in the way is the
/// build's own stale output, deleted at once.
#[test]
fn a_file_that_became_a_folder_and_back_is_written() {
    both_ways(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let as_file: &[(&str, &[u8])] = &[("index.html", b"1"), ("docs", b"a file")];
        let as_folder: &[(&str, &[u8])] = &[("index.html", b"1"), ("docs/a.html", b"a"), ("docs/b/c.html", b"c")];
        build(&out, as_file);
        build(&out, as_file);
        build(&out, as_folder); // recycles a folder where `docs` is a file
        build(&out, as_folder);
        assert_eq!(std::fs::read_to_string(out.join("docs/b/c.html")).expect("c"), "c");
        build(&out, as_file); // recycles a folder where `docs` is a folder
        assert_eq!(std::fs::read_to_string(out.join("docs")).expect("docs"), "a file");
        build(&out, as_folder);
        assert_eq!(std::fs::read_to_string(out.join("docs/a.html")).expect("a"), "a");
    });
}

/// Folders whose files all went with a page are removed, deepest first.
#[test]
fn folders_left_empty_are_removed() {
    both_ways(|| {
        let (_dir, out) = built_twice(&[("index.html", b"1"), ("a/b/c.html", b"c"), ("a/keep/d.html", b"d")]);
        // Recycles the first build's folder, where `a/b/c.html` is now stale.
        build(&out, &[("index.html", b"2"), ("a/keep/d.html", b"d")]);
        assert!(!out.join("a/b").exists(), "an emptied folder is removed");
        assert!(out.join("a/keep/d.html").is_file());
    });
}

/// A FIFO planted in the staging folder while the build runs, at a file it recycles, neither hangs
/// the build (reading or comparing it would wait for a writer forever) nor is written into: it is
/// replaced by the file.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn a_fifo_planted_during_the_build_does_not_hang_it() {
    both_ways(|| {
        let (_dir, out) = built_twice(&[("a.html", b"one"), ("b.html", b"b")]);
        let s = Staging::begin(&out).expect("begin");
        let building = sibling(&out, "building");
        for name in ["a.html", "b.html"] {
            std::fs::remove_file(building.join(name)).expect("rm");
            let fifo = rustix::fs::FileType::Fifo;
            rustix::fs::mknodat(rustix::fs::CWD, building.join(name), fifo, rustix::fs::Mode::from_raw_mode(0o644), 0)
                .expect("mkfifo");
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let worker = std::thread::spawn(move || {
            let read = s.previous("a.html");
            s.put("a.html", b"one").expect("put the same bytes");
            s.put("b.html", b"new").expect("put");
            s.commit().expect("commit");
            let _ = tx.send(read);
        });
        let read = match rx.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(read) => read,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("the build hung on a FIFO"),
            // The worker failed: its own message.
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
                Err(panic) => std::panic::resume_unwind(panic),
                Ok(()) => unreachable!("the worker sends before it ends"),
            },
        };
        worker.join().expect("worker");
        assert_eq!(read, None, "a FIFO is not read");
        for (name, text) in [("a.html", "one"), ("b.html", "new")] {
            assert!(std::fs::symlink_metadata(out.join(name)).expect(name).is_file(), "{name} is a file");
            assert_eq!(std::fs::read_to_string(out.join(name)).expect(name), text);
        }
    });
}

/// A hard link planted in the staging folder while the build runs, in place of a file it recycles,
/// to a file elsewhere on the same disk, is neither read nor written: writing into it would change
/// that file. It is replaced by a file of the folder's own.
#[cfg(unix)]
#[test]
fn a_hard_link_planted_during_the_build_is_not_written_through() {
    both_ways(|| {
        let (dir, out) = built_twice(&[("a.html", b"one"), ("b.html", b"keep me")]);
        let (victim, same) = (dir.path().join("victim.txt"), dir.path().join("same.txt"));
        std::fs::write(&victim, "keep me").expect("write");
        std::fs::write(&same, "keep me").expect("write");
        let s = Staging::begin(&out).expect("begin");
        let building = sibling(&out, "building");
        for (name, target) in [("a.html", &victim), ("b.html", &same)] {
            std::fs::remove_file(building.join(name)).expect("rm");
            std::fs::hard_link(target, building.join(name)).expect("hard link");
        }
        assert_eq!(s.previous("a.html"), None, "a hard link is not read");
        s.put("a.html", b"two").expect("put");
        // The same bytes as the file linked to: compared there, it would be kept, link and all.
        s.put("b.html", b"keep me").expect("put");
        s.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
        use std::os::unix::fs::MetadataExt as _;
        for (name, text, target) in [("a.html", "two", &victim), ("b.html", "keep me", &same)] {
            assert_eq!(std::fs::read_to_string(out.join(name)).expect(name), text);
            assert_eq!(std::fs::metadata(target).expect("target").nlink(), 1, "{name}: the link was replaced");
        }
    });
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
