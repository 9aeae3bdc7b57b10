//! Copying what a build keeps from the output as it is now ([`super::Current`]): each file as the
//! output's memo has it (stamp and bytes), or not at all.

use super::super::no_follow::both_ways;
use super::tests::built_twice;
use super::*;

/// What a build copies from the output as it is now is read only as the output's memo stamped it:
/// not once it changed (to the same size), was replaced by another file of the same bytes, or by a
/// link to a file elsewhere.
#[cfg(unix)]
#[test]
fn a_file_copied_from_the_output_is_read_as_stamped_or_not_at_all() {
    both_ways(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let (path, secret) = (dir.path().join("a.html"), dir.path().join("secret.txt"));
        std::fs::write(&path, "one").expect("write");
        std::fs::write(&secret, "one").expect("write");
        let stamp = memo::Stamp::of(&path).expect("stamp");
        let b = Beneath::new(dir.path()).expect("open");
        assert_eq!(b.read_as("a.html", &stamp).expect("as stamped"), b"one");
        // The clock that stamps files ticks coarsely: a change right after could keep the stamp.
        std::thread::sleep(std::time::Duration::from_millis(30));
        std::fs::write(&path, "two").expect("write");
        assert!(b.read_as("a.html", &stamp).is_err(), "changed to the same size");
        std::fs::remove_file(&path).expect("rm");
        std::fs::write(&path, "one").expect("write");
        assert!(b.read_as("a.html", &stamp).is_err(), "another file of the same bytes");
        std::fs::remove_file(&path).expect("rm");
        std::os::unix::fs::symlink(&secret, &path).expect("link");
        let linked = memo::Stamp::of_target(&path).expect("stamp");
        assert!(b.read_as("a.html", &linked).is_err(), "a link is not followed");
    });
}

/// A file copied from the output that is no longer as the output's memo has it is the output
/// changing while the site is built (`CopyError::Changed`: build again), not a write error, and
/// nothing is written for it: changed since its stamp, or with its stamp but other bytes than its
/// build wrote (a change within one tick of the clock that stamps files). Once as the memo has it,
/// it is copied.
#[cfg(unix)]
#[test]
fn a_file_changed_in_the_output_since_its_stamp_is_reported_as_a_change() {
    let (_dir, out) = built_twice(&[("a.html", b"one")]);
    let written =
        |bytes: &[u8]| memo::Written::new(memo::Stamp::of(&out.join("a.html")).expect("stamp"), memo::hash(bytes));
    let stamped = written(b"one");
    // The clock that stamps files ticks coarsely: a change right after could keep the stamp.
    std::thread::sleep(std::time::Duration::from_millis(30));
    std::fs::write(out.join("a.html"), "two").expect("edit, same size");
    let s = Staging::begin(&out).expect("begin");
    let current = Current::open(&out).expect("open the output");
    let copied = s.copy_in(&current, &[("a.html".to_string(), stamped)]);
    assert!(matches!(copied, Err(CopyError::Changed(_))), "{copied:?}");
    let hidden = s.copy_in(&current, &[("a.html".to_string(), written(b"one"))]);
    assert!(matches!(hidden, Err(CopyError::Changed(_))), "as stamped, other bytes: {hidden:?}");
    assert!(matches!(s.copy_in(&current, &[("a.html".to_string(), written(b"two"))]), Ok(true)), "not written before");
    s.commit().expect("commit");
    assert_eq!(std::fs::read_to_string(out.join("a.html")).expect("copied"), "two");
}
