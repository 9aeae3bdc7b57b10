use super::*;

/// A memo of `dir` whose unit `page a.md`, made from `key`, wrote `a.html` as it is now.
fn memo_of(dir: &Path, key: Key) {
    let bytes = std::fs::read(dir.join("a.html")).expect("a.html");
    memo_written(dir, key, &bytes);
}

/// A memo of `dir` whose unit `page a.md`, made from `key`, wrote `bytes` into `a.html` (stamped
/// as it is now).
fn memo_written(dir: &Path, key: Key, bytes: &[u8]) {
    let next = Next::default();
    next.rendered("page a.md".into(), key, vec!["a.html".into()]);
    next.write(dir, &Previous::default(), &|_| Some(hash(bytes))).expect("memo");
}

/// A folder holding `a.html` with the bytes `on_disk`, changed long before its memo (so its stamp
/// alone vouches for it), and that memo: its unit `page a.md`, made from key 7, wrote `written`.
fn settled(on_disk: &[u8], written: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.html"), on_disk).expect("write");
    std::thread::sleep(std::time::Duration::from_millis(150));
    memo_written(dir.path(), 7, written);
    dir
}

/// A file is kept only when its unit's key is the same, it is exactly as stamped, and it was
/// stamped long enough after its last change that an edit since could not hide in one tick (or, by
/// its bytes, once that long ago: `a_racy_file_is_kept_by_its_bytes`).
#[test]
fn a_file_is_kept_only_as_stamped_and_not_racy() {
    let dir = settled(b"<p>one</p>", b"<p>one</p>");
    let d = dir.path();
    let previous = Previous::read(d);
    assert!(previous.unchanged(d, "page a.md", 7), "unchanged since long before the memo");
    assert!(!previous.unchanged(d, "page a.md", 8), "another key");
    assert!(!previous.unchanged(d, "page b.md", 7), "another unit");
    assert!(previous.take(d, "page a.md", 8).is_none(), "another key");
    assert!(previous.take(d, "page a.md", 7).is_none(), "a unit is taken once, whatever its key");
    assert_eq!(Previous::read(d).take(d, "page a.md", 7).map(|(f, _)| f.len()), Some(1));
    let previous = Previous::read(d);
    std::fs::write(d.join("a.html"), "<p>two</p>").expect("edit, same length");
    assert!(!previous.unchanged(d, "page a.md", 7), "edited after the memo");
    std::fs::remove_file(d.join("a.html")).expect("rm");
    assert!(!previous.unchanged(d, "page a.md", 7), "gone");
}

/// The memo `dir` holds, read as if it had been written less than 100 ms after `a.html` last
/// changed (racy: its stamp alone cannot vouch for it), and `after_ns` after that change.
fn read_racy(dir: &Path, after_ns: i128) -> Previous {
    let changed = Stamp::of(&dir.join("a.html")).expect("stamp").ctime_ns();
    let mut previous = Previous::read(dir);
    previous.trusted_before_ns = changed;
    previous.bytes_before_ns = changed + after_ns - tick(changed + after_ns);
    previous
}

/// A file changed so shortly before its memo was written that its stamp alone cannot vouch for it
/// (racy) is kept when its bytes are still the ones its build wrote, if it changed a tick of the
/// clock before the memo (so a change after this look gets another change time); not when they
/// differ (a change within one tick of the clock that stamps files, which leaves the stamp as it
/// was), nor when the memo was written within the same tick.
#[test]
fn a_racy_file_is_kept_by_its_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("a.html"), "<p>one</p>").expect("write");
    memo_of(d, 7);
    assert!(read_racy(d, 50_000_000).unchanged(d, "page a.md", 7), "50 ms before the memo, its bytes as written");
    assert!(!read_racy(d, 5_000_000).unchanged(d, "page a.md", 7), "5 ms before the memo: within a tick");
    std::fs::write(d.join("a.html"), "<p>two</p>").expect("edit, same length");
    // As if the build had written "one" and the edit had kept its stamp: the stamp matches now.
    memo_written(d, 7, b"<p>one</p>");
    assert!(!read_racy(d, 50_000_000).unchanged(d, "page a.md", 7), "as stamped, but other bytes than written");
    let files = read_racy(d, 50_000_000).files_trusted(d, "page a.md", 7).expect("the unit");
    assert_eq!(files, vec![("a.html".to_string(), None)], "not trusted for an update in place either");
}

/// A memo written in another boot or mount (the folder's disk pulled out and mounted again)
/// vouches for no file by its stamp alone: an overwrite in place may not have reached the disk
/// before its new stamp did, so each file is checked by its bytes. (Where the system cannot name
/// both, files are emptied before they are written, and stamps are trusted as before.)
#[test]
fn a_memo_of_another_boot_or_mount_vouches_by_bytes_only() {
    // As if the build had written "one" over the file and a crash had kept the old bytes.
    let dir = settled(b"<p>two</p>", b"<p>one</p>");
    let d = dir.path();
    let Some(here) = written_in(d) else { return };
    let elsewhere = |text: &str, other: &str| {
        let changed = text.replace(&here, other);
        assert_ne!(text, changed, "the memo names where it was written");
        std::fs::write(d.join(MEMO), changed).expect("write");
    };
    let (boot, mount) = here.split_once('/').expect("boot/mount");
    let other_boot = format!("00000000-0000-0000-0000-000000000000/{mount}");
    let other_mount = format!("{boot}/{}", mount.parse::<u64>().expect("a number") + 1);
    assert!(Previous::read(d).unchanged(d, "page a.md", 7), "here: its stamp vouches for it, unread");
    let text = std::fs::read_to_string(d.join(MEMO)).expect("memo");
    for other in [&other_boot, &other_mount] {
        elsewhere(&text, other);
        assert!(!Previous::read(d).unchanged(d, "page a.md", 7), "{other}: its bytes are not the ones written");
    }
    memo_written(d, 7, b"<p>two</p>");
    let text = std::fs::read_to_string(d.join(MEMO)).expect("memo");
    for other in [&other_boot, &other_mount] {
        elsewhere(&text, other);
        assert!(Previous::read(d).unchanged(d, "page a.md", 7), "{other}: its bytes are the ones written");
    }
}

/// A memo that is not ours (another version, damaged) is an empty one: everything is rendered.
#[test]
fn a_damaged_memo_keeps_nothing() {
    let dir = settled(b"x", b"x");
    let d = dir.path();
    assert!(Previous::read(d).unchanged(d, "page a.md", 7), "the memo as written keeps the file");
    let text = std::fs::read_to_string(d.join(MEMO)).expect("memo");
    for bad in [text.replace("\"version\":2", "\"version\":3"), text[..text.len() / 2].to_string()] {
        assert_ne!(bad, text, "damaged");
        std::fs::write(d.join(MEMO), bad).expect("write");
        assert!(!Previous::read(d).unchanged(d, "page a.md", 7));
    }
}
