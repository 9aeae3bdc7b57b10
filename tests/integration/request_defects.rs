//! Issue 9's request defects (3, 4 and the request side of 9) and issue 13's request friction, each
//! reproduced as the issue describes it.
use crate::common;
use crate::request_common;

use common::TestSite;
use request_common::*;
use serde_json::{Value, json};

fn assert_rejected(site: &TestSite, req: &Value, expected: &[&str]) {
    let (status, out) = check(site, req);
    assert_eq!(status, 1, "{out}");
    for e in expected {
        assert!(out.contains(e), "expected `{e}` in:\n{out}");
    }
}

/// A right-to-left override or a control character in a name, unit or description would reach the
/// public directory page as it is (it showed "Evil\u{202e}Name" reordered): refused, naming the
/// field and the character; approve writes nothing.
#[test]
fn hidden_characters_in_names_are_refused() {
    let site = TestSite::bundled();
    let mut req = good_request(&site);
    req["account"]["name"] = json!("Tigers\u{202e}lanoitan");
    req["account"]["unit"] = json!("Stadium\u{1b}]0;title\u{7}");
    req["account"]["description"] = json!("Schedules\nand team news.");
    req["administrators"][0]["name"] = json!("Kim\u{0}Coach");
    assert_rejected(
        &site,
        &req,
        &[
            "account.name: holds the invisible or control character U+202E",
            "account.unit: holds the invisible or control character U+001B",
            "Administrator 1, name: holds the invisible or control character U+0000",
        ],
    );
    let (_, out) = check(&site, &req);
    assert!(!out.contains("account.description"), "a description may hold line breaks:\n{out}");
    let before = site.read("data/directory.yaml");
    assert_eq!(approve(&site, "req.json", &req).0, 1);
    assert_eq!(site.read("data/directory.yaml"), before);
}

/// Defect 3: `"url": "javascript:alert(document.domain)"` was accepted, stored and linked.
#[test]
fn javascript_url_is_rejected_by_check_and_approve() {
    let site = TestSite::bundled();
    let mut req = good_request(&site);
    req["account"]["url"] = json!("javascript:alert(document.domain)");
    assert_rejected(&site, &req, &["account.url: `javascript:` addresses are not allowed", "https://"]);
    let before = site.read("data/directory.yaml");
    let (s, out) = approve(&site, "req.json", &req);
    assert_eq!(s, 1, "{out}");
    assert_eq!(site.read("data/directory.yaml"), before, "nothing stored");
}

#[test]
fn url_must_be_on_the_platforms_host() {
    let site = TestSite::bundled();
    for (url, why) in [
        (
            "https://evil.example/stadiumtigersfb",
            "`evil.example` is not an address on Instagram (expected instagram.com or a subdomain)",
        ),
        ("https://instagram.com.evil.example/x", "`instagram.com.evil.example` is not an address on Instagram"),
        ("https://www.instagram.com@evil.example/x", "user name or password"),
        ("data:text/html,<script>alert(1)</script>", "`data:` addresses are not allowed"),
        ("ftp://instagram.com/x", "`ftp:` addresses are not allowed"),
        ("https://www.instagram.com:8443/x", "names a port"),
    ] {
        let mut req = good_request(&site);
        req["account"]["url"] = json!(url);
        assert_rejected(&site, &req, &[why]);
    }
    // A real address is accepted and stored as the url crate serializes it.
    let mut req = good_request(&site);
    req["account"]["url"] = json!("https://www.instagram.com/stadiumtigersfb/");
    let (s, out) = approve(&site, "req.json", &req);
    assert_eq!(s, 0, "{out}");
    assert!(site.read("data/directory.yaml").contains("url: https://www.instagram.com/stadiumtigersfb/"));
    site.build_ok();
    assert!(site.html("directory/index.html").contains("href=\"https://www.instagram.com/stadiumtigersfb/\""));
}

/// Defect 3, build side: a hand-edited bad address fails the build with file:line.
#[test]
fn hand_edited_directory_url_fails_the_build_with_its_line() {
    let site = TestSite::bundled();
    site.write(
        "data/directory.yaml",
        "accounts:\n  - request_id: req-1\n    platform: instagram\n    handle: \"@a\"\n    url: \"javascript:alert(document.domain)\"\n    account_type: school\n    unit: Stadium High School\n    approved: 2026-11-01\n    managers: []\n  - request_id: req-2\n    platform: Blogs\n    handle: b\n    account_type: school\n    unit: Stadium High School\n    approved: 2026-11-01\n    managers: []\n  - request_id: req-3\n    platform: instagram\n    handle: \"\u{ff20}team1\"\n    account_type: club\n    unit: Stadium High School\n    approved: 2026-11-01\n    managers: []\n",
    );
    let err = site.build_err();
    assert!(
        err.contains("data/directory.yaml:5: account @a (req-1): `javascript:` addresses are not allowed"),
        "{err}"
    );
    assert!(err.contains("data/directory.yaml:11: `Blogs` is not a platform id"), "{err}");
    assert!(err.contains("write the platform's id, `blog`"), "{err}");
    assert!(err.contains("data/directory.yaml:19: `\\u{ff20}team1` is not a handle"), "{err}");
    assert!(!site.out().join("directory/index.html").exists(), "no site written");
}

/// Defect 4: 20 parallel approvals of different requests kept 3-6 entries.
#[test]
fn twenty_parallel_approvals_keep_all_twenty() {
    let site = TestSite::bundled();
    let base = good_request(&site);
    let files: Vec<String> = (0..20)
        .map(|i| {
            let mut r = base.clone();
            r["id"] = json!(format!("req-20261128-{i:08x}"));
            r["account"]["handle"] = json!(format!("@team{i}"));
            write_request(&site, &format!("r{i}.json"), &r)
        })
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            std::process::Command::new(env!("CARGO_BIN_EXE_policysite"))
                .args(["--root", site.path().to_str().expect("utf8"), "request", "approve", "--today", TODAY, f])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().expect("wait");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let dir = site.read("data/directory.yaml");
    for i in 0..20 {
        assert!(dir.contains(&format!("req-20261128-{i:08x}")), "entry {i} lost:\n{dir}");
    }
    assert_eq!(dir.matches("request_id:").count(), 20, "{dir}");
    let leftovers: Vec<_> = std::fs::read_dir(site.path().join("data"))
        .expect("data")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Defect 4: a run killed with -9 between writing its temporary file and renaming it leaves the
/// file behind; the next run removes it.
#[test]
fn temp_files_of_a_killed_run_are_cleaned_up() {
    let site = TestSite::bundled();
    site.write("data/.directory.yaml.Xk3Pq9.tmp", "accounts: [half-writ");
    let (s, out) = approve(&site, "req.json", &good_request(&site));
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("removed 1 temporary file(s)"), "{out}");
    assert!(!site.path().join("data/.directory.yaml.Xk3Pq9.tmp").exists());
    site.write("data/.directory.yaml.Zz.tmp", "x");
    site.write("data/.directory.yaml.tmp-4242", "x"); // the previous version's temp name
    let (s, out) = run(&site, &["request", "revoke", "--today", TODAY, "instagram:@stadiumtigersfb"]);
    assert_eq!(s, 0, "{out}");
    assert!(!site.path().join("data/.directory.yaml.Zz.tmp").exists());
    assert!(!site.path().join("data/.directory.yaml.tmp-4242").exists());
}

/// Defect 4, for real: `kill -9` between writing the temporary file and renaming it. The directory
/// is intact, the lock died with the process, and the next run removes the leftover file. Needs the
/// binary's `test-hooks` feature (`cargo test --features test-hooks`, as `scripts/test.sh` runs it).
#[cfg(all(unix, feature = "test-hooks"))]
#[test]
fn a_run_killed_with_sigkill_loses_nothing_and_its_temp_file_is_removed() {
    let site = TestSite::bundled();
    let (s, out) = approve(&site, "first.json", &good_request(&site));
    assert_eq!(s, 0, "{out}");
    let before = site.read("data/directory.yaml");
    let mut second = good_request(&site);
    second["id"] = json!("req-20261128-00000002");
    second["account"]["handle"] = json!("@second");
    let f = write_request(&site, "second.json", &second);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_policysite"))
        .args(["--root", site.path().to_str().expect("utf8"), "request", "approve", "--today", TODAY, &f])
        .env("POLICYSITE_TEST_HOLD_BEFORE_RENAME", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let temp_files = || -> Vec<String> {
        std::fs::read_dir(site.path().join("data"))
            .expect("data")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    };
    // Wait for the temporary file (the child holds there until killed), with a deadline so a child
    // that never gets there fails the test instead of hanging CI.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while temp_files().is_empty() {
        assert!(child.try_wait().expect("try_wait").is_none(), "the approval ended before writing");
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("no temporary file after 60 s: the approval never reached its rename");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
    child.wait().expect("wait");
    assert_eq!(site.read("data/directory.yaml"), before, "the directory is the last complete one");
    assert_eq!(temp_files().len(), 1);
    let (s, out) = run(&site, &["request", "approve", "--today", TODAY, &f]);
    assert_eq!(s, 0, "the lock died with the killed process: {out}");
    assert!(out.contains("removed 1 temporary file(s)"), "{out}");
    assert!(temp_files().is_empty());
    assert!(site.read("data/directory.yaml").contains("@second"));
}

/// Item 9: "Blogs" then "blog" with the same handle dodged the duplicate check.
#[test]
fn platform_aliases_do_not_dodge_the_duplicate_check() {
    let site = TestSite::bundled();
    let mut first = good_request(&site);
    first["account"]["platform"] = json!("Blogs");
    first["account"]["handle"] = json!("stadiumnews");
    let (s, out) = approve(&site, "a.json", &first);
    assert_eq!(s, 0, "{out}");
    assert!(site.read("data/directory.yaml").contains("platform: blog\n"), "canonical id stored");
    let mut second = first.clone();
    second["id"] = json!("req-20261128-00000002");
    second["account"]["platform"] = json!("blog");
    let f = write_request(&site, "b.json", &second);
    let (s, out) = run(&site, &["request", "check", "--today", TODAY, &f]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("stadiumnews on blog is already an official account"), "{out}");
    let (s, _) = run(&site, &["request", "approve", "--today", TODAY, &f]);
    assert_eq!(s, 1);
    // Revoking by the alias finds the account too.
    let (s, out) = run(&site, &["request", "revoke", "--today", TODAY, "Blogs:stadiumnews"]);
    assert_eq!(s, 0, "{out}");
}

/// Item 9: `kim@evil.com@tacoma.k12.wa.us` and `<script>@…` passed as District emails. Issue 13:
/// the administrator's and principal's errors name the required domain.
#[test]
fn email_addresses_are_parsed_and_errors_name_the_domain() {
    let site = TestSite::bundled();
    for bad in ["kim@evil.com@tacoma.k12.wa.us", "<script>@tacoma.k12.wa.us"] {
        let mut req = good_request(&site);
        req["requester"]["email"] = json!(bad);
        req["administrators"][0]["email"] = json!(bad);
        req["principal_approval"]["email"] = json!(bad);
        assert_rejected(
            &site,
            &req,
            &[
                &format!("requester.email: `{bad}` is not a valid email address"),
                &format!("Administrator 1, email: `{bad}` is not a valid email address"),
                &format!("principal_approval.email: `{bad}` is not a valid email address"),
                "use a District address ending in @tacoma.k12.wa.us",
            ],
        );
    }
    let mut req = good_request(&site);
    req["administrators"][0]["email"] = json!("kim@gmail.com");
    req["principal_approval"]["email"] = json!("pat@gmail.com");
    assert_rejected(
        &site,
        &req,
        &[
            "Administrator 1, email: `kim@gmail.com` is not a District email address: it must end in @tacoma.k12.wa.us",
            "principal_approval.email: `pat@gmail.com` is not a District email address: it must end in @tacoma.k12.wa.us",
        ],
    );
}

/// Item 9: a 100 MB description and 100,000 administrators were accepted.
#[test]
fn request_files_have_size_limits() {
    let site = TestSite::bundled();
    let mut req = good_request(&site);
    req["account"]["description"] = json!("x".repeat(100_000_000));
    assert_rejected(&site, &req, &["file: the file is larger than 256 KiB, the limit for a request file"]);
    let mut req = good_request(&site);
    let admin = req["administrators"][0].clone();
    req["administrators"] = json!(vec![admin.clone(); 100_000]);
    assert_rejected(&site, &req, &["the file is larger than 256 KiB"]);
    // Under the file limit, each field has its own.
    let mut req = good_request(&site);
    req["account"]["description"] = json!("x".repeat(2001));
    req["account"]["name"] = json!("n".repeat(301));
    req["administrators"] = json!(vec![admin; 11]);
    assert_rejected(
        &site,
        &req,
        &[
            "account.description: 2001 characters, more than the limit of 2000",
            "account.name: 301 characters, more than the limit of 300",
            "administrators: 11 administrators, more than the limit of 10",
        ],
    );
}

/// Item 9: a BOM-led file got "expected value at line 1 column 1".
#[test]
fn a_byte_order_mark_is_named() {
    let site = TestSite::bundled();
    let text = format!("\u{feff}{}", serde_json::to_string_pretty(&good_request(&site)).expect("json"));
    site.write("bom.json", &text);
    let (s, out) =
        run(&site, &["request", "check", "--today", TODAY, site.path().join("bom.json").to_str().expect("utf8")]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("starts with a byte-order mark (BOM"), "{out}");
    assert!(out.contains("without BOM"), "{out}");
    assert!(!out.contains("expected value"), "{out}");
}

/// Issue 13: `request check` on a request already in the directory says so.
#[test]
fn check_says_when_a_request_is_already_in_the_directory() {
    let site = TestSite::bundled();
    let req = good_request(&site);
    let (s, out) = approve(&site, "req.json", &req);
    assert_eq!(s, 0, "{out}");
    let (s, out) = check(&site, &req);
    assert_eq!(s, 0, "{out}");
    assert!(out.contains("ACCEPTABLE"), "{out}");
    assert!(
        out.contains("note: already in the directory: approved 2026-11-28 (@stadiumtigersfb on instagram)"),
        "{out}"
    );
    let f = site.path().join("req.json");
    let o = site.run(&["request", "check", "--json", "--today", TODAY, f.to_str().expect("utf8")]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v[0]["notes"][0].as_str().is_some_and(|n| n.starts_with("already in the directory")), "{v}");
}

/// A handle that only looks like an official one (full-width `＠`, a zero-width space, a right-to-left
/// override) or carries markup or line breaks is refused by `check` and `approve`, and nothing is stored.
#[test]
fn lookalike_and_hostile_handles_are_refused() {
    let site = TestSite::bundled();
    let before = site.read("data/directory.yaml");
    for handle in [
        "＠stadiumtigersfb",
        "@stadium\u{200b}tigersfb",
        "@stadium\u{202e}bfsregit",
        "@a\nb",
        "\"><script>x</script>",
        "{{ communications.email }}",
        "@team # comment",
        "@ ",
    ] {
        let mut req = good_request(&site);
        req["account"]["handle"] = json!(handle);
        assert_rejected(&site, &req, &["account.handle: `", "is not a handle"]);
        let (s, out) = approve(&site, "req.json", &req);
        assert_eq!(s, 1, "{handle:?}: {out}");
    }
    assert_eq!(site.read("data/directory.yaml"), before, "nothing stored");
    let mut req = good_request(&site);
    req["account"]["handle"] = json!("@Stadium.Tigers_FB-2");
    assert_eq!(check(&site, &req).0, 0, "an ordinary handle passes");
}
