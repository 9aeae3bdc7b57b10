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

/// A code of revision 1 of public-records, from the key the lock kept (the bundled quiz is past it).
fn revision_1_code(site: &TestSite) -> String {
    old_code(site, 1)
}

/// A code of published revision `revision` of public-records, made from the key the lock kept, on the
/// day the lock says that revision was published.
fn old_code(site: &TestSite, revision: u32) -> String {
    let lock = quiz::lock::read(site.path()).expect("lock");
    let entry = lock.entries("public-records").iter().find(|p| p.revision == revision).expect("revision in the lock");
    let key = entry.key_bytes().expect("key of the revision");
    let day = code::day_of(entry.published.expect("publication date")).expect("day");
    code::issue(&key, "public-records", revision, ADMIN, day)
}

/// `days` days after `date`.
fn plus(date: Date, days: i64) -> Date {
    Date::from_days(date.to_days() + days)
}

/// `policy-revisions.lock` of examples/revised-site as the first format wrote it.
const FIRST_FORMAT_POLICY_LOCK: &str = "# Published policy revisions, written by `policysite publish`. Commit it.\n\
# One line per revision: page, adoption date, SHA-256 of its text. A build fails if a\n\
# published revision's text changes.\n\
regulation/6973-1r.md 2016-06-07 84a282fb61e5c12cbef03f3a14f1784738213ac48878957931c5fb446064d6d5\n\
regulation/6973-1r.md 2025-03-11 80e6701a65bf2bb3e5d26af8165c387b1e2572c208282ca355b976ef5afd5b1b\n\
regulation/6973-1r.md 2026-11-17 b42c21ece2c73a3e499a510e7862180d6d093eebd8b60d4317c9bba419409d60\n\
";

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

    // The policy lock, the same way, in its first format (still read) and its current one.
    let site = TestSite::revised_example();
    let plock = FIRST_FORMAT_POLICY_LOCK;
    let json = site.read("policy-revisions.lock");
    for (name, text, expect) in [
        ("empty", String::new(), ":1:1: the lock file is empty"),
        ("conflict", conflicted(plock, plock), "unresolved merge conflict"),
        (
            "garbled",
            plock.replacen(" 2016-06-07 ", " 2016-6-7 ", 1),
            ":4:1: the lock file is damaged: \"2016-6-7\" is not a date",
        ),
        ("skipped", format!("{plock}regulation/6973-1r.md\n"), ":7:1: the lock file is damaged: expected"),
        ("bom", format!("\u{feff}{plock}"), "byte-order mark"),
        ("json conflict", conflicted(&json, &json), ":1:1: the lock file has an unresolved merge conflict"),
        ("json comment", format!("# x\n{json}"), ":2:1: the lock file is damaged: expected"),
        ("json no text hash", json.replacen("\"text_sha256\"", "\"text\"", 1), "unknown field `text`"),
        ("json whitespace", "\n\n".to_string(), "the lock file is empty"),
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

/// Change which answer of question `qid` is right (to option `to`).
fn set_answer(text: &str, qid: &str, to: &str) -> String {
    edit_question(
        text,
        qid,
        |l| if l.starts_with("    answer: ") { format!("    answer: {to}") } else { l.to_string() },
    )
}

fn keys_of(site: &TestSite) -> Vec<(u32, String)> {
    let lock = quiz::lock::read(site.path()).expect("lock");
    lock.entries("public-records").iter().map(|p| (p.revision, p.key.clone().expect("key"))).collect()
}

/// The lock is append-only: answer change → publish → another change → publish keeps every key, and
/// every code ever issued for a published revision verifies, VALID or with its retraining note, as
/// its dates say. Revisions and dates are relative to the bundled quiz's current revision and the
/// lock's last publication, so raising the revision does not change what this asserts.
#[test]
fn a_sequence_of_publishes_keeps_every_code_verifiable() {
    let site = TestSite::bundled();
    let r = rev();
    let lock = quiz::lock::read(site.path()).expect("lock");
    let bundled = lock.entries("public-records");
    assert_eq!(bundled.iter().map(|p| p.revision).collect::<Vec<_>>(), (1..=r).collect::<Vec<_>>());
    let last = bundled.iter().filter_map(|p| p.published).max().expect("publication dates");
    // Codes are made on the day after the last publication and verified 40 days later; the test's
    // retraining windows close after that.
    let (made, verified) = (plus(last, 1), plus(last, 41));
    let windows = [plus(verified, 45), plus(verified, 76)];
    // Until when codes of each revision count: the `retrain_by` of the revision after it.
    let mut due: Vec<(u32, Date)> = bundled
        .windows(2)
        .map(|w| (w[0].revision, w[1].retrain_by.expect("the bundled quiz gives earlier revisions a window")))
        .collect();
    let mut codes: Vec<(u32, String)> = (1..r).map(|k| (k, old_code(&site, k))).collect();
    codes.push((r, code_now(&site, ADMIN, &made.to_string())));
    let mut keys = keys_of(&site);
    for (step, (qid, answer)) in [("personal-phone", "0"), ("five-days", "0")].into_iter().enumerate() {
        let revision = r + 1 + step as u32;
        let retrain_by = windows[step];
        let text = set_answer(&set_revision(&site.read(QUIZ), &revision.to_string()), qid, answer);
        site.write(
            QUIZ,
            &text.replace(
                &format!("revision: {revision}\n"),
                &format!("revision: {revision}\nretrain_by: {retrain_by}\n"),
            ),
        );
        publish(&site);
        let now = keys_of(&site);
        assert_eq!(now[..keys.len()], keys[..], "publish changed or dropped a key");
        assert_eq!(now.len(), keys.len() + 1);
        keys = now;
        due.push((revision - 1, retrain_by));
        codes.push((revision, code_now(&site, ADMIN, &made.to_string())));
    }
    assert_eq!(codes.len() as u32, r + 2);
    let mut open_windows = 0;
    for (revision, c) in &codes {
        let (status, out) = verify(&site, c, &verified.to_string());
        assert!(out.contains(&format!("revision {revision}, completed")), "{out}");
        match due.iter().find(|(k, _)| k == revision) {
            None => {
                assert_eq!(*revision, r + 2, "only the newest revision has no window");
                assert_eq!(status, 0, "revision {revision}: {out}");
                assert!(out.contains(": VALID") && !out.contains("superseded"), "{out}");
            }
            Some((_, by)) if *by > verified => {
                open_windows += 1;
                assert_eq!(status, 0, "revision {revision}: {out}");
                let expect = format!("VALID (revision {revision} superseded; retraining due by {by})");
                assert!(out.contains(&expect), "expected {expect:?} in {out}");
            }
            // A window of the bundled lock that a later training round has let close.
            Some((_, by)) => {
                assert_eq!(status, 1, "revision {revision}: {out}");
                assert!(out.contains(&format!("retraining was due by {by}")), "{out}");
            }
        }
    }
    assert!(open_windows >= 2, "the test's own windows are open on {verified}");
    // After the windows close, as the dates say: the code of revision r counts through its window
    // (the day before it closes) and not after.
    let current = &codes[r as usize - 1].1;
    let (status, out) = verify(&site, current, &plus(windows[0], -1).to_string());
    assert_eq!(status, 0, "{out}");
    assert!(out.contains(&format!("retraining due by {}", windows[0])), "{out}");
    let (status, out) = verify(&site, current, &plus(windows[0], 1).to_string());
    assert_eq!(status, 1, "{out}");
    assert!(out.contains(&format!("retraining was due by {}", windows[0])), "{out}");
}

/// The lock as `publish` writes it once public-records is raised to the next revision with question
/// `qid`'s answer changed; the site's lock is put back.
fn lock_at_next_revision(site: &TestSite, qid: &str) -> String {
    let before = site.read(quiz::LOCK_FILE);
    site.write(QUIZ, &set_answer(&set_revision(&site.read(QUIZ), &next()), qid, "0"));
    publish(site);
    let after = site.read(quiz::LOCK_FILE);
    site.write(quiz::LOCK_FILE, &before);
    after
}

/// Two branches each published: the conflict keeps both sides' entries; two different next revisions
/// (different answers, so different keys) are refused, and nothing is written.
#[test]
fn repair_merges_both_sides_and_refuses_two_different_keys_for_one_revision() {
    let site = TestSite::bundled();
    let ours = lock_at_next_revision(&site, "personal-phone");
    // Theirs: another quiz published a new revision.
    let ferpa_rev = revision_of("ferpa-student-records");
    let f = "quizzes/ferpa-student-records.yaml";
    let ferpa = site.read(f);
    site.write(f, &set_revision(&ferpa, &(ferpa_rev + 1).to_string()));
    publish(&site);
    let theirs = site.read(quiz::LOCK_FILE);
    site.write(f, &ferpa);
    // A line-level conflict as git writes it: the common start, then the differing rest of each.
    let common = theirs.lines().zip(ours.lines()).take_while(|(a, b)| a == b).count();
    let head: String = ours.lines().take(common).map(|l| format!("{l}\n")).collect();
    let tail = |t: &str| t.lines().skip(common).map(|l| format!("{l}\n")).collect::<String>();
    site.write(quiz::LOCK_FILE, &format!("{head}{}", conflicted(&tail(&ours), &tail(&theirs))));
    let (status, out) = run(&site, &["publish", "--repair"]);
    assert_eq!(status, 0, "{out}");
    let lock = quiz::lock::read(site.path()).expect("repaired lock reads");
    let revs = |id: &str| lock.entries(id).iter().map(|p| p.revision).collect::<Vec<_>>();
    assert_eq!(
        (revs("public-records"), revs("ferpa-student-records")),
        ((1..=rev() + 1).collect(), (1..=ferpa_rev + 1).collect())
    );

    // Two branches published different answers as the same next revision: refused.
    let site = TestSite::bundled();
    let a = lock_at_next_revision(&site, "personal-phone");
    let b = lock_at_next_revision(&site, "five-days");
    let damaged = conflicted(&a, &b);
    site.write(quiz::LOCK_FILE, &damaged);
    let (status, out) = run(&site, &["publish", "--repair"]);
    assert_eq!(status, 1, "{out}");
    let expect =
        format!("cannot repair: the two sides record different keys for revision {} of quiz `public-records`", next());
    assert!(out.contains(&expect), "{out}");
    assert_eq!(site.read(quiz::LOCK_FILE), damaged);
}

/// A killed `publish` leaves `.revisions.lock.*.tmp` (holding quiz keys): the next run removes it, and
/// the `.gitignore` that `new` writes keeps it out of git.
#[test]
fn temporary_files_of_a_stopped_publish_are_removed_and_ignored() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("site");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_policysite"))
        .args(["new", dir.to_str().expect("utf8")])
        .output()
        .expect("new");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let leftovers = [
        "quizzes/.revisions.lock.Ab12Cd.tmp",
        "quizzes/.policysite-Xy98Zw.tmp",
        ".policy-revisions.lock.Qw34Er.tmp",
        "quizzes/.revisions.lock.lock",
    ];
    for f in leftovers {
        std::fs::write(dir.join(f), "{\"key\": \"secret\"}").expect("write");
    }
    let git = |args: &[&str]| std::process::Command::new("git").arg("-C").arg(&dir).args(args).output().expect("git");
    if git(&["init", "-q"]).status.success() {
        let o = git(&[&["check-ignore", "--no-index"][..], &leftovers[..]].concat());
        assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), leftovers.len(), "{o:?}");
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_policysite"))
        .args(["--root", dir.to_str().expect("utf8"), "publish", "--today", "2026-12-01"])
        .output()
        .expect("publish");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("removed 2 temporary file(s)"), "{o:?}");
    for f in &leftovers[..3] {
        assert!(!dir.join(f).exists(), "{f} left");
    }
}

const REV: &str = "content/regulation/6973-1r/";

fn build_on(site: &TestSite, today: &str) -> (bool, String) {
    let o = site.run(&["build", "--output", site.out().to_str().expect("utf8"), "--today", today]);
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn build_fails_with(site: &TestSite, expect: &[&str]) {
    let (ok, err) = build_on(site, "2026-11-28");
    assert!(!ok, "built although {expect:?}");
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in\n{err}");
    }
}

/// After publication the issue's edits passed silently: a published revision's `effective` date (the
/// banner then read "in effect from January 1, 2099 until March 11, 2025") or `note`, a backdated
/// revision between published ones, renaming the page and then editing the text. Each now fails.
#[test]
fn the_policy_lock_guards_the_whole_adopted_record() {
    let site = TestSite::revised_example();
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(ok, "{err}");
    let first = format!("{REV}2016-06-07.md");
    let text = site.read(&first);
    site.write(&first, &text.replacen("---\nnote:", "---\neffective: 2099-01-01\nnote:", 1));
    build_fails_with(
        &site,
        &[&format!(
            "{first}:2: the `effective` date of the published revision of 2016-06-07 was changed (published: none, now: 2099-01-01)"
        )],
    );
    site.write(&first, &text.replacen("note: \"", "note: \"Edited. ", 1));
    build_fails_with(&site, &[&format!("{first}:2: the `note` of the published revision of 2016-06-07 was changed")]);
    site.write(&first, &text);

    // A revision dated between published ones.
    let late = format!("{REV}2020-01-01.md");
    let body = site.read(&format!("{REV}2025-03-11.md"));
    site.write(&late, &body);
    build_fails_with(
        &site,
        &[
            &format!("{late}:2: this new revision is dated 2020-01-01, before 2026-11-17, the last published revision"),
            "backdated: true",
        ],
    );
    site.write(&late, &body.replacen("---\n", "---\nbackdated: true\n", 1));
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(ok, "{err}");
    std::fs::remove_file(site.path().join(&late)).expect("rm");

    // Renamed: the record follows the page's number, so its published text still cannot change.
    std::fs::rename(
        site.path().join("content/regulation/6973-1r.md"),
        site.path().join("content/regulation/social.md"),
    )
    .expect("mv");
    std::fs::rename(site.path().join(REV), site.path().join("content/regulation/social")).expect("mv");
    for e in walkdir::WalkDir::new(site.path().join("content")).into_iter().filter_map(Result::ok) {
        if e.file_type().is_file() {
            let t = std::fs::read_to_string(e.path()).expect("read");
            std::fs::write(e.path(), t.replace("@/regulation/6973-1r.md", "@/regulation/social.md")).expect("write");
        }
    }
    let moved = "content/regulation/social/2016-06-07.md";
    site.write(moved, &text.replace("Pinterest, Flickr", "Pinterest, TikTok, Flickr"));
    build_fails_with(&site, &[&format!("{moved}:4: the published revision of 2016-06-07 was changed")]);
    site.write(moved, &text);
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(ok, "a renamed page with its published revisions builds: {err}");
    // Changing the number does not escape either.
    let page = site.read("content/regulation/social.md");
    site.write("content/regulation/social.md", &page.replace("number: 6973.1R", "number: 6973.9R"));
    build_fails_with(
        &site,
        &[
            "error: policy-revisions.lock: policy 6973.1R has published revisions (last at content/regulation/6973-1r.md), but no page with revisions is numbered `6973.1R`",
        ],
    );
}

/// A lock of the first format (page path, date, text hash) still builds and is upgraded by `publish`,
/// which then records effective dates and notes; published entries are never dropped.
#[test]
fn a_first_format_policy_lock_is_read_and_upgraded() {
    let site = TestSite::revised_example();
    site.write("policy-revisions.lock", FIRST_FORMAT_POLICY_LOCK);
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(ok, "{err}");
    let (status, out) = run(&site, &["publish", "--today", "2026-11-28"]);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("policy-revisions.lock: upgraded from the first format"), "{out}");
    assert_eq!(site.read("policy-revisions.lock"), TestSite::revised_example().read("policy-revisions.lock"));
    let (status, out) = run(&site, &["publish", "--today", "2026-11-28"]);
    assert!(status == 0 && !out.contains("policy-revisions.lock"), "a second publish changes nothing: {out}");
}

/// `id: ../../X` in a quiz made `export scorm` write its package two folders above `--output` (an
/// absolute id anywhere); a question id with `"` or `\` built and then broke `quiz.js`; an empty id
/// was accepted. Every id an admin writes now follows one rule, checked at load with file:line.
#[test]
fn quiz_and_question_ids_follow_the_identifier_rule() {
    let site = TestSite::bundled();
    let text = site.read(QUIZ);
    let id_line = text.lines().position(|l| l.starts_with("id: ")).expect("id") + 1;
    let out = site.path().join("nested/out");
    let escaped = site.path().join("nested/out/../../X-scorm12.zip");
    let absolute = site.path().join("abs");
    for bad in ["../../X", absolute.to_str().expect("utf8"), "\"\"", "a\\\\b"] {
        site.write(QUIZ, &text.replacen("id: public-records\n", &format!("id: {bad}\n"), 1));
        let (status, err) =
            run(&site, &["export", "scorm", "--version", "1.2", "--output", out.to_str().expect("utf8")]);
        assert_eq!(status, 1, "{bad}: {err}");
        let why = err.contains("is not a plain identifier") || err.contains("is empty");
        assert!(err.contains(&format!("{QUIZ}:{id_line}: quiz id ")) && why, "{bad}: {err}");
        assert!(!escaped.exists() && !site.path().join("abs-scorm12.zip").exists(), "{bad}: written outside --output");
        assert!(!out.exists(), "{bad}: nothing is written on failure");
    }
    site.write(QUIZ, &text);
    for (yaml, shown) in [
        ("'say \"hi\"'", "\"say \\\"hi\\\"\" is not a plain identifier"),
        ("'back\\slash'", "\"back\\\\slash\" is not"),
        ("''", "\"\" is empty"),
    ] {
        let edited = text.replacen("  - id: personal-phone\n", &format!("  - id: {yaml}\n"), 1);
        site.write(QUIZ, &edited);
        let line = line_of(&edited, &format!("  - id: {yaml}"));
        let err = site.build_err();
        assert!(err.contains(&format!("error: {QUIZ}:{line}: question id {shown}")), "{yaml}: {err}");
    }
    site.write(QUIZ, &text);
    // Platform ids follow the same rule.
    let platforms = site.read("data/platforms.yaml");
    site.write("data/platforms.yaml", &platforms.replacen("  - id: facebook\n", "  - id: ../fb\n", 1));
    let err = site.build_err();
    assert!(err.contains("error: data/platforms.yaml:7: platform id \"../fb\" is not a plain identifier"), "{err}");
}

/// Two pages with one policy `number` were accepted (with duplicate feed entry ids): refused, naming
/// both files and lines.
#[test]
fn two_pages_with_one_policy_number_are_refused() {
    let site = TestSite::minimal();
    site.build_ok();
    site.write("content/policy/three.md", "---\ntitle: Policy Three\nnumber: \"1234\"\n---\n\nText.\n");
    let err = site.build_err();
    assert!(
        err.contains("error: content/policy/three.md:3: `number: 1234` is already the number of content/policy/one.md"),
        "{err}"
    );
    assert!(err.contains("(content/policy/one.md:3)"), "{err}");
}

/// One rule for every file the build reads: a link that leaves the site folder is refused with its
/// path (a policy revision file linked out of the site was published; links under quizzes/, data/
/// and site.yaml were followed silently). Links inside the site are followed; links in static/ that
/// are not copied (out of the site, to a folder, to nothing) are errors, no longer dropped silently.
#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_refused_for_every_file_the_build_reads() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("tmp");
    let site = TestSite::revised_example();
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(ok, "{err}");
    let rev = site.read(&format!("{REV}2026-11-17.md"));
    let put = |name: &str, text: &str| {
        let p = outside.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    };
    let cases: Vec<(String, std::path::PathBuf)> = vec![
        (format!("{REV}2027-02-01.md"), put("rev.md", &rev)),
        (
            "quizzes/extra.yaml".into(),
            put("quiz.yaml", &site.read("quizzes/public-records.yaml").replace("id: public-records", "id: extra")),
        ),
        ("data/extra.yaml".into(), put("data.yaml", "a: 1\n")),
        ("templates/page.html".into(), put("page.html", "{% extends \"base.html\" %}")),
        ("static/secret.txt".into(), put("secret.txt", "secret")),
    ];
    for (link, target) in &cases {
        let at = site.path().join(link);
        std::fs::create_dir_all(at.parent().expect("parent")).expect("mkdir");
        symlink(target, &at).expect("symlink");
        let (ok, err) = build_on(&site, "2026-11-28");
        assert!(!ok, "{link}: built");
        assert!(
            err.contains(&format!("error: {link}: is a link to ")) && err.contains("outside the site folder"),
            "{link}: {err}"
        );
        std::fs::remove_file(&at).expect("rm");
    }
    // site.yaml and the quiz lock themselves.
    for file in ["site.yaml", "quizzes/revisions.lock"] {
        let target = put("linked", &site.read(file));
        std::fs::remove_file(site.path().join(file)).expect("rm");
        symlink(&target, site.path().join(file)).expect("symlink");
        let (ok, err) = build_on(&site, "2026-11-28");
        assert!(!ok && err.contains(&format!("{file}: is a link to ")), "{file}: {err}");
        std::fs::remove_file(site.path().join(file)).expect("rm");
        std::fs::copy(&target, site.path().join(file)).expect("restore");
    }
    // Inside the site: a linked static file is copied; a link to a folder or to nothing is an error.
    site.write("static/real.txt", "real");
    symlink(site.path().join("static/real.txt"), site.path().join("static/alias.txt")).expect("symlink");
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(ok, "{err}");
    assert_eq!(site.read("public/alias.txt"), "real");
    symlink(site.path().join("data"), site.path().join("static/folder")).expect("symlink");
    symlink(site.path().join("static/missing.txt"), site.path().join("static/dangling.txt")).expect("symlink");
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(!ok, "{err}");
    assert!(err.contains("error: static/folder: is a link to a folder"), "{err}");
    assert!(err.contains("error: static/dangling.txt: is a link to nothing"), "{err}");
}

/// The policy lock's conflict: two branches each published a new revision; `--repair` keeps both,
/// and refuses when the two sides record one revision differently.
#[test]
fn repair_merges_a_conflicted_policy_lock() {
    let site = TestSite::revised_example();
    let base = site.read("policy-revisions.lock");
    let next = site.read(&format!("{REV}2026-11-17.md"));
    let side = |date: &str, text: &str| {
        site.write(&format!("{REV}{date}.md"), text);
        let (status, out) = run(&site, &["publish", "--today", "2027-01-06"]);
        assert_eq!(status, 0, "{out}");
        std::fs::remove_file(site.path().join(format!("{REV}{date}.md"))).expect("rm");
        let lock = site.read("policy-revisions.lock");
        site.write("policy-revisions.lock", &base);
        lock
    };
    let ours = side("2027-01-05", &next);
    let theirs = side("2027-02-01", &next);
    site.write("policy-revisions.lock", &conflicted(&ours, &theirs));
    let (status, out) = run(&site, &["publish", "--repair"]);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("policy-revisions.lock: merge conflict repaired, 5 entries of both sides kept"), "{out}");
    let lock: serde_json::Value = serde_json::from_str(&site.read("policy-revisions.lock")).expect("json");
    let dates: Vec<&str> = lock["policies"]["6973.1R"]["revisions"]
        .as_array()
        .expect("revisions")
        .iter()
        .filter_map(|e| e["date"].as_str())
        .collect();
    assert_eq!(dates, ["2016-06-07", "2025-03-11", "2026-11-17", "2027-01-05", "2027-02-01"]);

    site.write("policy-revisions.lock", &base);
    let other = side("2027-01-05", &next.replace("two administrators", "three administrators"));
    let damaged = conflicted(&ours, &other);
    site.write("policy-revisions.lock", &damaged);
    let (status, out) = run(&site, &["publish", "--repair"]);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("cannot repair: the two sides record revision 2027-01-05 of 6973.1R differently"), "{out}");
    assert_eq!(site.read("policy-revisions.lock"), damaged);
}
