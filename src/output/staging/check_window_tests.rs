//! The staging folder against folders put beside the output while a build runs: between the check
//! under the lock (made beside the loading, seconds before) and the moves that follow it, nothing
//! of someone else's is deleted.

use super::tests::{build, built_twice};
use super::*;

/// A build checks `.NAME.old` while it loads, seconds before it recycles it: a folder put there in
/// between (where there was none, or in place of the one checked) is checked again before it is
/// recycled, and refused when it is not all ours. Nothing of theirs is deleted.
#[test]
fn a_folder_put_in_place_of_the_one_checked_is_checked_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    build(&out, &[("index.html", b"one")]);
    let old = sibling(&out, "old");
    // None when checked; one of someone else's since.
    let checked = guard::CheckedOld::check(&out).expect("nothing to check");
    std::fs::create_dir(&old).expect("mkdir");
    std::fs::write(old.join("mine.txt"), "mine").expect("write");
    let refused = Staging::begin_recycling(&out, memo::Previous::default(), checked, false).err().expect("refused");
    assert!(matches!(&refused, BeginError::Refused(p) if p.iter().any(|p| p.contains("policysite did not make it"))));
    assert_eq!(std::fs::read_to_string(old.join("mine.txt")).ok().as_deref(), Some("mine"));
    std::fs::remove_dir_all(&old).expect("rm");

    // One of ours when checked, another folder of someone else's since.
    build(&out, &[("index.html", b"two")]);
    let checked = guard::CheckedOld::check(&out).expect("all ours");
    std::fs::rename(&old, dir.path().join("moved")).expect("move away");
    std::fs::create_dir(&old).expect("mkdir");
    std::fs::write(old.join("index.html"), "theirs, at a path the build writes").expect("write");
    assert!(Staging::begin_recycling(&out, memo::Previous::default(), checked, false).is_err(), "refused");
    assert_eq!(
        std::fs::read_to_string(old.join("index.html")).ok().as_deref(),
        Some("theirs, at a path the build writes")
    );
}

/// A folder put at `.NAME.old` while the build renders (the recycled one became the staging folder
/// when it began) is not removed by the commit unless it is ours: the commit fails, and the output
/// and that folder stay as they were.
#[test]
fn a_folder_put_at_old_during_the_build_is_not_deleted_by_the_commit() {
    let (_dir, out) = built_twice(&[("index.html", b"one")]);
    let s = Staging::begin(&out).expect("begin");
    s.put("index.html", b"two").expect("put");
    let old = sibling(&out, "old");
    std::fs::create_dir(&old).expect("mkdir");
    std::fs::write(old.join("theirs.txt"), "theirs").expect("write");
    let err = s.commit().expect_err("refused");
    assert!(err.to_string().contains("policysite did not make it"), "{err}");
    assert_eq!(std::fs::read_to_string(old.join("theirs.txt")).ok().as_deref(), Some("theirs"));
    assert_eq!(std::fs::read_to_string(out.join("index.html")).ok().as_deref(), Some("one"), "the output as it was");
}

/// A leftover staging folder is removed only once checked again right before: someone else's,
/// made after the check under the lock, is refused and kept.
#[test]
fn a_leftover_staging_folder_made_after_the_check_is_checked_again() {
    let (_dir, out) = built_twice(&[("index.html", b"one")]);
    let checked = guard::CheckedOld::check(&out).expect("all ours");
    let building = sibling(&out, "building");
    std::fs::create_dir(&building).expect("mkdir");
    std::fs::write(building.join("theirs.txt"), "theirs").expect("write");
    let refused = Staging::begin_recycling(&out, memo::Previous::default(), checked, false).err().expect("refused");
    assert!(matches!(&refused, BeginError::Refused(p) if p.iter().any(|p| p.contains("policysite did not make it"))));
    assert_eq!(std::fs::read_to_string(building.join("theirs.txt")).ok().as_deref(), Some("theirs"));
}

/// A folder that was missing or empty when it was checked (no listing) is never listed after it is
/// moved into place: files it holds by then are someone else's, and are not deleted.
#[test]
fn a_folder_checked_as_missing_or_empty_is_not_listed_after_the_move() {
    let (_dir, out) = built_twice(&[("index.html", b"one")]);
    let old = sibling(&out, "old");
    std::fs::remove_dir_all(&old).expect("rm");
    std::fs::create_dir(&old).expect("mkdir");
    std::fs::write(old.join("theirs.txt"), "theirs").expect("write");
    let s = Staging::begin_listed(&out, memo::Previous::default(), Vec::new(), None).expect("begin");
    s.put("index.html", b"two").expect("put");
    s.commit().expect("commit");
    assert_eq!(std::fs::read_to_string(out.join("theirs.txt")).ok().as_deref(), Some("theirs"), "not deleted");
    let refused = guard::check_replaceable(&out, true).expect_err("the next build refuses");
    assert!(refused.iter().any(|p| p.contains("theirs.txt")), "{refused:?}");
}
