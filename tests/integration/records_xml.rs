//! Issue 17, "XML, dates and today" and "config that can point elsewhere": text XML cannot carry is
//! refused at load with file:line; dates are read strictly; "today" is the date in the site's
//! `time_zone`; the feed's dates never pass the build date; config that could send links or mail
//! elsewhere is refused with its line, and `site.yaml` reports all its problems in one run.

use std::process::{Command, Output};

use crate::common::TestSite;

const REG: &str = "content/regulation/6973-1r";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn build_on(site: &TestSite, today: &str) -> Output {
    site.run(&["build", "--output", site.out().to_str().expect("utf8"), "--today", today])
}

fn failed_with(o: &Output, code: i32) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "expected exit {code}:\n{err}");
    err
}

/// `policysite ARGS` on `site` with `SOURCE_DATE_EPOCH` set.
fn run_at(site: &TestSite, epoch: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(site.path())
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .expect("run policysite")
}

#[test]
fn a_control_character_in_a_revision_note_is_refused_with_its_line() {
    let site = TestSite::revised_example();
    let rev = format!("{REG}/2025-03-11.md");
    // Written as a YAML escape: the line of its key.
    let text = site.read(&rev).replacen("EXAMPLE revision", "EXAMPLE\\u0001revision", 1);
    site.write(&rev, &text);
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    assert!(err.contains(&format!("{rev}:2: `note` contains the control character U+0001")), "{err}");
    assert!(err.contains("XML cannot carry") && err.contains("remove the control character"), "{err}");
    assert!(!site.out().join("feed.xml").exists(), "nothing is written");
}

#[test]
fn a_raw_control_character_in_yaml_is_named_at_its_column() {
    // Raw in the file: YAML refuses it, at the character, saying what it is.
    let site = TestSite::revised_example();
    let rev = format!("{REG}/2025-03-11.md");
    let text = site.read(&rev).replacen("EXAMPLE revision", "EXAMPLE\u{1}revision", 1);
    site.write(&rev, &text);
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    assert!(err.contains(&format!("{rev}:2:15")) && err.contains("a control character"), "{err}");
}

#[test]
fn a_control_character_in_a_quiz_title_is_refused_with_its_line() {
    // Written as a YAML escape, in a quiz title: the line of its key.
    let site = TestSite::revised_example();
    let quiz = "quizzes/public-records.yaml";
    let text = site.read(quiz).replacen(
        "title: Public Records Act and records retention",
        "title: \"Public Records\\u001b[31m Act\"",
        1,
    );
    site.write(quiz, &text);
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    let line = site.line_of(quiz, "title:");
    assert!(err.contains(&format!("{quiz}:{line}: `title` contains the control character U+001B")), "{err}");
}

#[test]
fn a_control_character_in_the_site_title_is_refused_with_its_line() {
    // In site.yaml (the feed's title), with its line.
    let site = TestSite::revised_example();
    site.set_config("title: Social Media Regulation", "title: \"Social\\u0008 Media Regulation");
    let cfg = site.read("site.yaml").replacen("(revised example)", "(revised example)\"", 1);
    site.write("site.yaml", &cfg);
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    let line = site.line_of("site.yaml", "title:");
    assert!(err.contains(&format!("site.yaml:{line}: `title` contains the control character U+0008")), "{err}");
}

#[test]
fn the_feed_is_well_formed_and_its_dates_never_pass_the_build_date() {
    let site = TestSite::revised_example();
    // This test is about XML escaping and feed dates, not the policy lock: the lock forbids editing
    // the note of a published revision (records_locks tests that), so it is removed here and the
    // markup goes into a published revision's note as before.
    std::fs::remove_file(site.path().join("policy-revisions.lock")).expect("remove the policy lock");
    // Text with markup characters still gives well-formed XML (every value escaped once, in one writer).
    let rev = format!("{REG}/2025-03-11.md");
    let text = site.read(&rev).replacen("EXAMPLE revision", "EXAMPLE <b>revision</b> & \\\"quotes\\\" ]]>", 1);
    site.write(&rev, &text);
    // 2026-11-17 is a revision adopted after this build date.
    let o = build_on(&site, "2026-11-10");
    assert!(o.status.success(), "{}", stderr(&o));
    let feed = site.read("public/feed.xml");
    assert!(feed.contains("EXAMPLE &lt;b&gt;revision&lt;/b&gt; &amp; \"quotes\" ]]&gt;"), "{feed}");
    let mut dates: Vec<&str> = feed.split("<updated>").skip(1).map(|s| &s[..10]).collect();
    dates.sort();
    assert_eq!(dates.last().copied(), Some("2026-11-10"), "no date after the build date:\n{feed}");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>"), "{feed}");
    // Well-formed for an XML parser (xmllint, as the SCORM tests use).
    let lint = Command::new("xmllint").arg("--noout").arg(site.out().join("feed.xml")).output().expect("xmllint");
    assert!(lint.status.success(), "{}", String::from_utf8_lossy(&lint.stderr));
    // The feed's own date is the build date here (the newest change is in the future).
    assert!(feed.contains("  <updated>2026-11-10T00:00:00Z</updated>\n  <author>"), "{feed}");
    // A build after every date: the newest change's date, as before.
    assert!(build_on(&site, "2026-11-28").status.success());
    assert!(site.read("public/feed.xml").contains("  <updated>2026-11-17T00:00:00Z</updated>\n  <author>"));
}

#[test]
fn today_flags_take_only_yyyy_mm_dd() {
    let site = TestSite::revised_example();
    // --today: clap refuses with exit 2 and the rule.
    for bad in ["2026-+1-+1", " 2026-01-01", "2026-1-1", "+02026-01-01"] {
        let err = failed_with(&build_on(&site, bad), 2);
        assert!(err.contains("is not a date; write YYYY-MM-DD"), "{bad}: {err}");
    }
}

#[test]
fn a_revision_file_named_2016_plus6_plus7_is_not_read_as_a_date() {
    // A revision file whose name only looks like a date.
    let site = TestSite::revised_example();
    std::fs::rename(site.path().join(format!("{REG}/2016-06-07.md")), site.path().join(format!("{REG}/2016-+6-+7.md")))
        .expect("rename");
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    assert!(err.contains(&format!("{REG}/2016-+6-+7.md")) && err.contains("named by its adoption date"), "{err}");
}

#[test]
fn a_revision_file_ending_in_upper_case_md_is_reported() {
    // An upper-case extension is reported, not silently skipped.
    let site = TestSite::revised_example();
    let body = site.read(&format!("{REG}/2016-06-07.md"));
    site.write(&format!("{REG}/2026-12-01.MD"), &body);
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    assert!(err.contains(&format!("{REG}/2026-12-01.MD")) && err.contains("rename it to 2026-12-01.md"), "{err}");
}

#[test]
fn source_date_epoch_that_is_not_seconds_is_an_error() {
    // SOURCE_DATE_EPOCH that is not whole seconds is an error, for every command that needs today.
    let site = TestSite::revised_example();
    for args in [&["build"][..], &["check"], &["verify", "--email", "pat@tacoma.k12.wa.us", "X"]] {
        let o = run_at(&site, "abc", args);
        assert!(!o.status.success(), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains("SOURCE_DATE_EPOCH is `abc`"), "{args:?}: {err}");
    }
    assert!(!site.out().exists());
}

#[test]
fn today_is_the_date_in_the_sites_time_zone() {
    // 2027-07-01T02:00:00Z is 19:00 on June 30 in Tacoma: the revision effective July 1 is not
    // current yet there, though it is in UTC.
    let epoch = "1814407200";
    let sentence = "Each account should have at least two administrators";
    let site = TestSite::revised_example();
    assert!(run_at(&site, epoch, &["build"]).status.success());
    assert!(site.html("regulation/6973-1r/index.html").contains(sentence), "no time_zone: UTC, as before");
    // `check` says so.
    let o = run_at(&site, epoch, &["check"]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("note: site.yaml has no `time_zone`, so \"today\" is the date in UTC"),
        "{}",
        stderr(&o)
    );

    site.set_config("language: en\n", "language: en\ntime_zone: America/Los_Angeles\n");
    let o = run_at(&site, epoch, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = site.html("regulation/6973-1r/index.html");
    assert!(!page.contains(sentence) && page.contains("data-upcoming"), "June 30 in Los Angeles");
    assert!(!stderr(&run_at(&site, epoch, &["check"])).contains("note: site.yaml has no `time_zone`"));

    // The example: 2026-12-05T02:00Z is December 4 in Los Angeles, for `verify` too.
    let o = run_at(&site, "1796436000", &["verify", "--json", "--email", "pat@tacoma.k12.wa.us", "X"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("\"checked_on\": \"2026-12-04\""), "{out}{}", stderr(&o));

    // An unknown zone is refused with its line.
    site.set_config("time_zone: America/Los_Angeles", "time_zone: America/Tacoma");
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    let line = site.line_of("site.yaml", "time_zone:");
    assert!(
        err.contains(&format!("site.yaml:{line}: `time_zone`: `America/Tacoma` is not an IANA time zone name")),
        "{err}"
    );
}

#[test]
fn new_writes_the_time_zone_and_export_scorm_takes_today() {
    let dir = tempfile::tempdir().expect("tempdir");
    let new = |tz: &str| {
        Command::new(env!("CARGO_BIN_EXE_policysite"))
            .current_dir(dir.path())
            .args(["new", &format!("site-{}", tz.replace('/', "-")), "--time-zone", tz])
            .output()
            .expect("run")
    };
    let err = failed_with(&new("Mars/Olympus"), 2);
    assert!(err.contains("--time-zone: `Mars/Olympus` is not an IANA time zone name"), "{err}");
    assert!(new("America/Los_Angeles").status.success());
    let site = dir.path().join("site-America-Los_Angeles");
    let cfg = std::fs::read_to_string(site.join("site.yaml")).expect("site.yaml");
    assert!(cfg.contains("\ntime_zone: America/Los_Angeles\n"), "{cfg}");
    let out = dir.path().join("packages");
    let o = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(&site)
        .args(["export", "scorm", "--version", "2004", "--today", "2026-12-04", "-o"])
        .arg(&out)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(&site)
        .args(["export", "scorm", "--version", "2004", "--today", "2026-+1-+1", "-o"])
        .arg(&out)
        .output()
        .expect("run");
    assert!(failed_with(&o, 2).contains("is not a date"));
}

/// Replace `from` by `to` in site.yaml: the build fails with `want` at the line holding `at`.
fn config_refused(from: &str, to: &str, at: &str, want: &str) {
    let site = TestSite::revised_example();
    site.set_config(from, to);
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    let want = format!("site.yaml:{}: {want}", site.line_of("site.yaml", at));
    assert!(err.contains(&want), "{to}: want `{want}` in:\n{err}");
}

#[test]
fn base_path_naming_another_host_is_refused() {
    config_refused(
        "base_path: /",
        "base_path: //evil.example/",
        "base_path:",
        "`base_path: //evil.example/` has an empty segment",
    );
    config_refused(
        "base_path: /",
        "base_path: /a/../b/",
        "base_path:",
        "`base_path: /a/../b/` has a `.` or `..` segment",
    );
}

#[test]
fn base_url_with_user_and_password_is_refused() {
    config_refused(
        "base_path: /",
        "base_path: /\nbase_url: https://user:pass@example.org/",
        "base_url:",
        "`base_url` carries a user name or password",
    );
}

#[test]
fn email_domains_must_be_domain_names() {
    config_refused(
        "  - tacoma.k12.wa.us",
        "  - tacoma.k12.wa.us\n  - \"evil.example/x\"",
        "evil.example/x",
        "`email_domains` entry `evil.example/x` is not a domain name",
    );
}

#[test]
fn platform_urls_must_be_web_addresses() {
    let site = TestSite::revised_example();
    let pl = site.read("data/platforms.yaml").replacen("url: https://x.com/", "url: \"javascript:alert(1)\"", 1);
    site.write("data/platforms.yaml", &pl);
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    let line = site.line_of("data/platforms.yaml", "javascript:");
    assert!(
        err.contains(&format!(
            "data/platforms.yaml:{line}: platform `twitter`: `url: javascript:alert(1)` is not an http"
        )),
        "{err}"
    );
}

#[test]
fn hand_edited_directory_duplicates_and_unknown_types_are_errors() {
    let site = TestSite::revised_example();
    let account = |id: &str, kind: &str| {
        format!(
            "  - request_id: {id}\n    platform: facebook\n    handle: \"@TacomaSchools\"\n    account_type: {kind}\n    unit: Communications\n    approved: 2026-01-05\n    managers:\n      - name: Pat Lee\n        email: pat@tacoma.k12.wa.us\n"
        )
    };
    let text =
        format!("accounts:\n{}{}{}", account("r-1", "school"), account("r-2", "school"), account("r-2", "fan_page"));
    site.write("data/directory.yaml", &text);
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    assert!(
        err.contains("data/directory.yaml:13: @TacomaSchools on `facebook` is listed twice as active (also at line 4)"),
        "{err}"
    );
    assert!(err.contains("data/directory.yaml:20: request id `r-2` appears twice (also at line 11)"), "{err}");
    assert!(
        err.contains("data/directory.yaml:23: account @TacomaSchools: `account_type: fan_page` is not an account type"),
        "{err}"
    );
}

#[test]
fn site_yaml_reports_every_problem_in_one_run_with_suggestions() {
    let site = TestSite::revised_example();
    site.set_config("district:", "distrct:");
    site.set_config("show_managers:", "show_manager:");
    site.set_config("base_path: /", "base_path: //evil.example/");
    let err = failed_with(&build_on(&site, "2026-11-28"), 1);
    let line = site.line_of("site.yaml", "distrct:");
    assert!(err.contains(&format!("site.yaml:{line}:1: unknown field `distrct`")), "{err}");
    assert!(err.contains("did you mean `district`?"), "{err}");
    assert!(err.contains("unknown field `show_manager`") && err.contains("did you mean `show_managers`?"), "{err}");
}

#[test]
fn sitemap_dates_never_pass_the_build_date() {
    let site = TestSite::revised_example();
    site.set_config("base_path: /", "base_path: /\nbase_url: https://example.org/social/");
    let module = "content/training/public-records.md";
    let text = site.read(module).replacen("weight: 10\n", "weight: 10\nrevised: 2099-01-01\n", 1);
    site.write(module, &text);
    assert!(build_on(&site, "2026-11-28").status.success());
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains(
            "<url><loc>https://example.org/social/training/public-records/</loc><lastmod>2026-11-28</lastmod></url>"
        ),
        "{sitemap}"
    );
    assert!(!sitemap.contains("2099"));
    let lint = Command::new("xmllint").arg("--noout").arg(site.out().join("sitemap.xml")).output().expect("xmllint");
    assert!(lint.status.success(), "{}", String::from_utf8_lossy(&lint.stderr));
}
