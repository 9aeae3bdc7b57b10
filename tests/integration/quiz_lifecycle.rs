//! A published quiz revision never changes silently: `policysite publish` records it; after that, a
//! change to what decides right or wrong needs a new revision, and a wording change needs an
//! editorial declaration. Revisions are bounded; older locks are read and upgraded.
use crate::common;
use crate::quiz_support;

use common::TestSite;
use policysite::quiz;
use quiz_support::*;

#[test]
fn publish_records_every_quiz_and_is_idempotent() {
    let site = TestSite::bundled();
    let lock = site.read(quiz::LOCK_FILE);
    let out = publish(&site);
    assert!(out.contains(&format!("quiz public-records revision {}: already published", rev())), "{out}");
    assert_eq!(lock, site.read(quiz::LOCK_FILE), "the bundled lock is not up to date: run `policysite publish`");
    assert!(!site.build_ok().contains("warning:"), "the bundled quizzes are all published");
    site.write(QUIZ, &set_revision(&site.read(QUIZ), &next()));
    let out = publish(&site);
    assert!(out.contains(&format!("quiz public-records revision {}: recorded as published", next())), "{out}");
    // The other quizzes are already recorded as they are.
    let others: Vec<&str> =
        out.lines().filter(|l| l.starts_with("quiz ") && !l.starts_with("quiz public-records ")).collect();
    assert!(!others.is_empty() && others.iter().all(|l| l.ends_with(": already published")), "{out}");
    let lock: serde_json::Value = serde_json::from_str(&site.read(quiz::LOCK_FILE)).expect("json lock");
    let revs: Vec<u64> = lock["quizzes"]["public-records"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["revision"].as_u64().expect("revision"))
        .collect();
    assert_eq!(revs, (1..=u64::from(rev()) + 1).collect::<Vec<_>>());
    assert_eq!(lock["quizzes"]["public-records"][rev() as usize]["published"], "2026-12-01");
    // The verification material stays in the sources: nothing of the lock is published.
    site.build_ok();
    let key = lock["quizzes"]["public-records"][1]["key"].as_str().expect("key").to_string();
    for (name, bytes) in common::snapshot(&site.out()) {
        assert!(!String::from_utf8_lossy(&bytes).contains(&key), "{name} holds a quiz key");
        assert!(!name.contains("revisions.lock"), "{name}");
    }
}

#[test]
fn publish_refuses_a_site_with_errors_and_a_damaged_lock_is_reported() {
    let site = TestSite::bundled();
    let lock = site.read(quiz::LOCK_FILE);
    site.write(QUIZ, &change_answer(&site.read(QUIZ)));
    let o = site.run(&["publish"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("already published") && err.contains("nothing was published"), "{err}");
    assert_eq!(lock, site.read(quiz::LOCK_FILE));
    site.write(quiz::LOCK_FILE, &lock.replacen("\"quizzes\"", "\"quizzes\" oops", 1));
    let err = site.build_err();
    assert!(err.contains("error: quizzes/revisions.lock:") && err.contains("the lock file is damaged"), "{err}");
    assert!(err.contains("restore it from version control"), "{err}");
}

#[test]
fn publish_without_quizzes_records_nothing() {
    let site = TestSite::minimal();
    let o = site.run(&["publish"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("no quizzes to publish"));
    assert!(!site.path().join(quiz::LOCK_FILE).exists());
}

#[test]
fn a_changed_answer_in_a_published_revision_points_at_the_question() {
    let site = TestSite::bundled();
    let text = change_answer(&site.read(QUIZ));
    site.write(QUIZ, &text);
    let err = site.build_err();
    let line = line_of(&text, "  - id: personal-phone");
    assert!(
        err.contains(&format!(
            "quizzes/public-records.yaml:{line}: the answer, type or number of options of question `personal-phone` changed, but revision {} of quiz `public-records` is already published",
            rev()
        )),
        "{err}"
    );
    assert!(err.contains(&format!("set `revision: {}`", next())), "{err}");
    // Reordering questions changes the key codes are signed with: also refused.
    let site = TestSite::bundled();
    let text = site.read(QUIZ);
    let start = text.find("  - id: dm-is-record").expect("first");
    let second = text.find("  - id: personal-phone").expect("second");
    let third = text.find("  - id: five-days").expect("third");
    let swapped = format!("{}{}{}{}", &text[..start], &text[second..third], &text[start..second], &text[third..]);
    site.write(QUIZ, &swapped);
    let err = site.build_err();
    assert!(err.contains("question `personal-phone` moved"), "{err}");
}

#[test]
fn wording_changes_need_an_editorial_declaration() {
    let site = TestSite::bundled();
    let earlier = code_now(&site, ADMIN, "2026-11-20");
    let text = reword(&site.read(QUIZ));
    site.write(QUIZ, &text);
    let err = site.build_err();
    let line = line_of(&text, "  - id: personal-phone");
    assert!(
        err.contains(&format!("quizzes/public-records.yaml:{line}: the wording of question `personal-phone` changed, but revision {} of quiz `public-records` is already published and no new editorial change is declared", rev())),
        "{err}"
    );
    assert!(err.contains("editorial:"), "{err}");
    // Declared: builds, with a warning until published; codes issued before stay valid.
    let declared = text.replace(
        "questions:\n",
        "editorial:\n  - date: 2026-12-01\n    note: Reworded the personal-phone prompt.\nquestions:\n",
    );
    site.write(QUIZ, &declared);
    let err = site.build_ok();
    assert!(err.contains(&format!("editorial change to revision {} of quiz `public-records` (2026-12-01: Reworded the personal-phone prompt.) is not published yet; reworded: personal-phone", rev())), "{err}");
    assert!(publish(&site).contains(&format!("quiz public-records revision {}: editorial change recorded", rev())));
    assert!(!site.build_ok().contains("warning:"));
    let (status, out) = verify(&site, &earlier, "2026-12-02");
    assert_eq!(status, 0, "{out}");
    assert!(out.contains(&format!("revision {}, completed 2026-11-20: VALID", rev())), "{out}");
    // An explanation decides no answer: it may change without a declaration.
    let explained = edit_question(&declared, "personal-phone", |l| {
        if l.starts_with("    explanation: ") { format!("{l} See the module.") } else { l.to_string() }
    });
    site.write(QUIZ, &explained);
    assert!(!site.build_ok().contains("warning:"));
    // The declaration is used up: the next rewording needs another one.
    site.write(QUIZ, &reword(&declared));
    assert!(site.build_err().contains("no new editorial change is declared"));
    // A declaration does not cover a changed answer.
    site.write(
        QUIZ,
        &change_answer(&declared).replace("questions:\n", "  - date: 2026-12-02\n    note: More.\nquestions:\n"),
    );
    assert!(site.build_err().contains("the answer, type or number of options of question `personal-phone` changed"));
}

#[test]
fn revisions_are_bounded_and_the_help_never_suggests_zero() {
    // Issue 9: `revision: 4294967295` wrapped and the help said "set revision: 0".
    let site = TestSite::bundled();
    site.write(QUIZ, &set_revision(&site.read(QUIZ), "4294967295"));
    let err = site.build_err();
    let line = line_of(&site.read(QUIZ), "revision: 4294967295");
    assert!(
        err.contains(&format!(
            "quizzes/public-records.yaml:{line}: revision 4294967295 is out of range: revisions go from 1 to 255"
        )),
        "{err}"
    );
    assert!(!err.contains("revision: 0"), "{err}");
    site.write(QUIZ, &set_revision(&site.read(QUIZ), "0"));
    assert!(site.build_err().contains("revision 0 is out of range"));
    // At the last revision a code can carry, a substantive change cannot be bumped past it.
    let site = TestSite::bundled();
    site.write(QUIZ, &set_revision(&site.read(QUIZ), "255"));
    publish(&site);
    site.write(QUIZ, &change_answer(&site.read(QUIZ)));
    let err = site.build_err();
    assert!(
        err.contains("revision 255 is the last one a completion code can carry: give the quiz a new `id`"),
        "{err}"
    );
    assert!(!err.contains("revision: 256") && !err.contains("revision: 0"), "{err}");
}

#[test]
fn an_older_lock_is_read_and_upgraded_by_publish() {
    let site = TestSite::bundled();
    // A lock of the old format predates retraining windows (it has no key for revision 1 to verify).
    for q in ["public-records", "ferpa-student-records", "professional-boundaries"] {
        let file = format!("quizzes/{q}.yaml");
        site.write(&file, &without_retrain_by(&site.read(&file)));
    }
    let quizzes = quiz::load_all(site.path()).expect("load");
    let mut legacy = String::from("# Quiz revision lock, written by `policysite build`. Commit it.\n");
    for q in quizzes.by_id.values() {
        legacy.push_str(&format!("{} {} {}\n", q.id, q.revision, quiz::fingerprint::legacy(&q.id, &q.questions)));
    }
    site.write(quiz::LOCK_FILE, &legacy);
    assert!(site.build_ok().contains("is recorded in the old lock format"));
    site.write(QUIZ, &reword(&site.read(QUIZ)));
    assert!(site.build_err().contains(&format!(
        "the questions or answers of quiz `public-records` changed, but its revision is still {}",
        rev()
    )));
    site.write(QUIZ, &without_retrain_by(&TestSite::bundled().read(QUIZ)));
    assert!(publish(&site).contains(&format!("quiz public-records revision {}: verification material added", rev())));
    assert!(site.read(quiz::LOCK_FILE).starts_with('{'));
    assert!(!site.build_ok().contains("warning:"));
}

/// `verify` notes an address `request check` would refuse, by the same rule (a quoted local part
/// ends in the right domain but is not a plain District address).
#[test]
fn verify_notes_an_address_that_is_not_a_district_address() {
    let site = TestSite::bundled();
    let code = code_now(&site, ADMIN, "2026-11-20");
    for (email, noted) in [(ADMIN, false), ("kim@gmail.com", true), ("\"kim coach\"@tacoma.k12.wa.us", true)] {
        let o = site.run(&["verify", "--email", email, "--today", "2026-11-28", &code]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.contains("note:") && err.contains("@tacoma.k12.wa.us"), noted, "{email}: {err}");
    }
}
