//! Issue 18: a year in the registry, with `--today` moving. Two accounts are approved (a classroom
//! on completion codes, a sports team on an LMS report), `audit` finds the lapsing administrator 30
//! days before the lapse, `renew` clears it, `update` hands an account to a new administrator (and
//! refuses one without training), reviews fall due and `review` clears them, `history` shows every
//! step, and the public directory shows no evidence while an intranet build shows its status.
use crate::common;
use crate::request_common;

use common::TestSite;
use request_common::*;
use serde_json::{Value, json};

pub const LEE: &str = "lee.teacher@tacoma.k12.wa.us";
const ALEX: &str = "alex.assistant@tacoma.k12.wa.us";
/// The LMS report columns of `request_lms` (all but the score column, which this report has not).
const LMS_FLAGS: &[&str] = crate::request_lms::FLAGS.split_at(10).0;

/// Ms. Lee's classroom account, with her codes of 2026-11-20.
pub fn classroom_request(site: &TestSite) -> Value {
    let mut req = good_request(site);
    req["id"] = json!("req-20261128-c1a55001");
    req["requester"] = json!({ "name": "Lee Teacher", "email": LEE });
    req["account"] = json!({ "type": "classroom", "unit": "Stadium High School", "name": "Ms. Lee's Biology",
        "purpose": "educational", "description": "Assignments and lab news for Biology 1.", "platform": "instagram",
        "handle": "@msleebio", "url": null });
    req["administrators"] = json!([{ "name": "Lee Teacher", "email": LEE, "flsa_exempt": true, "codes": {
        "public-records": code_for(site, "public-records", LEE, "2026-11-20", None),
        "ferpa-student-records": code_for(site, "ferpa-student-records", LEE, "2026-11-20", None) } }]);
    req
}

fn rev(site: &TestSite, quiz: &str) -> u32 {
    policysite::quiz::load_all(site.path()).expect("quizzes").get(quiz).expect("quiz").revision
}

fn path(site: &TestSite, rel: &str) -> String {
    site.path().join(rel).to_str().expect("utf8").to_string()
}

/// `policysite ARGS…` printed (for the closing note's transcript) and returned.
fn step(site: &TestSite, args: &[&str]) -> (i32, String) {
    let (s, out) = run(site, args);
    println!("$ policysite {}\n{out}[exit {s}]\n", args.join(" "));
    (s, out)
}

fn renewal(name: &str, email: &str, codes: Value) -> String {
    serde_json::to_string_pretty(
        &json!({ "schema": "policysite/training-renewal", "version": 1, "name": name, "email": email, "codes": codes }),
    )
    .expect("json")
}

#[test]
fn a_year_in_the_registry() {
    let site = TestSite::bundled();
    // November 2026: a classroom account, approved on codes.
    let (s, out) = check(&site, &classroom_request(&site));
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("note: rule: accounts in a school's name (a school, a classroom"), "{out}");
    assert!(out.contains("guidance for classroom accounts: Students may follow a classroom account"), "{out}");
    assert!(
        out.contains("  Administrator 1: Lee Teacher <lee.teacher@tacoma.k12.wa.us>\n    public-records: VALID, code "),
        "{out}"
    );
    assert!(out.contains("completed 2026-11-20, counts until 2027-11-20"), "{out}");
    let a = write_request(&site, "classroom.json", &classroom_request(&site));
    let (s, out) = step(&site, &["request", "approve", "--today", TODAY, "--by", "Casey Comms", &a]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("approved by Casey Comms on 2026-11-28"), "{out}");

    // A sports team with no codes, approved on the district LMS report (what check accepts, approve approves).
    let mut team = good_request(&site);
    team["administrators"][0]["codes"] = json!({});
    let b = write_request(&site, "team.json", &team);
    let (pr, fr) = (rev(&site, "public-records"), rev(&site, "ferpa-student-records"));
    site.write(
        "lms.csv",
        &format!(
            "Student Email,Course,Completion Status,Completed At,Quiz Revision\n{ADMIN},public-records,passed,2026-11-25,{pr}\n{ADMIN},ferpa-student-records,passed,2026-11-25,{fr}\n"
        ),
    );
    let lms = path(&site, "lms.csv");
    let mut args = vec!["request", "approve", "--today", TODAY, "--by", "Casey Comms", &b, "--lms-report", &lms];
    args.extend_from_slice(LMS_FLAGS);
    let (s, out) = step(&site, &args);
    assert_eq!(s, 0, "{out}");
    let dir = site.read("data/directory.yaml");
    for expected in [
        "approved_by: Casey Comms",
        "kind: code",
        "kind: lms",
        "file: lms.csv",
        "learner: kim.coach@tacoma.k12.wa.us",
        "counts_until: \"2027-11-20\"",
        "counts_until: \"2027-11-25\"",
    ] {
        assert!(dir.contains(expected), "`{expected}` not in the directory:\n{dir}");
    }
    assert!(dir.contains(&code_for(&site, "public-records", LEE, "2026-11-20", None)), "{dir}");

    // The day before the 30-day window: nothing to do. The first day of it: Ms. Lee, exit 1.
    assert_eq!(step(&site, &["request", "audit", "--within", "30", "--today", "2027-10-20"]).0, 0);
    let (s, out) = step(&site, &["request", "audit", "--within", "30", "--today", "2027-10-21"]);
    assert_eq!(s, 1, "{out}");
    assert!(
        out.contains("instagram:@msleebio (Stadium High School; request req-20261128-c1a55001, approved 2026-11-28): Lee Teacher <lee.teacher@tacoma.k12.wa.us>: `public-records` counts until 2027-11-20"),
        "{out}"
    );
    assert!(!out.contains("Kim Coach"), "Kim's training counts until 2027-11-25, beyond the window:\n{out}");
    let (s, csv) = step(&site, &["request", "audit", "--format", "csv", "--today", "2027-10-21"]);
    assert_eq!(s, 1, "{csv}");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("email,name,accounts,actions,by"));
    let row = lines.next().expect("a row for Ms. Lee");
    assert!(
        row.starts_with("lee.teacher@tacoma.k12.wa.us,Lee Teacher,instagram:@msleebio (Stadium High School),"),
        "{csv}"
    );
    assert!(row.ends_with(",2027-11-20"), "{csv}");
    assert_eq!(lines.next(), None, "one row per person to remind:\n{csv}");
    let (_, json_out) = run(&site, &["request", "audit", "--format", "json", "--today", "2027-10-21"]);
    let v: Value = serde_json::from_str(&json_out).expect("json");
    assert_eq!(v[0]["kind"], "training_lapsing");
    assert_eq!(v[0]["date"], "2027-11-20");
    // Left alone, the account has no administrator the regulation allows once the day passes.
    let (s, out) = step(&site, &["request", "audit", "--today", "2027-11-21"]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("`public-records` lapsed after 2027-11-20"), "{out}");
    assert!(out.contains("1 account(s) with no administrator whose training counts"), "{out}");

    // Renewal: a code that is not hers is refused and nothing is recorded; her new codes clear it.
    let wrong = code_for(&site, "public-records", ADMIN, "2027-10-18", None);
    site.write("lee-bad.json", &renewal("Lee Teacher", LEE, json!({ "public-records": wrong })));
    let before = site.read("data/directory.yaml");
    let (s, out) = step(&site, &["request", "renew", "--today", "2027-10-21", &path(&site, "lee-bad.json")]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("wrong person or quiz"), "{out}");
    assert_eq!(site.read("data/directory.yaml"), before, "a refused renewal changes nothing");
    let codes = json!({
        "public-records": code_for(&site, "public-records", LEE, "2027-10-18", None),
        "ferpa-student-records": code_for(&site, "ferpa-student-records", LEE, "2027-10-18", None) });
    site.write("lee.json", &renewal("Lee Teacher", LEE, codes));
    let (s, out) =
        step(&site, &["request", "renew", "--today", "2027-10-21", "--by", "Casey Comms", &path(&site, "lee.json")]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("public-records: VALID, code "), "{out}");
    assert!(out.contains("counts until 2028-10-17"), "{out}");
    assert!(out.contains("recorded on instagram @msleebio (Stadium High School)"), "{out}");
    assert_eq!(step(&site, &["request", "audit", "--today", "2027-10-21"]).0, 0);

    // Handover: Kim Coach leaves the team account; Alex takes it. Refused while Alex has no training.
    let mut handover = good_request(&site);
    handover["id"] = json!("req-20271026-hand0ver");
    handover["update_of"] = json!("req-20261128-abcdef01");
    handover["submitted"] = json!("2027-10-26");
    handover["administrators"] = json!([{ "name": "Alex Assistant", "email": ALEX, "flsa_exempt": true, "codes": {} }]);
    let h = write_request(&site, "handover.json", &handover);
    let (s, out) = step(&site, &["request", "update", "--today", "2027-10-26", &h]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("Administrator 1, codes.public-records: no completion code"), "{out}");
    assert!(out.contains("administrators removed: Kim Coach <kim.coach@tacoma.k12.wa.us>"), "{out}");
    let (s, out) = step(&site, &["request", "approve", "--today", "2027-10-26", &h]);
    assert_eq!(s, 1, "approve refuses an update request:\n{out}");
    handover["administrators"][0]["codes"] = json!({
        "public-records": code_for(&site, "public-records", ALEX, "2027-10-25", None),
        "ferpa-student-records": code_for(&site, "ferpa-student-records", ALEX, "2027-10-25", None) });
    let h = write_request(&site, "handover.json", &handover);
    let (s, out) = step(&site, &["request", "check", "--today", "2027-10-26", &h]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("note: update of @stadiumtigersfb on instagram"), "{out}");
    let (s, out) = step(&site, &["request", "update", "--today", "2027-10-26", "--by", "Casey Comms", &h]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("administrators added: Alex Assistant <alex.assistant@tacoma.k12.wa.us>"), "{out}");
    // An account keeps at least one administrator.
    handover["administrators"] = json!([]);
    let h2 = write_request(&site, "empty.json", &handover);
    let (s, out) = run(&site, &["request", "update", "--today", "2027-10-26", &h2]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("at least one account administrator is required"), "{out}");

    // A year after approval the reviews fall due; reviewing clears them.
    let (s, out) = step(&site, &["request", "audit", "--within", "0", "--today", "2027-11-28"]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("2 account(s) due for their periodic review"), "{out}");
    assert!(out.contains("periodic review due 2027-11-28 (approved 2026-11-28, never reviewed)"), "{out}");
    for account in ["instagram:@msleebio", "req-20261128-abcdef01"] {
        let (s, out) = step(
            &site,
            &["request", "review", account, "--by", "Casey Comms", "--note", "posts fine", "--today", "2027-11-28"],
        );
        assert_eq!(s, 0, "{out}");
        assert!(out.contains("next review due 2028-11-27"), "{out}");
    }
    assert_eq!(step(&site, &["request", "audit", "--within", "0", "--today", "2027-11-28"]).0, 0);

    // The history of each account, every step with who and when.
    let (s, out) = step(&site, &["request", "history", "instagram:@msleebio"]);
    assert_eq!(s, 0, "{out}");
    for expected in [
        "2026-11-28  approved  Casey Comms: approved instagram @msleebio for Stadium High School (classroom)",
        "2026-11-28  evidence  Casey Comms: Lee Teacher <lee.teacher@tacoma.k12.wa.us>: public-records code (revision",
        "2027-10-21  renewed   Casey Comms: Lee Teacher <lee.teacher@tacoma.k12.wa.us>: public-records code (revision",
        "2027-11-28  reviewed  Casey Comms: periodic review: posts fine",
    ] {
        assert!(out.contains(expected), "`{expected}` not in:\n{out}");
    }
    let (_, out) = step(&site, &["request", "history", "req-20261128-abcdef01"]);
    assert!(
        out.contains(
            "evidence  Casey Comms: Kim Coach <kim.coach@tacoma.k12.wa.us>: public-records LMS report lms.csv line 2"
        ),
        "{out}"
    );
    assert!(out.contains("2027-10-26  updated   Casey Comms: administrators added: Alex Assistant"), "{out}");
    assert!(out.contains("administrators removed: Kim Coach"), "{out}");

    // The public directory: accounts, no people, no evidence. The intranet build: names and status.
    site.build_ok();
    let alex_code = code_for(&site, "public-records", ALEX, "2027-10-25", None);
    for page in ["directory/index.html", "directory/accounts.json"] {
        let text = site.html(page);
        assert!(text.contains("msleebio"), "{page}");
        for secret in ["Lee Teacher", "Alex", "lms.csv", "training counts", alex_code.as_str(), "lee.teacher@"] {
            assert!(!text.contains(secret), "{page} shows `{secret}`");
        }
    }
    let cfg = site.read("site.yaml").replace("show_managers: false", "show_managers: true");
    site.write("site.yaml", &cfg);
    site.build_ok();
    let page = site.html("directory/index.html");
    assert!(page.contains("Lee Teacher (training counts until 2028-10-17)"), "{page}");
    assert!(page.contains("Alex Assistant (training counts until 2028-10-24)"), "{page}");
    for page in ["directory/index.html", "directory/accounts.json"] {
        let text = site.html(page);
        for secret in [alex_code.as_str(), "lms.csv", "lee.teacher@", "kind"] {
            assert!(!text.contains(secret), "{page} shows `{secret}`");
        }
    }
}

/// A directory written before the registry kept evidence still loads; `audit` asks for the evidence,
/// and the first change writes a history entry saying where the record starts.
#[test]
fn an_old_directory_is_read_and_migrated_on_write() {
    let site = TestSite::bundled();
    site.write(
        "data/directory.yaml",
        "accounts:\n- request_id: req-old\n  platform: facebook\n  handle: '@oldschool'\n  account_type: school\n  unit: Old School\n  approved: 2025-09-01\n  managers:\n  - name: Pat Old\n    email: pat.old@tacoma.k12.wa.us\n",
    );
    let (s, out) = run(&site, &["request", "audit", "--today", TODAY]);
    assert_eq!(s, 1, "{out}");
    assert!(
        out.contains("Pat Old <pat.old@tacoma.k12.wa.us>: no training evidence on record for `public-records`"),
        "{out}"
    );
    assert!(out.contains("periodic review due 2026-09-01"), "{out}");
    let (s, out) = run(&site, &["request", "review", "req-old", "--by", "Casey Comms", "--today", TODAY]);
    assert_eq!(s, 0, "{out}");
    let (s, out) = approve(&site, "req.json", &good_request(&site));
    assert_eq!(s, 0, "{out}");
    let (s, out) = run(&site, &["request", "history", "req-old"]);
    assert_eq!(s, 0, "{out}");
    assert!(
        out.contains("  2025-09-01  recorded  unknown: approved before the directory kept history and training evidence; renew each administrator's training (`policysite request renew`) to record it\n  2026-11-28  reviewed  Casey Comms: periodic review\n"),
        "the record starts before the first change:\n{out}"
    );
    site.build_ok();
}

/// Issue 24: revoking an account that is already retired says so and changes nothing.
#[test]
fn revoking_a_retired_account_says_so() {
    let site = TestSite::bundled();
    assert_eq!(approve(&site, "req.json", &good_request(&site)).0, 0);
    let key = "instagram:@stadiumtigersfb";
    let (s, out) = run(&site, &["request", "revoke", "--today", "2026-12-01", "--reason", "Season over", key]);
    assert_eq!(s, 0, "{out}");
    let before = site.read("data/directory.yaml");
    let (s, out) = run(&site, &["request", "revoke", "--today", "2026-12-02", key]);
    assert_eq!(s, 0, "{out}");
    assert!(
        out.contains("@stadiumtigersfb on instagram was already retired on 2026-12-01 (Season over); nothing to do"),
        "{out}"
    );
    assert_eq!(site.read("data/directory.yaml"), before);
}

/// A classroom account is in its school's name: without the principal's approval it is refused
/// (a teacher who picked "program" used to skip it).
#[test]
fn a_classroom_account_needs_the_principal() {
    let site = TestSite::bundled();
    let mut req = classroom_request(&site);
    req["principal_approval"] = Value::Null;
    let (s, out) = check(&site, &req);
    assert_eq!(s, 1, "{out}");
    assert!(
        out.contains("principal_approval: a classroom account is part of its school: it needs the principal's approval (Regulation 6973.1R)"),
        "{out}"
    );
    let schema =
        std::fs::read_to_string(std::path::Path::new(common::REPO).join("schemas/account-request.schema.json"))
            .expect("schema");
    assert!(schema.contains("`classroom`: A teacher's account for one class or subject"), "{schema}");
    assert!(schema.contains("Needs the principal's approval."), "{schema}");
}

/// `renew` with an LMS report (no codes): the rows are checked as `request check` checks them and
/// recorded with their file and line; an address that leaves `email_domains` is an audit finding.
#[test]
fn renew_from_an_lms_report_and_addresses_outside_the_domains() {
    let site = TestSite::bundled();
    assert_eq!(approve(&site, "req.json", &good_request(&site)).0, 0);
    let (pr, fr) = (rev(&site, "public-records"), rev(&site, "ferpa-student-records"));
    site.write(
        "lms.csv",
        &format!(
            "Student Email,Course,Completion Status,Completed At,Quiz Revision\n{ADMIN},public-records,failed,2027-10-01,{pr}\n{ADMIN},public-records,passed,2027-10-02,{pr}\n{ADMIN},ferpa-student-records,passed,2027-10-02,{fr}\n"
        ),
    );
    site.write("kim.json", &renewal("Kim Coach", ADMIN, json!({})));
    let lms = path(&site, "lms.csv");
    let kim = path(&site, "kim.json");
    let mut args: Vec<&str> = vec!["request", "renew", "--today", "2027-10-05", &kim, "--lms-report", &lms];
    args.extend_from_slice(LMS_FLAGS);
    let (s, out) = run(&site, &args);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("public-records: VALID, LMS report lms.csv, line 3: revision"), "{out}");
    assert!(out.contains("counts until 2028-10-01"), "{out}");
    let dir = site.read("data/directory.yaml");
    assert!(dir.contains("line: 3") && dir.contains("kind: lms"), "{dir}");
    assert_eq!(run(&site, &["request", "audit", "--today", "2027-10-05"]).0, 0);
    // Someone who administers no account has nothing to renew.
    let codes = json!({ "public-records": code_for(&site, "public-records", LEE, "2027-10-02", None) });
    site.write("lee.json", &renewal("Lee Teacher", LEE, codes));
    let (s, out) = run(&site, &["request", "renew", "--today", "2027-10-05", &path(&site, "lee.json")]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("lee.teacher@tacoma.k12.wa.us administers no active account in data/directory.yaml"), "{out}");
    // The district changes its email domain: the old address is a finding.
    let cfg = site.read("site.yaml").replace("- tacoma.k12.wa.us", "- tacomaschools.org");
    site.write("site.yaml", &cfg);
    let (s, out) = run(&site, &["request", "audit", "--today", "2027-10-05"]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("1 administrator address(es) no longer in email_domains"), "{out}");
    assert!(
        out.contains(
            "Kim Coach <kim.coach@tacoma.k12.wa.us>: `kim.coach@tacoma.k12.wa.us` is not a District email address"
        ),
        "{out}"
    );
}

/// An update that keeps an administrator need not repeat their codes while the training on record
/// still counts; a new handle is recorded and the old one is free of the duplicate check.
#[test]
fn an_update_keeps_the_training_on_record_and_changes_the_handle() {
    let site = TestSite::bundled();
    assert_eq!(approve(&site, "req.json", &good_request(&site)).0, 0);
    let mut upd = good_request(&site);
    upd["id"] = json!("req-20270301-00000002");
    upd["update_of"] = json!("instagram:@stadiumtigersfb");
    upd["account"]["handle"] = json!("@stadiumtigers");
    upd["administrators"][0]["codes"] = json!({});
    let alex = json!({ "name": "Alex Assistant", "email": ALEX, "flsa_exempt": true, "codes": {
        "public-records": code_for(&site, "public-records", ALEX, "2027-02-20", None),
        "ferpa-student-records": code_for(&site, "ferpa-student-records", ALEX, "2027-02-20", None) } });
    upd["administrators"].as_array_mut().expect("admins").push(alex);
    let f = write_request(&site, "upd.json", &upd);
    let (s, out) = run(&site, &["request", "update", "--today", "2027-03-01", &f]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("public-records: VALID, code "), "{out}");
    let pr = rev(&site, "public-records");
    assert!(
        out.contains(&format!("(on record): revision {pr}, completed 2026-11-20, counts until 2027-11-20")),
        "{out}"
    );
    assert!(out.contains("handle @stadiumtigersfb → @stadiumtigers"), "{out}");
    let (s, out) = run(&site, &["request", "history", "instagram:@stadiumtigers"]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("updated"), "{out}");
    // Once the training on record has lapsed, it no longer stands in.
    upd["update_of"] = json!("req-20261128-abcdef01");
    let f = write_request(&site, "upd.json", &upd);
    let (s, out) = run(&site, &["request", "check", "--today", "2027-11-21", &f]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("Administrator 1, codes.public-records: no completion code"), "{out}");
    assert!(out.contains("note: update of @stadiumtigers on instagram"), "{out}");
}

/// An update written before a renewal but applied after it keeps the renewed training (the newer
/// record for each quiz), and the same update applied again changes nothing: no write, no history.
#[test]
fn an_update_never_shortens_renewed_training_and_applies_once() {
    let site = TestSite::bundled();
    assert_eq!(approve(&site, "req.json", &good_request(&site)).0, 0);
    let codes = json!({
        "public-records": code_for(&site, "public-records", ADMIN, "2027-02-01", None),
        "ferpa-student-records": code_for(&site, "ferpa-student-records", ADMIN, "2027-02-01", None) });
    site.write("kim.json", &renewal("Kim Coach", ADMIN, codes));
    let (s, out) = run(&site, &["request", "renew", "--today", "2027-02-02", &path(&site, "kim.json")]);
    assert_eq!(s, 0, "{out}");
    // Written before the renewal: it carries Kim's codes of November 2026.
    let mut upd = good_request(&site);
    upd["id"] = json!("req-20270115-00000003");
    upd["update_of"] = json!("req-20261128-abcdef01");
    upd["account"]["handle"] = json!("@stadiumtigers");
    // An address as typed, which the directory stores as the `url` crate writes it.
    upd["account"]["url"] = json!("https://WWW.Instagram.com/stadiumtigers");
    let f = write_request(&site, "upd.json", &upd);
    let (s, out) = run(&site, &["request", "update", "--today", "2027-02-03", &f]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("handle @stadiumtigersfb → @stadiumtigers"), "{out}");
    let dir = site.read("data/directory.yaml");
    assert!(dir.contains("counts_until: \"2028-02-01\""), "the renewal stays on record:\n{dir}");
    assert!(!dir.contains("counts_until: \"2027-11-2"), "the older codes do not come back:\n{dir}");
    let (s, out) = run(&site, &["request", "update", "--today", "2027-02-03", &f]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("not changed: @stadiumtigers on instagram"), "{out}");
    assert_eq!(site.read("data/directory.yaml"), dir, "the same update applied again writes nothing");
    // A name put right is a change, and said as one.
    upd["administrators"][0]["name"] = json!("Kim A. Coach");
    let f = write_request(&site, "upd.json", &upd);
    let (s, out) = run(&site, &["request", "update", "--today", "2027-02-03", &f]);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains(&format!("administrator Kim Coach <{ADMIN}> renamed Kim A. Coach")), "{out}");
    assert!(site.read("data/directory.yaml").contains("name: Kim A. Coach"));
}

/// A platform's note in data/platforms.yaml (e.g. "ask the Communications Department before
/// requesting it") is printed by `request check`.
#[test]
fn check_prints_the_platform_note() {
    let site = TestSite::bundled();
    let mut req = good_request(&site);
    req["account"]["platform"] = json!("periscope");
    req["account"]["handle"] = json!("@stadiumlive");
    let (s, out) = check(&site, &req);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("note: about Periscope (data/platforms.yaml): Periscope was discontinued"), "{out}");
    assert!(out.contains("ask the Communications Department before requesting it"), "{out}");
}

/// Writing the directory keeps its file permissions (the temporary file it is renamed from is
/// created 0600, which made the directory unreadable to the rest of the department).
#[cfg(unix)]
#[test]
fn writing_the_directory_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::bundled();
    let file = site.path().join("data/directory.yaml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    assert_eq!(approve(&site, "req.json", &good_request(&site)).0, 0);
    let mode = std::fs::metadata(&file).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

/// The intranet directory judges recorded training as `request audit` does, against the quizzes as
/// they stand: a quiz revision published after approval shortens "training counts until" to its
/// retraining deadline, and one with no retraining window ends it (the page kept the date recorded
/// at approval, so it showed training as counting that the audit reported lapsed).
#[test]
fn the_intranet_directory_follows_a_quiz_revision() {
    let site = TestSite::bundled();
    assert_eq!(approve(&site, "req.json", &good_request(&site)).0, 0);
    let cfg = site.read("site.yaml").replace("show_managers: false", "show_managers: true");
    site.write("site.yaml", &cfg);
    site.build_ok();
    let page = site.html("directory/index.html");
    assert!(page.contains("Kim Coach (training counts until 2027-11-20)"), "{page}");
    let old = crate::quiz_support::revision_of("public-records");
    let new = (old + 1).to_string();
    let text = crate::quiz_support::set_revision(&site.read(crate::quiz_support::QUIZ), &new)
        .replace(&format!("revision: {new}\n"), &format!("revision: {new}\nretrain_by: 2027-01-31\n"));
    site.write(crate::quiz_support::QUIZ, &crate::quiz_support::change_answer(&text));
    crate::quiz_support::publish(&site);
    site.build_ok();
    let page = site.html("directory/index.html");
    assert!(page.contains("Kim Coach (training counts until 2027-01-31)"), "{page}");
    assert!(site.html("directory/accounts.json").contains("\"training_counts_until\": \"2027-01-31\""));
    let (s, out) = run(&site, &["request", "audit", "--today", "2027-01-05"]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("counts until 2027-01-31"), "the audit and the page agree: {out}");
}

/// A renewal file that is not valid JSON for its schema names the file's position once.
#[test]
fn a_malformed_renewal_names_one_position() {
    let site = TestSite::bundled();
    site.write("bad.json", "{\n  \"schema\": \"policysite/training-renewal\",\n  \"version\": \"1\"\n}");
    let (s, out) = run(&site, &["request", "renew", "--today", TODAY, &path(&site, "bad.json")]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("line 3, column 16: not a training renewal file: invalid type: string \"1\""), "{out}");
    assert!(!out.contains(" at line "), "{out}");
}
