//! Request files and codes for the request tests (`mod request_common;` beside `mod common;`).
#![allow(dead_code)]

use crate::common::TestSite;
use policysite::date::Date;
use policysite::quiz::{self, code};
use serde_json::{Value, json};

pub const TODAY: &str = "2026-11-28";
pub const ADMIN: &str = "kim.coach@tacoma.k12.wa.us";

pub fn code_for(site: &TestSite, quiz_id: &str, email: &str, on: &str, revision: Option<u32>) -> String {
    let quizzes = quiz::load_all(site.path()).expect("quizzes load");
    let q = quizzes.get(quiz_id).expect("quiz");
    let day = code::day_of(Date::parse(on).expect("date")).expect("day");
    code::issue(&q.key, quiz_id, revision.unwrap_or(q.revision), email, day)
}

/// An acceptable request for `@stadiumtigersfb` on Instagram.
pub fn good_request(site: &TestSite) -> Value {
    json!({
        "schema": "policysite/account-request", "version": 1, "id": "req-20261128-abcdef01", "submitted": TODAY,
        "requester": { "name": "Kim Coach", "email": ADMIN },
        "account": { "type": "sports_team", "unit": "Stadium High School", "name": "Stadium Tigers Football", "purpose": "educational",
                     "description": "Schedules and team news.", "platform": "instagram", "handle": "@stadiumtigersfb", "url": null },
        "administrators": [{ "name": "Kim Coach", "email": ADMIN, "flsa_exempt": true, "codes": {
            "public-records": code_for(site, "public-records", ADMIN, "2026-11-20", None),
            "ferpa-student-records": code_for(site, "ferpa-student-records", ADMIN, "2026-11-21", None) } }],
        "principal_approval": { "name": "Pat Principal", "email": "pat@tacoma.k12.wa.us", "approved": true },
        "privacy_settings": { "notify_on_tag": true, "approve_posts_by_others": true },
        "acknowledgements": { "policies": true, "no_deletion": true, "student_privacy": true }
    })
}

/// Run policysite in the site; (exit status, stdout + stderr).
pub fn run(site: &TestSite, args: &[&str]) -> (i32, String) {
    let o = site.run(args);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

/// Write `req` as `name` in the site and return its path.
pub fn write_request(site: &TestSite, name: &str, req: &Value) -> String {
    site.write(name, &serde_json::to_string_pretty(req).expect("json"));
    site.path().join(name).to_str().expect("utf8").to_string()
}

/// `request check --today TODAY FILE` on `req`.
pub fn check(site: &TestSite, req: &Value) -> (i32, String) {
    let f = write_request(site, "req.json", req);
    run(site, &["request", "check", "--today", TODAY, &f])
}

pub fn approve(site: &TestSite, name: &str, req: &Value) -> (i32, String) {
    let f = write_request(site, name, req);
    run(site, &["request", "approve", "--today", TODAY, &f])
}
