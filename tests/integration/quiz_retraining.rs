//! Retraining windows: codes of a superseded quiz revision count until its `retrain_by` day, in
//! `verify` and in `request check`, and are refused after it.
use crate::common;
use crate::quiz_support;

use common::TestSite;
use policysite::date::Date;
use policysite::quiz::{self, code};
use quiz_support::*;

/// A code of the current revision, then the next revision (a changed answer) with `retrain_by`, published.
fn superseded_site(retrain_by: Option<&str>) -> (TestSite, String) {
    let site = TestSite::bundled();
    let old_code = code_now(&site, ADMIN, "2026-11-20");
    let next = next();
    let mut text = change_answer(&set_revision(&site.read(QUIZ), &next));
    if let Some(d) = retrain_by {
        text = text.replace(&format!("revision: {next}\n"), &format!("revision: {next}\nretrain_by: {d}\n"));
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
        out.contains(&format!("quiz public-records, revision {r}, completed 2026-11-20: VALID (revision {r} superseded; retraining due by 2027-01-31)", r = rev())),
        "{out}"
    );
    let (status, out) = verify(&site, &old_code, "2027-02-01");
    assert_eq!(status, 1, "{out}");
    assert!(out.contains(&format!("INVALID (outdated revision: the quiz has been revised (now revision {}) and retraining was due by 2027-01-31", next())), "{out}");
    // Another person's code is not made valid by the window.
    let o = site.run(&["verify", "--email", "lee@tacoma.k12.wa.us", "--today", "2027-01-15", &old_code]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("wrong person or quiz"));
    // New codes of the new revision are valid as usual.
    let (status, out) = verify(&site, &code_now(&site, ADMIN, "2027-01-10"), "2027-02-01");
    assert_eq!(status, 0, "{out}");
    // Without `retrain_by`, old codes stop counting at once.
    let (site, old_code) = superseded_site(None);
    let (status, out) = verify(&site, &old_code, "2026-12-02");
    assert_eq!(status, 1, "{out}");
    assert!(
        out.contains(&format!("outdated revision: the quiz has been revised (now revision {}); retake it", next())),
        "{out}"
    );
}

#[test]
fn old_codes_count_until_the_retraining_deadline_in_request_check() {
    let (site, old_code) = superseded_site(Some("2027-01-31"));
    let mut req = crate::request_common::good_request(&site);
    req["administrators"][0]["codes"]["public-records"] = serde_json::json!(old_code);
    let file = crate::request_common::write_request(&site, "req.json", &req);
    let check = |today: &str| crate::request_common::run(&site, &["request", "check", "--today", today, &file]);
    let (status, out) = check("2027-01-15");
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("ACCEPTABLE"), "{out}");
    assert!(
        out.contains(&format!(
            "note: Administrator 1, codes.public-records: code {old_code}: VALID (revision {} superseded; retraining due by 2027-01-31)",
            rev()
        )),
        "{out}"
    );
    let (status, out) = check("2027-02-01");
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("retraining was due by 2027-01-31"), "{out}");
}

/// The bundled quizzes were revised a day after revision 1 was published: staff who passed revision 1
/// keep a valid code until 2027-02-26 (each quiz's `retrain_by`, recorded in quizzes/revisions.lock).
#[test]
fn the_bundled_revision_1_codes_count_until_the_window_closes() {
    let site = TestSite::bundled();
    let lock = quiz::lock::read(site.path()).expect("lock");
    for id in ["public-records", "ferpa-student-records", "professional-boundaries"] {
        let first = lock.entries(id).iter().find(|p| p.revision == 1).expect("revision 1 published");
        let key = first.key_bytes().expect("revision 1 key kept");
        let day = code::day_of(Date::parse("2026-11-27").expect("date")).expect("day");
        let old = code::issue(&key, id, 1, ADMIN, day);
        let o = site.run(&["verify", "--email", ADMIN, "--today", "2026-12-01", &old]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{id}: {out}");
        assert!(out.contains("VALID (revision 1 superseded; retraining due by 2027-02-26)"), "{id}: {out}");
        let o = site.run(&["verify", "--email", ADMIN, "--today", "2027-02-27", &old]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!o.status.success() && out.contains("retraining was due by 2027-02-26"), "{id}: {out}");
    }
}
