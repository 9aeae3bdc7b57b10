//! Issue 11: `request check --lms-report REPORT.csv`: an LMS completion export as training evidence.
use crate::common;
use crate::quiz_support;
use crate::request_common;

use common::TestSite;
use request_common::*;
use serde_json::{Value, json};

/// A Canvas-like export: its own column names, one row per completion.
const HEADER: &str = "Student Email,Course,Completion Status,Score,Completed At,Quiz Revision\n";

/// The quiz's current revision in the bundled site.
fn rev(site: &TestSite, quiz: &str) -> u32 {
    policysite::quiz::load_all(site.path()).expect("quizzes").get(quiz).expect("quiz").revision
}

fn row(email: &str, quiz: &str, status: &str, date: &str, revision: u32) -> String {
    format!("{email},{quiz},{status},90,{date},{revision}\n")
}

fn with_lms(site: &TestSite, req: &Value, csv: &str, extra: &[&str]) -> (i32, String) {
    site.write("report.csv", csv);
    let f = write_request(site, "req.json", req);
    let report = site.path().join("report.csv");
    let mut args = vec!["request", "check", "--today", TODAY, &f, "--lms-report", report.to_str().expect("utf8")];
    args.extend_from_slice(extra);
    run(site, &args)
}

const FLAGS: &[&str] = &[
    "--lms-email-column",
    "Student Email",
    "--lms-module-column",
    "Course",
    "--lms-status-column",
    "Completion Status",
    "--lms-date-column",
    "Completed At",
    "--lms-revision-column",
    "Quiz Revision",
    "--lms-score-column",
    "Score",
];

/// An administrator with no public-records code.
fn request_without_code(site: &TestSite) -> Value {
    let mut req = good_request(site);
    req["administrators"][0]["codes"].as_object_mut().expect("codes").remove("public-records");
    req
}

#[test]
fn a_passed_row_stands_in_for_a_missing_code() {
    let site = TestSite::bundled();
    let pr = rev(&site, "public-records");
    let req = request_without_code(&site);
    assert_eq!(check(&site, &req).0, 1, "without the report the request is not acceptable");
    let csv = format!("{HEADER}{}", row(ADMIN, "public-records", "passed", "2026-11-20", pr));
    let (s, out) = with_lms(&site, &req, &csv, FLAGS);
    assert_eq!(s, 0, "{out}");
    assert!(
        out.contains("evidence: administrators[0] <kim.coach@tacoma.k12.wa.us> public-records: LMS report"),
        "{out}"
    );
    assert!(out.contains("ferpa-student-records: completion code\n"), "{out}");
}

#[test]
fn failed_outdated_and_expired_rows_are_rejected() {
    let site = TestSite::bundled();
    quiz_support::close_retraining_window(&site, "public-records");
    let pr = rev(&site, "public-records");
    let req = request_without_code(&site);
    for (r, why) in [
        (row(ADMIN, "public-records", "failed", "2026-11-20", pr), "LMS status `failed`, score 90, not a pass"),
        (
            row(ADMIN, "public-records", "passed", "2026-11-20", pr - 1),
            &format!("outdated revision: the LMS completion is for revision {}, the quiz is now revision {pr}", pr - 1),
        ),
        (row(ADMIN, "public-records", "passed", "2025-01-02", pr), "the LMS completion expired on 2026-01-02"),
        (
            row("someone.else@tacoma.k12.wa.us", "public-records", "passed", "2026-11-20", 2),
            "no completion for this email",
        ),
    ] {
        let (s, out) = with_lms(&site, &req, &format!("{HEADER}{r}"), FLAGS);
        assert_eq!(s, 1, "{out}");
        assert!(
            out.contains(
                "administrators[0].codes.public-records: no completion code for `public-records`; LMS report: "
            ),
            "{out}"
        );
        assert!(out.contains(why), "expected `{why}` in:\n{out}");
        assert!(out.contains("report.csv, line 2") || why.starts_with("no completion"), "{out}");
    }
}

#[test]
fn disagreement_between_code_and_report_is_reported() {
    let site = TestSite::bundled();
    let pr = rev(&site, "public-records");
    // The code is valid, the report says failed: acceptable on the code, and the disagreement shown.
    let req = good_request(&site);
    let csv = format!("{HEADER}{}", row(ADMIN, "public-records", "failed", "2026-11-20", pr));
    let (s, out) = with_lms(&site, &req, &csv, FLAGS);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("public-records: completion code\n    disagreement: the code is valid, but the LMS report does not confirm it: LMS status `failed`"), "{out}");
    // The code is for another person, the report shows a pass: acceptable on the report, disagreement shown.
    let mut req = good_request(&site);
    req["administrators"][0]["codes"]["public-records"] =
        json!(code_for(&site, "public-records", "other@tacoma.k12.wa.us", "2026-11-20", None));
    let csv = format!(
        "{HEADER}{}{}",
        row(ADMIN, "public-records", "passed", "2026-11-19", pr),
        row(ADMIN, "ferpa-student-records", "passed", "2026-11-19", rev(&site, "ferpa-student-records"))
    );
    let (s, out) = with_lms(&site, &req, &csv, FLAGS);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("public-records: LMS report\n    disagreement: the code does not hold (code "), "{out}");
    assert!(out.contains("wrong person or quiz"), "verify's verdict text unchanged:\n{out}");
    assert!(out.contains("ferpa-student-records: completion code and LMS report"), "{out}");
    // JSON says the same for scripts.
    site.write("report.csv", &csv);
    let f = site.path().join("req.json");
    let o = site.run(
        &[
            "request",
            "check",
            "--json",
            "--today",
            TODAY,
            f.to_str().expect("utf8"),
            "--lms-report",
            site.path().join("report.csv").to_str().expect("utf8"),
        ]
        .iter()
        .copied()
        .chain(FLAGS.iter().copied())
        .collect::<Vec<_>>(),
    );
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let ev = &v[0]["evidence"];
    assert_eq!(ev[0]["quiz"], "public-records");
    assert_eq!(ev[0]["used"], "lms_report");
    assert!(ev[0]["disagreement"].as_str().is_some_and(|d| d.contains("shows a pass")), "{v}");
    assert_eq!(ev[1]["used"], "both");
}

#[test]
fn columns_come_from_site_yaml_and_missing_ones_are_named() {
    let site = TestSite::bundled();
    let pr = rev(&site, "public-records");
    let cfg = site.read("site.yaml")
        + "lms_report:\n  email: Student Email\n  module: Course\n  status: Completion Status\n  completed: Completed At\n  revision: Quiz Revision\n  passed_values: [passed, complete]\n";
    site.write("site.yaml", &cfg);
    let req = request_without_code(&site);
    let csv =
        format!("{HEADER}{}", row(ADMIN, "Public Records Act and records retention", "complete", "11/20/2026", pr));
    let (s, out) = with_lms(&site, &req, &csv, &[]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("public-records: LMS report"), "{out}");
    // A report without the mapped columns: every missing one named, with the columns it has.
    let (s, out) = with_lms(&site, &req, "Email,Module\nx,y\n", &[]);
    assert_eq!(s, 2, "{out}");
    assert!(
        out.contains("no email column `Student Email`, module column `Course`, status column `Completion Status`"),
        "{out}"
    );
    assert!(out.contains("its columns are: Email, Module"), "{out}");
}

/// The course name `policysite export scorm` gives a package, "<quiz title> (revision N)", carries
/// the revision when the report has no revision column.
#[test]
fn a_scorm_package_title_names_quiz_and_revision() {
    let site = TestSite::bundled();
    quiz_support::close_retraining_window(&site, "public-records");
    let pr = rev(&site, "public-records");
    let req = request_without_code(&site);
    let header = "Student Email,Course,Completion Status,Completed At\n";
    let flags = &FLAGS[..8];
    let title = "Public Records Act and records retention";
    let (s, out) =
        with_lms(&site, &req, &format!("{header}{ADMIN},{title} (revision {pr}),passed,2026-11-20\n"), flags);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("public-records: LMS report"), "{out}");
    let old = pr - 1;
    let (s, out) =
        with_lms(&site, &req, &format!("{header}{ADMIN},{title} (revision {old}),passed,2026-11-20\n"), flags);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains(&format!("the LMS completion is for revision {old}")), "{out}");
    let (s, out) = with_lms(&site, &req, &format!("{header}{ADMIN},{title},passed,2026-11-20\n"), flags);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("does not say which quiz revision was passed"), "{out}");
}

/// An LMS row for a superseded revision counts until that revision's retraining deadline, as a code
/// does (`retrain_by` in the quiz, recorded by `policysite publish`).
#[test]
fn a_superseded_revision_counts_until_the_retraining_deadline() {
    let site = TestSite::bundled();
    let req = request_without_code(&site);
    let old = rev(&site, "public-records");
    let text = quiz_support::set_revision(&site.read(quiz_support::QUIZ), &(old + 1).to_string());
    let text = quiz_support::change_answer(&text)
        .replace(&format!("revision: {}\n", old + 1), &format!("revision: {}\nretrain_by: 2027-01-31\n", old + 1));
    site.write(quiz_support::QUIZ, &text);
    quiz_support::publish(&site);
    let csv = format!("{HEADER}{}", row(ADMIN, "public-records", "passed", "2026-11-20", old));
    let run_on = |today: &str| {
        site.write("report.csv", &csv);
        let f = write_request(&site, "req.json", &req);
        let report = site.path().join("report.csv");
        let mut args = vec!["request", "check", "--today", today, &f, "--lms-report", report.to_str().expect("utf8")];
        args.extend_from_slice(FLAGS);
        run(&site, &args)
    };
    let (s, out) = run_on("2027-01-31");
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("public-records: LMS report"), "{out}");
    let (s, out) = run_on("2027-02-01");
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("retraining was due by 2027-01-31"), "{out}");
    // The JSON says which deadline the row counted under.
    site.write("report.csv", &csv);
    let f = site.path().join("req.json");
    let report = site.path().join("report.csv");
    let args: Vec<&str> =
        ["request", "check", "--json", "--today", "2027-01-15", f.to_str().expect("utf8"), "--lms-report"]
            .into_iter()
            .chain([report.to_str().expect("utf8")])
            .chain(FLAGS.iter().copied())
            .collect();
    let o = site.run(&args);
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    let lms = v[0]["evidence"][0]["lms"].as_str().unwrap_or_default().to_string();
    assert!(lms.contains(&format!("revision {old} superseded; retraining due by 2027-01-31")), "{v}");
}

/// A row names the quiz by its id as a whole word (also in a package name) or by its title; a longer
/// id that starts with the quiz's id is another course and does not count.
#[test]
fn a_row_for_another_course_with_a_longer_name_does_not_count() {
    let site = TestSite::bundled();
    let pr = rev(&site, "public-records");
    let req = request_without_code(&site);
    for module in
        ["public-records", "public-records-scorm12.zip", "Public Records Act and records retention (revision 2)"]
    {
        let (s, out) =
            with_lms(&site, &req, &format!("{HEADER}{}", row(ADMIN, module, "passed", "2026-11-20", pr)), FLAGS);
        assert_eq!(s, 0, "{module}: {out}");
    }
    for module in ["public-records-advanced", "public-records2", "Public Records Act and records retentionXL"] {
        let (s, out) =
            with_lms(&site, &req, &format!("{HEADER}{}", row(ADMIN, module, "passed", "2026-11-20", pr)), FLAGS);
        assert_eq!(s, 1, "{module} is another course: {out}");
    }
}
