use super::*;

fn memo_of(dir: &Path, key: Key) {
    let next = Next::default();
    next.rendered("page a.md".into(), key, vec!["a.html".into()]);
    next.write(dir, &Previous::default()).expect("memo");
}

/// A file is kept only when its unit's key is the same, it is exactly as stamped, and it was
/// stamped long enough after its last change that an edit since could not hide in one tick.
#[test]
fn a_file_is_kept_only_as_stamped_and_not_racy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("a.html"), "<p>one</p>").expect("write");
    memo_of(d, 7);
    assert!(!Previous::read(d).unchanged(d, "page a.md", 7), "stamped as it was written: racy");
    std::thread::sleep(std::time::Duration::from_millis(150));
    memo_of(d, 7);
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

/// A memo that is not ours (another version, damaged) is an empty one: everything is rendered.
#[test]
fn a_damaged_memo_keeps_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("a.html"), "x").expect("write");
    std::thread::sleep(std::time::Duration::from_millis(150));
    memo_of(d, 7);
    let text = std::fs::read_to_string(d.join(MEMO)).expect("memo");
    for bad in [text.replace("\"version\":1", "\"version\":2"), text[..text.len() / 2].to_string()] {
        std::fs::write(d.join(MEMO), bad).expect("write");
        assert!(!Previous::read(d).unchanged(d, "page a.md", 7));
    }
}
