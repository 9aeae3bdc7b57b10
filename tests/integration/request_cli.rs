//! `policysite request check|approve|revoke` on request files: acceptance, and every rejection with
//! its reason.
use crate::common;
use crate::request_common;

use common::TestSite;
use request_common::{ADMIN, TODAY, check, code_for, good_request, run};
use serde_json::{Value, json};

fn rejected(mutate: impl FnOnce(&TestSite, &mut Value), expected: &str) {
    let site = TestSite::bundled();
    let mut req = good_request(&site);
    mutate(&site, &mut req);
    let (status, out) = check(&site, &req);
    assert_eq!(status, 1, "{out}");
    assert!(out.contains(expected), "expected `{expected}` in:\n{out}");
}

#[test]
fn a_good_request_is_acceptable() {
    let site = TestSite::bundled();
    let (status, out) = check(&site, &good_request(&site));
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("ACCEPTABLE: Instagram @stadiumtigersfb for Stadium High School (1 administrator)"), "{out}");
}

#[test]
fn barred_platform() {
    rejected(
        |_, r| r["account"]["platform"] = json!("snapchat"),
        "account.platform: Snapchat is not allowed: The District does not allow Snap Chat accounts",
    );
}

/// A platform's alias in data/platforms.yaml (`snap`, `ig`) names it in a request as its name does:
/// `snap` gets Snapchat's reason, not "not on the approved platform list"; `ig` is Instagram, and
/// the directory stores the id.
#[test]
fn a_platform_alias_names_its_platform() {
    rejected(
        |_, r| r["account"]["platform"] = json!("snap"),
        "account.platform: Snapchat is not allowed: The District does not allow Snap Chat accounts",
    );
    let site = TestSite::bundled();
    let mut req = good_request(&site);
    req["account"]["platform"] = json!("IG");
    let (s, out) = request_common::approve(&site, "ig.json", &req);
    assert_eq!(s, 0, "{out}");
    assert!(site.read("data/directory.yaml").contains("platform: instagram"), "{out}");
}

/// A code under a misspelt quiz id is not used, and the check says so beside the missing code.
#[test]
fn a_code_under_an_unknown_quiz_id_is_named() {
    rejected(
        |s, r| {
            let code = code_for(s, "public-records", ADMIN, "2026-11-20", None);
            r["administrators"][0]["codes"] = json!({ "public-record": code,
                "ferpa-student-records": r["administrators"][0]["codes"]["ferpa-student-records"].clone() });
        },
        "note: Administrator 1, codes.public-record: not a quiz of this site; the code is not used (is the quiz id misspelt?)",
    );
}

#[test]
fn code_for_another_email() {
    rejected(
        |s, r| {
            r["administrators"][0]["codes"]["public-records"] =
                json!(code_for(s, "public-records", "other@tacoma.k12.wa.us", "2026-11-20", None))
        },
        "Administrator 1, codes.public-records: code",
    );
    rejected(
        |s, r| {
            r["administrators"][0]["codes"]["public-records"] =
                json!(code_for(s, "public-records", "other@tacoma.k12.wa.us", "2026-11-20", None))
        },
        "wrong person or quiz",
    );
}

#[test]
fn code_for_the_wrong_quiz() {
    rejected(
        |s, r| {
            r["administrators"][0]["codes"]["public-records"] =
                json!(code_for(s, "professional-boundaries", ADMIN, "2026-11-20", None))
        },
        "is for `professional-boundaries`, not `public-records`",
    );
}

#[test]
fn outdated_revision() {
    rejected(
        |s, r| {
            r["administrators"][0]["codes"]["ferpa-student-records"] =
                json!(code_for(s, "ferpa-student-records", ADMIN, "2026-11-20", Some(0)))
        },
        "outdated revision",
    );
}

#[test]
fn expired_code() {
    rejected(
        |s, r| {
            r["administrators"][0]["codes"]["public-records"] =
                json!(code_for(s, "public-records", ADMIN, "2025-01-02", None))
        },
        "expired on 2026-01-02",
    );
}

#[test]
fn non_district_email() {
    rejected(
        |_, r| r["requester"]["email"] = json!("kim@gmail.com"),
        "requester.email: `kim@gmail.com` is not a District email address",
    );
}

#[test]
fn missing_flsa_attestation() {
    rejected(
        |_, r| r["administrators"][0]["flsa_exempt"] = json!(false),
        "Administrator 1, flsa_exempt: the administrator must be Fair Labor Standards Act exempt",
    );
}

#[test]
fn missing_principal_approval_for_a_school_account() {
    rejected(
        |_, r| r["principal_approval"] = Value::Null,
        "principal_approval: an account in a school's name needs the principal's approval",
    );
    // A department account does not need it.
    let site = TestSite::bundled();
    let mut req = good_request(&site);
    req["account"]["type"] = json!("department");
    req["principal_approval"] = Value::Null;
    assert_eq!(check(&site, &req).0, 0);
}

#[test]
fn malformed_json() {
    let site = TestSite::bundled();
    site.write("req.json", "{\n  \"schema\": \"policysite/account-request\",\n  \"version\": 1,\n  oops\n}");
    let o = site.run(&["request", "check", site.path().join("req.json").to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("line 4, column 3: not a valid request file"), "{out}");
    assert!(!out.contains(" at line "), "one position, the file's: {out}");
}

/// A request pasted into a text file with lines before it: the problem names the file's line, once
/// (it also said "at line 3 column 15", the line inside the request block).
#[test]
fn a_pasted_request_names_one_position() {
    let site = TestSite::bundled();
    let json = "{\n  \"schema\": \"policysite/account-request\",\n  \"version\": \"1\"\n}";
    site.write(
        "pasted.txt",
        &format!(
            "Hello,\nplease see below.\n-----BEGIN POLICYSITE REQUEST-----\n{json}\n-----END POLICYSITE REQUEST-----\n"
        ),
    );
    let (s, out) = run(&site, &["request", "check", site.path().join("pasted.txt").to_str().expect("utf8")]);
    assert_eq!(s, 1, "{out}");
    assert!(
        out.contains("line 6, column 16: not a valid request file: invalid type: string \"1\", expected u32"),
        "{out}"
    );
    assert!(!out.contains(" at line "), "{out}");
}

#[test]
fn every_problem_is_listed_not_just_the_first() {
    rejected(
        |_, r| {
            r["account"]["platform"] = json!("whisper");
            r["acknowledgements"]["no_deletion"] = json!(false);
            r["privacy_settings"]["notify_on_tag"] = json!(false);
        },
        "NOT ACCEPTABLE, 3 problems",
    );
}

#[test]
fn approve_adds_once_refuses_duplicates_and_revoke_keeps_history() {
    let site = TestSite::bundled();
    let req = good_request(&site);
    site.write("req.json", &serde_json::to_string(&req).expect("json"));
    let file = site.path().join("req.json");
    let run = |args: &[&str]| request_common::run(&site, args);
    let f = file.to_str().expect("utf8");
    let (s, out) = run(&["request", "approve", "--today", TODAY, f]);
    assert_eq!(s, 0, "{out}");
    let dir = site.read("data/directory.yaml");
    assert!(dir.contains("handle: \"@stadiumtigersfb\"") || dir.contains("handle: '@stadiumtigersfb'"), "{dir}");
    // Idempotent
    let (s, out) = run(&["request", "approve", "--today", TODAY, f]);
    assert_eq!((s, out.contains("already approved")), (0, true), "{out}");
    assert_eq!(dir, site.read("data/directory.yaml"));
    // A different request for the same platform and handle is a duplicate.
    let mut dup = req.clone();
    dup["id"] = json!("req-20261128-00000002");
    dup["account"]["handle"] = json!("StadiumTigersFB");
    site.write("dup.json", &serde_json::to_string(&dup).expect("json"));
    let (s, out) = run(&["request", "check", "--today", TODAY, site.path().join("dup.json").to_str().expect("utf8")]);
    assert_eq!(s, 1);
    assert!(out.contains("is already an official account"), "{out}");
    let (s, _) = run(&["request", "approve", "--today", TODAY, site.path().join("dup.json").to_str().expect("utf8")]);
    assert_eq!(s, 1);
    // The directory page shows it after a rebuild.
    site.build_ok();
    assert!(site.html("directory/index.html").contains("data-account=\"instagram:@stadiumtigersfb\""));
    // Revoke keeps it in the file as history and takes it off the page.
    let (s, out) =
        run(&["request", "revoke", "--today", TODAY, "--reason", "Team merged", "instagram:@stadiumtigersfb"]);
    assert_eq!(s, 0, "{out}");
    let dir = site.read("data/directory.yaml");
    assert!(dir.contains("status: retired") && dir.contains("Team merged"), "{dir}");
    site.build_ok();
    assert!(!site.html("directory/index.html").contains("stadiumtigersfb"));
    // Now the duplicate can be approved.
    let (s, out) = run(&["request", "approve", "--today", TODAY, site.path().join("dup.json").to_str().expect("utf8")]);
    assert_eq!(s, 0, "{out}");
}

#[test]
fn managers_show_only_on_an_intranet_build() {
    let site = TestSite::bundled();
    site.write("req.json", &serde_json::to_string(&good_request(&site)).expect("json"));
    assert!(
        site.run(&["request", "approve", "--today", TODAY, site.path().join("req.json").to_str().expect("utf8")])
            .status
            .success()
    );
    site.build_ok();
    assert!(!site.html("directory/index.html").contains("Kim Coach"));
    assert!(!site.html("directory/accounts.json").contains("Kim Coach"));
    let cfg = site.read("site.yaml").replace("show_managers: false", "show_managers: true");
    site.write("site.yaml", &cfg);
    site.build_ok();
    // ui (issue 13): directory cells carry role/data-label attributes for the phone-width cards.
    assert!(
        site.html("directory/index.html")
            .contains(r#"data-label="Managed by">Kim Coach (training counts until 2027-11-20)</td>"#)
    );
    assert!(site.html("directory/accounts.json").contains("Kim Coach"));
}

#[test]
fn check_reports_json_for_scripts() {
    let site = TestSite::bundled();
    let mut bad = good_request(&site);
    bad["account"]["platform"] = json!("snapchat");
    site.write("good.json", &serde_json::to_string(&good_request(&site)).expect("json"));
    site.write("bad.json", &serde_json::to_string(&bad).expect("json"));
    let o = site.run(&[
        "request",
        "check",
        "--json",
        "--today",
        TODAY,
        site.path().join("good.json").to_str().expect("utf8"),
        site.path().join("bad.json").to_str().expect("utf8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "one request is not acceptable");
    let report: Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(report[0]["acceptable"], true);
    assert_eq!(report[0]["problems"], json!([]));
    assert_eq!(report[1]["acceptable"], false);
    assert_eq!(report[1]["problems"][0]["field"], "account.platform");
    assert!(report[1]["problems"][0]["message"].as_str().is_some_and(|m| m.contains("Snapchat is not allowed")));
}

/// `policysite request audit | head -1`: the reader stops, and the command ends as Unix tools do
/// (killed by SIGPIPE) instead of panicking with "failed printing to stdout: Broken pipe".
#[cfg(unix)]
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let site = TestSite::bundled();
    assert_eq!(request_common::approve(&site, "req.json", &good_request(&site)).0, 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(site.path())
        .args(["request", "audit", "--today", "2030-01-01"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run policysite");
    drop(child.stdout.take()); // the reader is gone before the first line is written
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.signal(), Some(13), "ended by SIGPIPE: {:?}\n{stderr}", out.status);
}
