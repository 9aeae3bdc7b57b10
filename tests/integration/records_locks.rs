//! Records that cannot be lost (issue 17): the quiz and policy locks are read only when they are what
//! `publish` wrote, are append-only, and a merge conflict in one is repaired by keeping both sides;
//! identifiers an admin writes follow one rule; links out of the site are refused; policy numbers are
//! unique.
use crate::common;
use crate::quiz_support;

use common::TestSite;
use policysite::date::Date;
use policysite::quiz::{self, code};
use quiz_support::*;

/// A code of revision 1 of public-records, from the key the lock kept (the bundled quiz is at 2).
fn revision_1_code(site: &TestSite) -> String {
    let lock = quiz::lock::read(site.path()).expect("lock");
    let key = lock.entries("public-records")[0].key_bytes().expect("revision 1 key");
    code::issue(&key, "public-records", 1, ADMIN, code::day_of(Date::parse("2026-11-27").expect("d")).expect("day"))
}

fn conflicted(ours: &str, theirs: &str) -> String {
    format!("<<<<<<< HEAD\n{ours}=======\n{theirs}>>>>>>> other\n")
}

fn run(site: &TestSite, args: &[&str]) -> (i32, String) {
    crate::request_common::run(site, args)
}

/// The issue's scenario, exactly: a lock wrapped in conflict markers (same content both sides), one
/// `answer:` changed, `build`, `publish`, `verify`. Before: build and publish exited 0 and the code
/// became INVALID. Now every command refuses the lock at its line, nothing is written, and
/// `publish --repair` gives back a lock under which the code verifies again.
#[test]
fn a_conflicted_quiz_lock_is_refused_and_repaired_without_losing_a_code() {
    let site = TestSite::bundled();
    let code2 = code_now(&site, ADMIN, "2026-11-20");
    let code1 = revision_1_code(&site);
    for c in [&code2, &code1] {
        let (status, out) = verify(&site, c, "2026-12-01");
        assert_eq!(status, 0, "{out}");
        assert!(out.contains("VALID"), "{out}");
    }
    let lock = site.read(quiz::LOCK_FILE);
    site.write(quiz::LOCK_FILE, &conflicted(&lock, &lock));
    let quiz_text = site.read(QUIZ);
    site.write(QUIZ, &change_answer(&quiz_text));
    let damaged = site.read(quiz::LOCK_FILE);

    let err = site.build_err();
    assert!(err.contains("error: quizzes/revisions.lock:1:1: the lock file has an unresolved merge conflict"), "{err}");
    assert!(err.contains("policysite publish --repair"), "{err}");
    let (status, out) = run(&site, &["publish", "--today", "2026-12-01"]);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("unresolved merge conflict") && out.contains("nothing was published"), "{out}");
    assert_eq!(site.read(quiz::LOCK_FILE), damaged, "publish wrote over a damaged lock");
    for args in [
        vec!["check"],
        vec!["verify", "--email", ADMIN, "--today", "2026-12-01", code2.as_str()],
        vec!["export", "scorm", "--version", "1.2", "--output", "scorm-out"],
    ] {
        let (status, out) = run(&site, &args);
        assert_ne!(status, 0, "{args:?}: {out}");
        assert!(
            out.contains("quizzes/revisions.lock:1:1: the lock file has an unresolved merge conflict"),
            "{args:?}: {out}"
        );
        assert!(!out.contains("INVALID"), "{args:?}: {out}");
    }

    let (status, out) = run(&site, &["publish", "--repair"]);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("quizzes/revisions.lock: merge conflict repaired"), "{out}");
    assert_eq!(site.read(quiz::LOCK_FILE), lock, "both sides were the same lock");
    // The changed answer is now caught again, and with it put back both codes verify.
    assert!(site.build_err().contains("the answer, type or number of options of question `personal-phone` changed"));
    site.write(QUIZ, &quiz_text);
    for c in [&code2, &code1] {
        let (status, out) = verify(&site, c, "2026-12-01");
        assert_eq!(status, 0, "{out}");
    }
}

/// Every way a lock can differ from what `publish` writes is an error naming file:line, for the
/// quiz lock and the policy lock, and nothing is published over it.
#[test]
fn every_damaged_lock_variant_is_an_error_at_its_line() {
    let site = TestSite::bundled();
    let lock = site.read(quiz::LOCK_FILE);
    let first_format = "# Quiz revision lock, written by `policysite build`. Commit it.\n";
    let variants: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", vec![], ":1:1: the lock file is empty"),
        ("whitespace", b"  \n\n\t\n".to_vec(), ":1:1: the lock file is empty"),
        ("bom", [&b"\xEF\xBB\xBF"[..], lock.as_bytes()].concat(), ":1:1: the lock file starts with a byte-order mark"),
        ("comment", format!("# note\n{lock}").into_bytes(), ":1:1: the lock file (first format) is damaged"),
        ("nul", lock.replacen("\"quizzes\"", "\"quiz\0zes\"", 1).into_bytes(), "it holds a NUL byte"),
        (
            "latin1",
            lock.replacen("Commit", "Comm\u{1}t", 1)
                .replace('\u{1}', "\u{e9}")
                .into_bytes()
                .into_iter()
                .filter(|b| *b != 0xc3)
                .collect(),
            ":4:69: the lock file is damaged: it is not valid UTF-8",
        ),
        ("conflict", conflicted(&lock, &lock).into_bytes(), ":1:1: the lock file has an unresolved merge conflict"),
        (
            "diff3",
            lock.replacen("  \"quizzes\"", "<<<<<<< a\n||||||| b\n=======\n>>>>>>> c\n  \"quizzes\"", 1).into_bytes(),
            "unresolved merge conflict",
        ),
        ("text", b"hello\n".to_vec(), ":1:1: the lock file is not one `policysite publish` wrote"),
        ("truncated", lock.as_bytes()[..lock.len() / 2].to_vec(), "the lock file is damaged: EOF"),
        ("trailing", format!("{lock}x").into_bytes(), "the lock file is damaged: trailing characters"),
        ("format", lock.replacen("policysite/quiz-revisions", "other", 1).into_bytes(), ":2: `format` is \"other\""),
        (
            "duplicate quiz",
            lock.replacen("\"quizzes\": {", "\"quizzes\": {\n    \"public-records\": [],", 1).into_bytes(),
            "`public-records` appears twice",
        ),
        ("bad key", lock.replacen("\"key\": \"", "\"key\": \"zz", 1).into_bytes(), "is not 64 hex digits"),
        (
            "legacy skipped line",
            format!("{first_format}public-records 2\n").into_bytes(),
            ":2:1: the lock file (first format) is damaged",
        ),
        (
            "legacy bad rev",
            format!("{first_format}public-records +2 {}\n", "a".repeat(64)).into_bytes(),
            "is not a number from 1 to 255",
        ),
        ("legacy no newline", format!("{first_format}public-records 2 {}", "a".repeat(64)).into_bytes(), "cut short"),
    ];
    for (name, bytes, expect) in &variants {
        std::fs::write(site.path().join(quiz::LOCK_FILE), bytes).expect("write");
        let err = site.build_err();
        assert!(err.contains("error: quizzes/revisions.lock:"), "{name}: {err}");
        assert!(err.contains(expect), "{name}: expected {expect:?} in\n{err}");
        let (status, out) = run(&site, &["publish", "--today", "2026-12-01"]);
        assert_eq!(status, 1, "{name}: {out}");
        assert_eq!(&std::fs::read(site.path().join(quiz::LOCK_FILE)).expect("read"), bytes, "{name}: publish wrote");
    }
    site.write(quiz::LOCK_FILE, &lock);
    site.build_ok();

    // The policy lock, the same way (the revised example has one).
    let site = TestSite::revised_example();
    let plock = site.read("policy-revisions.lock");
    for (name, text, expect) in [
        ("empty", String::new(), ":1:1: the lock file is empty"),
        ("conflict", conflicted(&plock, &plock), "unresolved merge conflict"),
        (
            "garbled",
            plock.replacen(" 2016-06-07 ", " 2016-6-7 ", 1),
            ":4:1: the lock file is damaged: \"2016-6-7\" is not a date",
        ),
        ("skipped", format!("{plock}regulation/6973-1r.md\n"), ":7:1: the lock file is damaged: expected"),
        ("bom", format!("\u{feff}{plock}"), "byte-order mark"),
    ] {
        site.write("policy-revisions.lock", &text);
        let o = site.run(&["build", "--output", site.out().to_str().expect("utf8"), "--today", "2026-11-28"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{name}");
        assert!(err.contains("error: policy-revisions.lock:") && err.contains(expect), "{name}: {err}");
        let (status, _) = run(&site, &["publish", "--today", "2026-12-01"]);
        assert_eq!((status, site.read("policy-revisions.lock")), (1, text), "{name}");
    }
}
