//! A quiz revision's life: edited freely until `policysite publish` records it; after that, a change
//! to what decides right or wrong needs a new revision, a wording change needs an editorial
//! declaration; codes of a superseded revision count until its retraining deadline; and previewing
//! (`build --output` elsewhere, `serve`) never writes the site's sources.
mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::TestSite;
use policysite::date::Date;
use policysite::quiz::{self, code};
use sha2::{Digest, Sha256};

const QUIZ: &str = "quizzes/public-records.yaml";
const ADMIN: &str = "kim.coach@tacoma.k12.wa.us";

/// A hash of every file below `dir` (names and bytes), skipping `skip` (the output folder).
fn tree_hash(dir: &Path, skip: Option<&Path>) -> String {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && skip.is_none_or(|s| !e.path().starts_with(s)))
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.strip_prefix(dir).expect("prefix").to_string_lossy().as_bytes());
        h.update(std::fs::read(&f).expect("read"));
    }
    policysite::quiz::keys::hex(&h.finalize())
}

/// The quiz file with `f` applied to the lines of question `qid` (from its `- id:` to the next one).
fn edit_question(text: &str, qid: &str, f: impl Fn(&str) -> String) -> String {
    let mut inside = false;
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with("  - id: ") {
            inside = line.trim_end() == format!("  - id: {qid}");
        }
        out.push(if inside { f(line) } else { line.to_string() });
    }
    out.join("\n") + "\n"
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.trim_end() == needle).expect("line") + 1
}

fn set_revision(text: &str, revision: &str) -> String {
    text.lines()
        .map(|l| if l.starts_with("revision:") { format!("revision: {revision}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Change which answer of single-choice question `personal-phone` is right.
fn change_answer(text: &str) -> String {
    edit_question(text, "personal-phone", |l| {
        if l.starts_with("    answer: ") { "    answer: 0".to_string() } else { l.to_string() }
    })
}

fn reword(text: &str) -> String {
    edit_question(text, "personal-phone", |l| {
        if l.starts_with("    prompt: ") { format!("{l} (reworded)") } else { l.to_string() }
    })
}

fn publish(site: &TestSite) -> String {
    let o = site.run(&["publish", "--today", "2026-12-01"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "publish failed:\n{out}");
    out
}

fn code_now(site: &TestSite, email: &str, on: &str) -> String {
    let quizzes = quiz::load_all(site.path()).expect("quizzes load");
    let q = quizzes.get("public-records").expect("quiz");
    code::issue(&q.key, "public-records", q.revision, email, code::day_of(Date::parse(on).expect("date")).expect("day"))
}

fn verify(site: &TestSite, code: &str, today: &str) -> (i32, String) {
    let o = site.run(&["verify", "--email", ADMIN, "--today", today, code]);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

#[test]
fn a_scratch_build_writes_nothing_in_the_site_and_an_unpublished_revision_can_be_edited_twice() {
    // Issue 9: build wrote the lock, so editing an unpublished revision twice failed.
    let site = TestSite::bundled();
    let scratch = tempfile::tempdir().expect("tempdir");
    let out = scratch.path().join("x");
    let before = tree_hash(site.path(), None);
    let build = |site: &TestSite| {
        let o = site.run(&["build", "--output", out.to_str().expect("utf8")]);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        err
    };
    build(&site);
    assert_eq!(before, tree_hash(site.path(), None), "a build changed the site's sources");
    let bumped = set_revision(&site.read(QUIZ), "3");
    site.write(QUIZ, &bumped);
    let before = tree_hash(site.path(), None);
    let err = build(&site);
    assert!(err.contains("warning: quizzes/public-records.yaml:"), "{err}");
    assert!(err.contains("revision 3 of quiz `public-records` is not published yet"), "{err}");
    assert!(err.contains("run `policysite publish` before publishing the site"), "{err}");
    site.write(QUIZ, &change_answer(&bumped));
    build(&site);
    site.write(QUIZ, &reword(&change_answer(&bumped)));
    build(&site);
    assert_ne!(before, tree_hash(site.path(), None)); // the quiz file itself changed…
    site.write(QUIZ, &bumped);
    assert_eq!(before, tree_hash(site.path(), None), "…but nothing else did");
}

/// `serve` into a folder outside the site, with its terminal lines on a channel.
struct Serve {
    child: std::process::Child,
    log: std::sync::mpsc::Receiver<String>,
}

impl Serve {
    fn start(site: &TestSite, output: &Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_policysite"))
            .arg("--root")
            .arg(site.path())
            .args(["serve", "--port", "0", "--output"])
            .arg(output)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let (tx, log) = std::sync::mpsc::channel();
        let stderr = BufReader::new(child.stderr.take().expect("stderr"));
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut addr = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut addr).expect("address");
        assert!(!addr.trim().is_empty(), "serve printed no address");
        Serve { child, log }
    }

    /// The next terminal line containing `needle` (None after 20 s of silence).
    fn line(&self, needle: &str) -> Option<String> {
        while let Ok(line) = self.log.recv_timeout(std::time::Duration::from_secs(20)) {
            if line.contains(needle) {
                return Some(line);
            }
        }
        None
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_writes_nothing_in_the_site() {
    let site = TestSite::bundled();
    let bumped = set_revision(&site.read(QUIZ), "3");
    site.write(QUIZ, &bumped);
    let scratch = tempfile::tempdir().expect("tempdir");
    let before = tree_hash(site.path(), None);
    let srv = Serve::start(&site, &scratch.path().join("out"));
    // Edit the unpublished revision while serving, and wait for the rebuild.
    site.write(QUIZ, &change_answer(&bumped));
    assert!(srv.line("rebuilt").is_some(), "serve did not rebuild after the quiz edit");
    drop(srv);
    // Only the file the test edited differs: put it back and compare.
    site.write(QUIZ, &bumped);
    assert_eq!(before, tree_hash(site.path(), None), "serve changed the site's sources");
}

#[test]
fn serve_checks_sections_when_a_module_page_body_changes() {
    let site = TestSite::bundled();
    let scratch = tempfile::tempdir().expect("tempdir");
    let srv = Serve::start(&site, &scratch.path().join("out"));
    let page = "content/training/public-records.md";
    let text = site.read(page);
    site.write(page, &text.replace("## Penalties\n", "## Consequences\n"));
    let err = srv.line("names section `penalties`").expect("no section error");
    assert!(err.contains("quizzes/public-records.yaml:"), "{err}");
    site.write(page, &format!("{text}\nOne more line.\n"));
    assert!(srv.line("rebuilt").is_some(), "no rebuild after the fix");
}

#[test]
fn publish_records_every_quiz_and_is_idempotent() {
    let site = TestSite::bundled();
    let lock = site.read(quiz::LOCK_FILE);
    let out = publish(&site);
    assert!(out.contains("quiz public-records revision 2: already published"), "{out}");
    assert_eq!(lock, site.read(quiz::LOCK_FILE), "the bundled lock is not up to date: run `policysite publish`");
    assert!(!site.build_ok().contains("warning:"), "the bundled quizzes are all published");
    site.write(QUIZ, &set_revision(&site.read(QUIZ), "3"));
    let out = publish(&site);
    assert!(out.contains("quiz public-records revision 3: recorded as published"), "{out}");
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
    assert_eq!(revs, [1, 2, 3]);
    assert_eq!(lock["quizzes"]["public-records"][2]["published"], "2026-12-01");
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
            "quizzes/public-records.yaml:{line}: the answer, type or number of options of question `personal-phone` changed, but revision 2 of quiz `public-records` is already published"
        )),
        "{err}"
    );
    assert!(err.contains("set `revision: 3`"), "{err}");
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
        err.contains(&format!("quizzes/public-records.yaml:{line}: the wording of question `personal-phone` changed, but revision 2 of quiz `public-records` is already published and no new editorial change is declared")),
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
    assert!(err.contains("editorial change to revision 2 of quiz `public-records` (2026-12-01: Reworded the personal-phone prompt.) is not published yet; reworded: personal-phone"), "{err}");
    assert!(publish(&site).contains("quiz public-records revision 2: editorial change recorded"));
    assert!(!site.build_ok().contains("warning:"));
    let (status, out) = verify(&site, &earlier, "2026-12-02");
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("revision 2, completed 2026-11-20: VALID"), "{out}");
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

/// Revision 2's code, then revision 3 (a changed answer) with `retrain_by`, published.
fn superseded_site(retrain_by: Option<&str>) -> (TestSite, String) {
    let site = TestSite::bundled();
    let old_code = code_now(&site, ADMIN, "2026-11-20");
    let mut text = change_answer(&set_revision(&site.read(QUIZ), "3"));
    if let Some(d) = retrain_by {
        text = text.replace("revision: 3\n", &format!("revision: 3\nretrain_by: {d}\n"));
    }
    site.write(QUIZ, &text);
    publish(&site);
    (site, old_code)
}

#[test]
fn old_codes_count_until_the_retraining_deadline_in_verify() {
    let (site, old_code) = superseded_site(Some("2027-01-31"));
    let (status, out) = verify(&site, &old_code, "2027-01-31");
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("quiz public-records, revision 2, completed 2026-11-20: VALID (revision 2 superseded; retraining due by 2027-01-31)"),
        "{out}"
    );
    let (status, out) = verify(&site, &old_code, "2027-02-01");
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("INVALID (outdated revision: the quiz has been revised (now revision 3) and retraining was due by 2027-01-31"), "{out}");
    // Another person's code is not made valid by the window.
    let o = site.run(&["verify", "--email", "lee@tacoma.k12.wa.us", "--today", "2027-01-15", &old_code]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("wrong person or quiz"));
    // New codes of revision 3 are valid as usual.
    let (status, out) = verify(&site, &code_now(&site, ADMIN, "2027-01-10"), "2027-02-01");
    assert_eq!(status, 0, "{out}");
    // Without `retrain_by`, old codes stop counting at once.
    let (site, old_code) = superseded_site(None);
    let (status, out) = verify(&site, &old_code, "2026-12-02");
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("outdated revision: the quiz has been revised (now revision 3); retake it"), "{out}");
}

#[test]
fn old_codes_count_until_the_retraining_deadline_in_request_check() {
    let (site, old_code) = superseded_site(Some("2027-01-31"));
    let ferpa = {
        let quizzes = quiz::load_all(site.path()).expect("load");
        let q = quizzes.get("ferpa-student-records").expect("ferpa");
        code::issue(&q.key, &q.id, q.revision, ADMIN, code::day_of(Date::parse("2026-11-21").expect("d")).expect("day"))
    };
    let req = serde_json::json!({
        "schema": "policysite/account-request", "version": 1, "id": "req-20261128-abcdef01", "submitted": "2026-11-28",
        "requester": { "name": "Kim Coach", "email": ADMIN },
        "account": { "type": "sports_team", "unit": "Stadium High School", "name": "Stadium Tigers Football", "purpose": "educational",
                     "description": "Schedules and team news.", "platform": "instagram", "handle": "@stadiumtigersfb", "url": null },
        "administrators": [{ "name": "Kim Coach", "email": ADMIN, "flsa_exempt": true,
                             "codes": { "public-records": old_code, "ferpa-student-records": ferpa } }],
        "principal_approval": { "name": "Pat Principal", "email": "pat@tacoma.k12.wa.us", "approved": true },
        "privacy_settings": { "notify_on_tag": true, "approve_posts_by_others": true },
        "acknowledgements": { "policies": true, "no_deletion": true, "student_privacy": true }
    });
    site.write("req.json", &req.to_string());
    let file = site.path().join("req.json");
    let check = |today: &str| {
        let o = site.run(&["request", "check", "--today", today, file.to_str().expect("utf8")]);
        (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let (status, out) = check("2027-01-15");
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("ACCEPTABLE"), "{out}");
    assert!(
        out.contains(&format!(
            "note: administrators[0].codes.public-records: code {old_code}: VALID (revision 2 superseded; retraining due by 2027-01-31)"
        )),
        "{out}"
    );
    let (status, out) = check("2027-02-01");
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("retraining was due by 2027-01-31"), "{out}");
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
    let quizzes = quiz::load_all(site.path()).expect("load");
    let mut legacy = String::from("# Quiz revision lock, written by `policysite build`. Commit it.\n");
    for q in quizzes.by_id.values() {
        legacy.push_str(&format!("{} {} {}\n", q.id, q.revision, quiz::fingerprint::legacy(&q.id, &q.questions)));
    }
    site.write(quiz::LOCK_FILE, &legacy);
    assert!(site.build_ok().contains("is recorded in the old lock format"));
    site.write(QUIZ, &reword(&site.read(QUIZ)));
    assert!(
        site.build_err()
            .contains("the questions or answers of quiz `public-records` changed, but its revision is still 2")
    );
    site.write(QUIZ, &TestSite::bundled().read(QUIZ));
    assert!(publish(&site).contains("quiz public-records revision 2: verification material added"));
    assert!(site.read(quiz::LOCK_FILE).starts_with('{'));
    assert!(!site.build_ok().contains("warning:"));
}
