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

/// One published revision of `quiz` as the site's `quizzes/revisions.lock` records it (read as JSON,
/// not through the code under test): its publication date, and the retraining deadline it set for
/// holders of the revision before it (`retrain_by`).
struct Published {
    published: String,
    retrain_by: Option<String>,
}

fn lock(site: &TestSite, quiz: &str, revision: u32) -> Published {
    let text = site.read("quizzes/revisions.lock");
    let v: Value = serde_json::from_str(&text).expect("quizzes/revisions.lock is JSON");
    let entry = v["quizzes"][quiz]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["revision"] == revision))
        .unwrap_or_else(|| panic!("quizzes/revisions.lock has no revision {revision} of `{quiz}`"));
    Published {
        published: entry["published"].as_str().expect("published").to_string(),
        retrain_by: entry["retrain_by"].as_str().map(str::to_string),
    }
}

/// The date `quiz`'s `revision` was published.
fn published(site: &TestSite, quiz: &str, revision: u32) -> String {
    lock(site, quiz, revision).published
}

/// Until when a completion of `revision` counts once the next revision is out (`retrain_by` of the next).
fn retraining_due(site: &TestSite, quiz: &str, revision: u32) -> String {
    lock(site, quiz, revision + 1).retrain_by.unwrap_or_else(|| {
        panic!("revision {} of `{quiz}` gives revision {revision} no retraining window", revision + 1)
    })
}

fn row(email: &str, quiz: &str, status: &str, date: &str, revision: u32) -> String {
    format!("{email},{quiz},{status},90,{date},{revision}\n")
}

fn with_lms(site: &TestSite, req: &Value, csv: &str, extra: &[&str]) -> (i32, String) {
    with_lms_on(site, TODAY, req, csv, extra)
}

/// [`with_lms`] checked on `today`.
fn with_lms_on(site: &TestSite, today: &str, req: &Value, csv: &str, extra: &[&str]) -> (i32, String) {
    site.write("report.csv", csv);
    let f = write_request(site, "req.json", req);
    let report = site.path().join("report.csv");
    let mut args = vec!["request", "check", "--today", today, &f, "--lms-report", report.to_str().expect("utf8")];
    args.extend_from_slice(extra);
    run(site, &args)
}

/// The column flags of the long report these tests write (`HEADER`); `registry_year` uses the
/// first ten (its report has no score column).
pub const FLAGS: &[&str] = &[
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
        out.contains(
            &format!("  Administrator 1: Kim Coach <kim.coach@tacoma.k12.wa.us>\n    public-records: VALID, LMS report report.csv, line 2: revision {pr}, completed 2026-11-20, counts until 2027-11-20")
        ),
        "{out}"
    );
    assert!(out.contains("    ferpa-student-records: VALID, code "), "{out}");
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
                "Administrator 1, codes.public-records: no completion code for `public-records`; LMS report: "
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
    assert!(
        out.contains("public-records: VALID, code ")
            && out.contains(
                "\n      disagreement: the code is valid, but the LMS report does not confirm it: LMS status `failed`"
            ),
        "{out}"
    );
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
    assert!(out.contains("public-records: VALID, LMS report report.csv, line 2: revision "), "{out}");
    assert!(out.contains("\n      disagreement: the code does not hold (code "), "{out}");
    assert!(out.contains("wrong person or quiz"), "verify's verdict text unchanged:\n{out}");
    assert!(out.contains("(code and LMS report both hold)"), "{out}");
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
    assert!(out.contains("public-records: VALID, LMS report report.csv"), "{out}");
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
    // Passed on the day the current revision was published, checked that day.
    let on = published(&site, "public-records", pr);
    let req = request_without_code(&site);
    let header = "Student Email,Course,Completion Status,Completed At\n";
    let flags = &FLAGS[..8];
    let title = "Public Records Act and records retention";
    let (s, out) =
        with_lms_on(&site, &on, &req, &format!("{header}{ADMIN},{title} (revision {pr}),passed,{on}\n"), flags);
    assert_eq!(s, 0, "{out}");
    assert!(
        out.contains(&format!("public-records: VALID, LMS report report.csv, line 2: revision {pr}, completed {on}")),
        "{out}"
    );
    let old = pr - 1;
    let (s, out) =
        with_lms_on(&site, &on, &req, &format!("{header}{ADMIN},{title} (revision {old}),passed,{on}\n"), flags);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains(&format!("the LMS completion is for revision {old}")), "{out}");
    let (s, out) = with_lms_on(&site, &on, &req, &format!("{header}{ADMIN},{title},passed,{on}\n"), flags);
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
    assert!(out.contains("public-records: VALID, LMS report report.csv"), "{out}");
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
    let titled = format!("Public Records Act and records retention (revision {pr})");
    for module in ["public-records", "public-records-scorm12.zip", &titled] {
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

// ---- Issue 20: real exports (tests/fixtures/lms/, shapes documented in its README) ----

/// The public-records revision the fixtures were exported for, and the day it was published (the
/// bundled lock's current revision). When the bundled quiz moves on, `every_vendor_export_reads_to_the_same_evidence`
/// says so; move the fixtures with `tests/fixtures/lms/rebase.py` and update these two.
const FIXTURE_REVISION: u32 = 3;
const FIXTURE_DATE: &str = "2026-12-05";

/// A fixture copied into the site, and the flags its export needs (`{revision}` and `{date}` stand for
/// [`FIXTURE_REVISION`] and [`FIXTURE_DATE`]).
struct Export {
    file: &'static str,
    flags: &'static [&'static str],
    /// The line of Kim's passing row (or cell).
    line: u64,
}

const EXPORTS: &[Export] = &[
    Export {
        file: "moodle-scorm-report.txt",
        flags: &[
            "--lms-email-column",
            "Email address",
            "--lms-date-column",
            "Last accessed on",
            "--lms-quiz-column",
            "Public Records Act and records retention (revision {revision})=public-records",
        ],
        line: 3,
    },
    Export {
        file: "canvas-gradebook.csv",
        flags: &["--lms-mapping", "canvas-mapping.yaml", "--lms-undated-as", "{date}"],
        line: 3,
    },
    Export {
        file: "blackboard-grade-center.xls",
        flags: &[
            "--lms-email-column",
            "Username",
            "--lms-email-domain",
            "tacoma.k12.wa.us",
            "--lms-quiz-column",
            "Public Records Act and records retention (revision {revision})=public-records",
            "--lms-undated-as",
            "{date}",
        ],
        line: 2,
    },
    Export {
        file: "cornerstone-transcript.csv",
        flags: &[
            "--lms-email-column",
            "User Email",
            "--lms-module-column",
            "Training Title",
            "--lms-status-column",
            "Transcript Status",
            "--lms-date-column",
            "Completed Date",
            "--lms-revision-column",
            "Training Version",
            "--lms-score-column",
            "Score",
            "--lms-passed",
            "Completed",
            // Excel on a US Windows writes MM/DD/YYYY; 12/05/2026 alone does not settle the order.
            "--lms-date-format",
            "%m/%d/%Y",
        ],
        line: 2,
    },
    Export {
        file: "scorm-cloud-registrations.csv",
        flags: &[
            "--lms-email-column",
            "Learner Email",
            "--lms-module-column",
            "Course Id",
            "--lms-status-column",
            "Registration Success",
            "--lms-date-column",
            "Completed Date",
            "--lms-revision-column",
            "Course Title",
            "--lms-score-column",
            "Score",
        ],
        line: 2,
    },
];

/// `request check --json` with one export, on the day it was taken ([`FIXTURE_DATE`]); returns
/// (exit, JSON, stderr).
fn check_export(site: &TestSite, req: &Value, e: &Export, extra: &[&str]) -> (i32, Value, String) {
    let src = std::path::Path::new(common::REPO).join("tests/fixtures/lms");
    for f in [e.file, "canvas-mapping.yaml"] {
        std::fs::copy(src.join(f), site.path().join(f)).expect("copy fixture");
    }
    let f = write_request(site, "req.json", req);
    let flags: Vec<String> = e
        .flags
        .iter()
        .map(|a| a.replace("{revision}", &FIXTURE_REVISION.to_string()).replace("{date}", FIXTURE_DATE))
        .collect();
    let mut args = vec!["request", "check", "--json", "--today", FIXTURE_DATE, &f, "--lms-report", e.file];
    args.extend(flags.iter().map(String::as_str));
    args.extend_from_slice(extra);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_policysite"))
        .current_dir(site.path())
        .arg("--root")
        .arg(site.path())
        .args(&args)
        .output()
        .expect("run");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), v, String::from_utf8_lossy(&o.stderr).into_owned())
}

/// Every export shape reads to the same evidence: Kim passed the current revision of public-records on
/// the day it was published in the bundled site, at the row or cell where the export says so; the
/// other learners' rows do not count.
#[test]
fn every_vendor_export_reads_to_the_same_evidence() {
    let site = TestSite::bundled();
    let (pr, on) = (rev(&site, "public-records"), published(&site, "public-records", rev(&site, "public-records")));
    assert!(
        pr == FIXTURE_REVISION && on == FIXTURE_DATE,
        "tests/fixtures/lms/ hold public-records revision {FIXTURE_REVISION} published {FIXTURE_DATE}, but the bundled \
         quizzes/revisions.lock's current revision is {pr}, published {on}: run \
         `python3 tests/fixtures/lms/rebase.py {FIXTURE_REVISION} {FIXTURE_DATE} {pr} {on}` and set FIXTURE_REVISION and \
         FIXTURE_DATE in tests/integration/request_lms.rs (see tests/fixtures/lms/README.md)"
    );
    let req = request_without_code(&site);
    let mut seen = Vec::new();
    for e in EXPORTS {
        let (s, v, err) = check_export(&site, &req, e, &[]);
        assert_eq!(s, 0, "{}: {err}\n{v}", e.file);
        let ev = &v[0]["evidence"][0];
        assert_eq!(ev["quiz"], "public-records", "{}: {v}", e.file);
        assert_eq!(ev["used"], "lms_report", "{}: {v}", e.file);
        let lms = ev["lms"].as_str().unwrap_or_default();
        assert_eq!(lms, format!("passed revision {pr} on {on} ({}, line {})", e.file, e.line), "{}", e.file);
        seen.push(lms.split(" (").next().unwrap_or_default().to_string());
        // José's attempt in the same file is a fail; Pat has no attempt (Moodle lists "Not attempted").
        for (who, want) in [
            ("jose.nunez@tacoma.k12.wa.us", "not a pass"),
            (
                "pat.doe@tacoma.k12.wa.us",
                if e.file.starts_with("moodle") { "not a pass" } else { "no completion for this email" },
            ),
        ] {
            let mut other = req.clone();
            other["administrators"][0]["email"] = json!(who);
            let (s, v, _) = check_export(&site, &other, e, &[]);
            assert_eq!(s, 1, "{}: {v}", e.file);
            let lms = v[0]["evidence"][0]["lms"].as_str().unwrap_or_default();
            assert!(lms.contains(want), "{} {who}: {lms}", e.file);
            println!("{} {who}: {lms}", e.file);
        }
    }
    seen.dedup();
    assert_eq!(seen, vec![format!("passed revision {pr} on {on}")]);
}

#[test]
fn windows_1252_and_utf16_exports_are_decoded() {
    let site = TestSite::bundled();
    let cornerstone = &EXPORTS[3];
    let bytes = std::fs::read(std::path::Path::new(common::REPO).join("tests/fixtures/lms").join(cornerstone.file))
        .expect("fixture");
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture is Windows-1252 (José), not UTF-8");
    let req = request_without_code(&site);
    assert_eq!(check_export(&site, &req, cornerstone, &[]).0, 0);
    // Forcing another encoding is possible, and wrong names are refused.
    let (s, _, err) = check_export(&site, &req, cornerstone, &["--lms-encoding", "klingon"]);
    assert_eq!(s, 2);
    assert!(err.contains("not an encoding name"), "{err}");
}

#[test]
fn ambiguous_dates_need_a_format_and_two_digit_years_are_refused() {
    let site = TestSite::bundled();
    let req = request_without_code(&site);
    let pr = rev(&site, "public-records");
    let csv = format!("{HEADER}{ADMIN},public-records,passed,90,05/11/2026,{pr}\n");
    let (s, out) = with_lms(&site, &req, &csv, FLAGS);
    assert_eq!(s, 2, "{out}");
    assert!(out.contains("report.csv:2: column `Completed At`: `05/11/2026` is ambiguous"), "{out}");
    assert!(out.contains("--lms-date-format"), "{out}");
    let with_format = [FLAGS, &["--lms-date-format", "%d/%m/%Y"]].concat();
    let (s, out) = with_lms(&site, &req, &csv, &with_format);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("LMS report"), "{out}");
    let (s, out) = with_lms(&site, &req, &format!("{HEADER}{ADMIN},public-records,passed,90,11/20/26,2\n"), FLAGS);
    assert_eq!(s, 2, "{out}");
    assert!(out.contains("two-digit year"), "{out}");
    let with_y = [FLAGS, &["--lms-date-format", "%m/%d/%y"]].concat();
    let (s, out) = with_lms(&site, &req, &csv, &with_y);
    assert_eq!(s, 2, "{out}");
    assert!(out.contains("two-digit year"), "{out}");
}

#[test]
fn revision_values_and_a_revision_column_read_by_default() {
    let site = TestSite::bundled();
    let req = request_without_code(&site);
    let pr = rev(&site, "public-records");
    let read = format!("public-records: VALID, LMS report report.csv, line 2: revision {pr}, completed 2026-11-20");
    for value in [format!("v{pr}"), format!("Version {pr}"), format!("revision {pr}"), format!("r{pr}"), pr.to_string()]
    {
        let (s, out) =
            with_lms(&site, &req, &format!("{HEADER}{ADMIN},public-records,passed,90,2026-11-20,{value}\n"), FLAGS);
        assert_eq!(s, 0, "{value}: {out}");
        assert!(out.contains(&read), "{value}: {out}");
    }
    // No --lms-revision-column: a column named `revision` is read.
    let csv = format!(
        "Student Email,Course,Completion Status,Completed At,Revision\n{ADMIN},public-records,passed,2026-11-20,v{pr}\n"
    );
    let (s, out) = with_lms(&site, &req, &csv, &FLAGS[..8]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains(&read), "{out}");
}

#[test]
fn crlf_line_numbers_point_at_the_right_row_and_unbalanced_quotes_are_errors() {
    let site = TestSite::bundled();
    let req = request_without_code(&site);
    let csv = format!(
        "{}{}{}",
        HEADER.replace('\n', "\r\n"),
        row("someone.else@tacoma.k12.wa.us", "public-records", "passed", "2026-11-20", 2).replace('\n', "\r\n"),
        row(ADMIN, "public-records", "failed", "2026-11-20", 2).replace('\n', "\r\n")
    );
    let (s, out) = with_lms(&site, &req, &csv, FLAGS);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("report.csv, line 3)"), "Kim's row is line 3: {out}");
    let csv = format!(
        "{HEADER}{ADMIN},\"public-records,passed,90,2026-11-20,2\nother@tacoma.k12.wa.us,x,passed,90,2026-11-20,2\n"
    );
    let (s, out) = with_lms(&site, &req, &csv, FLAGS);
    assert_eq!(s, 2, "{out}");
    assert!(out.contains("report.csv:2: a quoted field opened here is never closed"), "{out}");
}

#[test]
fn a_title_prefix_or_one_cell_for_two_quizzes_does_not_count() {
    let site = TestSite::bundled();
    let req = request_without_code(&site);
    for module in
        ["Public Records Act and records retention Advanced", "Public Records Act and records retention: refresher"]
    {
        let (s, out) =
            with_lms(&site, &req, &format!("{HEADER}{}", row(ADMIN, module, "passed", "2026-11-20", 2)), FLAGS);
        assert_eq!(s, 1, "{module}: {out}");
    }
    let (s, out) = with_lms(
        &site,
        &req,
        &format!("{HEADER}{}", row(ADMIN, "public-records + ferpa-student-records", "passed", "2026-11-20", 2)),
        FLAGS,
    );
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("one cell never counts for two quizzes"), "{out}");
    // A wide mapping cannot send one column to two quizzes.
    let moodle = &EXPORTS[0];
    let (s, _, err) = check_export(
        &site,
        &req,
        moodle,
        &[
            "--lms-quiz-column",
            &format!("Public Records Act and records retention (revision {FIXTURE_REVISION}) =ferpa-student-records"),
        ],
    );
    assert_eq!(s, 2, "{err}");
    assert!(err.contains("mapped to both"), "{err}");
}

#[test]
fn an_empty_passed_value_is_refused() {
    let site = TestSite::bundled();
    let req = request_without_code(&site);
    let csv = format!("{HEADER}{}", row(ADMIN, "public-records", "", "2026-11-20", 2));
    let (s, out) = with_lms(&site, &req, &csv, &[FLAGS, &["--lms-passed", ""]].concat());
    assert_eq!(s, 2, "{out}");
    assert!(out.contains("empty passed value"), "{out}");
}

/// An LMS pass of a superseded revision inside its window is noted like a code's: "retraining due by".
#[test]
fn an_lms_pass_of_a_superseded_revision_is_noted_with_its_deadline() {
    let site = TestSite::bundled();
    let req = request_without_code(&site);
    let old = rev(&site, "public-records");
    let text = quiz_support::set_revision(&site.read(quiz_support::QUIZ), &(old + 1).to_string());
    let text = quiz_support::change_answer(&text)
        .replace(&format!("revision: {}\n", old + 1), &format!("revision: {}\nretrain_by: 2027-01-31\n", old + 1));
    site.write(quiz_support::QUIZ, &text);
    quiz_support::publish(&site);
    let csv = format!("{HEADER}{}", row(ADMIN, "public-records", "passed", "2026-11-20", old));
    let (s, out) = with_lms(&site, &req, &csv, FLAGS);
    assert_eq!(s, 0, "{out}");
    assert!(
        out.contains(&format!(
            "Administrator 1, codes.public-records: LMS report: passed revision {old} on 2026-11-20, revision {old} superseded; retraining due by 2027-01-31"
        )),
        "{out}"
    );
}

/// After a package replacement that kept learners' tracks (stable identifiers; Moodle), the LMS lists
/// an attempt of the old revision under the new title. A revision read from a title therefore
/// yields to the completion date: an attempt dated before the current revision N was published (dates
/// from the bundled `quizzes/revisions.lock`), and on or after revision N-1 was, is an attempt of
/// revision N-1, counted only inside N-1's retraining window. A revision value in a revision column
/// is data and is taken as written.
#[test]
fn a_title_revision_older_than_its_publication_is_the_revision_current_then() {
    let site = TestSite::bundled();
    let req = request_without_code(&site);
    let pr = rev(&site, "public-records");
    let old = pr - 1;
    // Checked on the day the current revision was published; the attempt is from the day the one before was.
    let today = published(&site, "public-records", pr);
    let then = published(&site, "public-records", old);
    assert!(then < today, "revision {old} ({then}) is published before revision {pr} ({today})");
    let due = retraining_due(&site, "public-records", old);
    let header = "Student Email,Course,Completion Status,Completed At\n";
    let titled = format!("{header}{ADMIN},Public Records Act and records retention (revision {pr}),passed,{then}\n");
    let (s, out) = with_lms_on(&site, &today, &req, &titled, &FLAGS[..8]);
    assert_eq!(s, 0, "{out}");
    assert!(
        out.contains(&format!(
            "LMS report: passed revision {old} on {then}, revision {old} superseded; retraining due by {due}"
        )),
        "{out}"
    );
    // Before every published revision (revision 1's date from the lock).
    let before_all = "2026-11-20";
    assert!(before_all < published(&site, "public-records", 1).as_str(), "{before_all} is before revision 1");
    let (s, out) = with_lms_on(
        &site,
        &today,
        &req,
        &format!("{HEADER}{}", row(ADMIN, "public-records", "passed", before_all, pr)),
        FLAGS,
    );
    assert_eq!(s, 0, "{out}");
    assert!(
        out.contains(&format!(
            "public-records: VALID, LMS report report.csv, line 2: revision {pr}, completed {before_all}"
        )),
        "{out}"
    );
    assert!(!out.contains("retraining due by"), "a revision column is taken as written: {out}");
    // Older than every published revision: not counted.
    let (s, out) = with_lms_on(&site, &today, &req, &titled.replace(&then, before_all), &FLAGS[..8]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains(&format!("older than revision {pr} ({today}), which the title names")), "{out}");
    quiz_support::close_retraining_window(&site, "public-records");
    let (s, out) = with_lms_on(&site, &today, &req, &titled, &FLAGS[..8]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains(&format!("the LMS completion is for revision {old}")), "{out}");
}
