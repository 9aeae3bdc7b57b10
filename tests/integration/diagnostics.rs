//! Issue 23, "one error model": what a user sees when something is wrong. `site.yaml` reports every
//! problem in one run (unknown keys with the key they are near, and the checks after the parse);
//! warnings are printed once, by the command; line numbers come from the YAML parser.

use crate::common::TestSite;

/// Two misspelt keys (one required, one nested) and two bad values: all four in one run, each with
/// its place, the keys with the key they were meant to be. Before, the bad values waited for the
/// next run (the misspelt required key stopped the checks after the parse).
#[test]
fn site_yaml_reports_unknown_keys_and_bad_values_together() {
    let site = TestSite::bundled();
    site.set_config("district:", "distrct:");
    site.set_config("show_managers:", "show_manager:");
    site.set_config("theme: default", "theme: ../elsewhere");
    site.set_config("time_zone: America/Los_Angeles", "time_zone: America/Tacoma");
    let err = site.build_err();
    let district = site.line_of("site.yaml", "distrct:");
    let managers = site.line_of("site.yaml", "show_manager:");
    assert!(err.contains(&format!("error: site.yaml:{district}:1: unknown field `distrct`")), "{err}");
    assert!(err.contains("help: did you mean `district`?"), "{err}");
    assert!(err.contains(&format!("error: site.yaml:{managers}:3: unknown field `show_manager`")), "{err}");
    assert!(err.contains("help: did you mean `show_managers`?"), "{err}");
    let theme = site.line_of("site.yaml", "theme: ../elsewhere");
    assert!(err.contains(&format!("site.yaml:{theme}: `theme: ../elsewhere` is not a folder name")), "{err}");
    let tz = site.line_of("site.yaml", "time_zone: America/Tacoma");
    assert!(err.contains(&format!("site.yaml:{tz}: `time_zone`: `America/Tacoma` is not an IANA")), "{err}");
    assert!(err.contains("\n4 errors found\n"), "{err}");
}

/// A misspelt block key: the keys inside it are read (and a typo there reported) under the key it
/// was near, in the same run.
#[test]
fn a_misspelt_block_key_does_not_hide_the_keys_inside_it() {
    let site = TestSite::bundled();
    site.set_config("directory:", "directry:");
    site.set_config("show_managers:", "show_manager:");
    let err = site.build_err();
    assert!(err.contains("unknown field `directry`") && err.contains("did you mean `directory`?"), "{err}");
    assert!(err.contains("unknown field `show_manager`") && err.contains("did you mean `show_managers`?"), "{err}");
    assert!(err.contains("\n2 errors found\n"), "{err}");
}

/// An unknown key near no known one is left out, and the rest of the file is still checked.
#[test]
fn an_unknown_key_near_nothing_is_reported_without_a_guess() {
    let site = TestSite::bundled();
    site.set_config("theme: default", "theme: default\nfavourite_colour: blue");
    site.set_config("base_path: /", "base_path: //evil.example/");
    let err = site.build_err();
    assert!(err.contains("unknown field `favourite_colour`"), "{err}");
    assert!(!err.contains("did you mean"), "{err}");
    assert!(err.contains("`base_path: //evil.example/` has an empty segment"), "{err}");
}

fn run(site: &TestSite, args: &[&str]) -> (bool, String) {
    let o = site.run(args);
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn count(text: &str, needle: &str) -> usize {
    text.lines().filter(|l| l.contains(needle)).count()
}

/// The library carries warnings and the command prints them: `build` and `check` show a module to
/// review after a policy revision, and an unpublished quiz revision, exactly once each.
#[test]
fn build_and_check_show_each_warning_once() {
    use crate::quiz_support::{QUIZ, next, set_revision};
    let site = TestSite::revised_example();
    let unpublished = format!("revision {} of quiz `public-records` is not published yet", next());
    site.write(QUIZ, &set_revision(&site.read(QUIZ), &next()));
    let out = site.out();
    let build = ["build", "--output", out.to_str().expect("utf8"), "--today", "2026-11-28"];
    for args in [&build[..], &["check", "--today", "2026-11-28"][..]] {
        let (ok, err) = run(&site, args);
        assert!(ok, "{args:?}:\n{err}");
        assert_eq!(count(&err, "warning: content/training/public-records.md:9: 2026-11-17 revision"), 1, "{err}");
        assert_eq!(count(&err, &format!("warning: {QUIZ}:")), 1, "{err}");
        assert_eq!(count(&err, &unpublished), 1, "{err}");
    }
}

/// A build that fails after the site loaded still shows its warnings, before the errors, and counts
/// only the errors.
#[test]
fn a_failed_build_shows_its_warnings_first_and_counts_only_errors() {
    let site = TestSite::revised_example();
    let page = "content/platforms.md";
    let text = site.read(page);
    let title = text.lines().find(|l| l.starts_with("title:")).expect("a title").to_string();
    site.write(page, &text.replacen(&title, &format!("{title} \u{8}"), 1));
    let out = site.out();
    let (ok, err) = run(&site, &["build", "--output", out.to_str().expect("utf8"), "--today", "2026-11-28"]);
    assert!(!ok, "{err}");
    let warning = err.find("warning: content/training/public-records.md:9:").unwrap_or_else(|| panic!("{err}"));
    let error = err.find("error: content/platforms.md").unwrap_or_else(|| panic!("{err}"));
    assert!(warning < error, "{err}");
    assert!(err.contains("\n1 error found\n"), "{err}");
}

/// A question written in flow style has its `answer` on its own line. The line-by-line search went
/// on to the next question's `answer:` line (line 8 here, not 6).
#[test]
fn a_flow_style_question_is_reported_on_its_own_line() {
    let site = TestSite::bundled();
    let head = "id: public-records\ntitle: T\nmodule: training/public-records.md\nrevision: 1\nquestions:\n";
    let flow = "  - {id: a, type: single, prompt: P, options: [x, y], answer: 2, explanation: E}\n";
    let block = "  - id: b\n    type: single\n    prompt: P\n    options: [x, y]\n    answer: 0\n    explanation: E\n";
    site.write("quizzes/public-records.yaml", &format!("{head}{flow}{block}"));
    let err = site.build_err();
    assert!(
        err.contains("quizzes/public-records.yaml:6: answer 2 is out of range: options are numbered 0 to 1"),
        "{err}"
    );
}

/// A front-matter key written quoted, or in a flow mapping, is found where it is: the line-by-line
/// search found neither and said line 1 (the `---`).
#[test]
fn a_quoted_front_matter_key_is_reported_on_its_line() {
    let site = TestSite::bundled();
    let page = "content/training/public-records.md";
    let text = site.read(page);
    let quiz = text.lines().find(|l| l.starts_with("quiz:")).expect("the module names its quiz").to_string();
    site.write(page, &text.replacen(&quiz, "\"quiz\": no-such-quiz", 1));
    let line = site.line_of(page, "\"quiz\": no-such-quiz");
    assert!(line > 2, "the key is inside the front matter");
    let err = site.build_err();
    assert!(err.contains(&format!("{page}:{line}: quiz `no-such-quiz` does not exist")), "{err}");
}

/// A directory entry's line comes from the parser, not from a search for its `request_id` text:
/// `req-1`'s unknown platform is on its own line. The search found `req-1` inside `req-10`, put both
/// problems on line 3, and the second, now a copy of the first, was dropped.
#[test]
fn a_directory_problem_is_reported_on_its_own_account() {
    let site = TestSite::bundled();
    let account = |id: &str| {
        format!(
            "  - request_id: {id}\n    platform: Blogs\n    handle: b\n    account_type: school\n    unit: Stadium High School\n    approved: 2026-11-01\n    managers: []\n"
        )
    };
    site.write("data/directory.yaml", &format!("accounts:\n{}{}", account("req-10"), account("req-1")));
    let err = site.build_err();
    assert!(err.contains("data/directory.yaml:3: `Blogs` is not a platform id"), "{err}");
    assert!(err.contains("data/directory.yaml:10: `Blogs` is not a platform id"), "{err}");
}
