//! Issue 24: `policysite revise` on the bundled site and on a fresh `new` site (start, build, compare,
//! publish, refuse), sites that start revision-ready, and issue 21's last bullet: the regulation's
//! footnotes stay as adopted, with a marked note when today's platform list differs.
use crate::common;

use std::process::Output;

use common::{TestSite, snapshot};

const TODAY: &str = "2026-12-05";

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn revise(site: &TestSite, page: &str, date: &str, note: &str) -> Output {
    site.run(&["revise", page, "--date", date, "--note", note, "--today", TODAY])
}

fn build_on_today(site: &TestSite) {
    let o = site.run(&["build", "--output", site.out().to_str().expect("utf8"), "--today", TODAY]);
    assert!(o.status.success(), "build failed:\n{}", out(&o));
}

/// The words a compare page marks as deleted and inserted, less the legend's two examples.
fn marked(cmp: &str) -> (Vec<String>, Vec<String>) {
    let grab = |tag: &str| -> Vec<String> {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        cmp.match_indices(&open)
            .filter_map(|(at, _)| cmp[at + open.len()..].split_once(&close).map(|(w, _)| w.to_string()))
            .filter(|w| w != "struck through" && w != "underlined")
            .collect()
    };
    (grab("del"), grab("ins"))
}

/// A fresh site from `policysite new`, in a temporary folder.
fn new_site(extra: &[&str]) -> TestSite {
    let site = TestSite::empty();
    let mut args = vec!["new", site.path().to_str().expect("utf8")];
    args.extend_from_slice(extra);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_policysite")).args(&args).output().expect("run new");
    assert!(o.status.success(), "{}", out(&o));
    site
}

/// The walk-through of the README: revise, build (no change), edit one word (exactly that word),
/// publish (recorded under the policy's `number`), revise again on the same date (refused).
fn walk_through(site: &TestSite, page: &str, number: &str, url: &str, first: &str, word: (&str, &str)) {
    let date = "2026-12-01";
    let o = revise(site, page, date, "Clarifies one word.");
    assert!(o.status.success(), "{}", out(&o));
    let text = out(&o);
    let file = format!("{}/{date}.md", page.trim_end_matches(".md"));
    let compare = format!("{url}compare/{first}-to-{date}/");
    for needle in [
        format!("created {file}: a copy of the {first} revision"),
        format!("http://127.0.0.1:8000/{compare}index.html"),
        "policysite publish".to_string(),
    ] {
        assert!(text.contains(&needle), "missing `{needle}` in:\n{text}");
    }
    assert!(site.read(&file).contains("note: \"Clarifies one word.\""));
    build_on_today(site);
    let cmp = site.html(&format!("{compare}index.html"));
    assert_eq!(marked(&cmp), (vec![], vec![]), "no edits yet, yet the compare page marks changes");
    assert!(cmp.contains("sections changed: 0 insertions and 0 deletions"), "{cmp}");

    let edited = site.read(&file).replacen(word.0, word.1, 1);
    assert_ne!(edited, site.read(&file), "the word to edit is in the revision");
    site.write(&file, &edited);
    build_on_today(site);
    let cmp = site.html(&format!("{compare}index.html"));
    let (from, to) = (word.0.split_whitespace().last().expect("word"), word.1.split_whitespace().last().expect("word"));
    assert_eq!(marked(&cmp), (vec![from.to_string()], vec![to.to_string()]), "exactly the edited word");
    assert!(cmp.contains("1 of "), "{cmp}");

    let o = site.run(&["publish", "--today", TODAY]);
    assert!(o.status.success(), "{}", out(&o));
    let rel = page.trim_start_matches("content/");
    assert!(out(&o).contains(&format!("policy revision {rel}@{date}: recorded as published")), "{}", out(&o));
    // The lock records the revision under the policy's number, with its date.
    let lock: serde_json::Value = serde_json::from_str(&site.read("policy-revisions.lock")).expect("lock is JSON");
    let recorded = lock["policies"][number]["revisions"]
        .as_array()
        .unwrap_or_else(|| panic!("policy {number} in the lock:\n{lock:#}"))
        .iter()
        .filter(|r| r["date"] == date)
        .count();
    assert_eq!(recorded, 1, "revision {date} of policy {number} recorded once:\n{lock:#}");
    assert_eq!(lock["policies"][number]["page"], rel, "{lock:#}");
    let feed = site.html("feed.xml");
    assert!(feed.contains("Clarifies one word."), "the feed tells staff: {feed}");

    let before = snapshot(&site.path().join("content"));
    let o = revise(site, page, date, "Again.");
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(out(&o).contains(&format!("a revision adopted on {date} already exists")), "{}", out(&o));
    assert!(out(&o).contains("nothing was changed"));
    assert_eq!(snapshot(&site.path().join("content")), before, "a refused revise wrote something");
}

#[test]
fn revise_build_compare_publish_on_the_bundled_site() {
    let site = TestSite::bundled();
    walk_through(
        &site,
        "content/regulation/6973-1r.md",
        "6973.1R",
        "regulation/6973-1r/",
        "2016-06-07",
        ("Social media is an evolving", "Social media is an emerging"),
    );
    // The adopted revision is still the published one, as adopted.
    let page = site.html("regulation/6973-1r/2016-06-07/index.html");
    assert!(page.contains("Social media is an evolving way"), "{page}");
}

#[test]
fn revise_build_compare_publish_on_a_new_site() {
    let site = new_site(&[]);
    // The new site's policy page is in the revision layout already.
    let page = site.read("content/regulation/social-media.md");
    assert!(!page.contains("history:"), "the scaffold's front-matter history placeholder is gone: {page}");
    let first = site.read("content/regulation/social-media/2026-01-01.md");
    assert!(!first.replace("`{{ … }}`", "").contains("{{"), "{first}");
    assert!(first.contains(
        "[^1]: The District approves the following social media platforms: Facebook, Instagram and YouTube."
    ));
    walk_through(
        &site,
        "content/regulation/social-media.md",
        "0000R",
        "regulation/social-media/",
        "2026-01-01",
        ("This page holds", "This page keeps"),
    );
}

#[test]
fn the_first_revise_writes_shortcodes_out_and_moves_the_history_notes() {
    let site = TestSite::minimal();
    let page = "content/policy/one.md";
    let original = site.read(page);
    // No adoption date yet: refused, nothing written.
    let o = revise(&site, page, "2026-12-01", "x");
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(out(&o).contains("has no `approved:` or `revised:` date"), "{}", out(&o));
    assert_eq!(site.read(page), original);
    assert!(!site.path().join("content/policy/one").exists());

    let text = original
        .replacen("weight: 2\n", "weight: 2\napproved: 2020-01-01\nrevised: 2021-02-03\nhistory:\n  - date: 2020-01-01\n    note: Approved.\n  - date: 2021-02-03\n    note: Revised.\n", 1)
        .replace("[^a]: A footnote.", "[^a]: {{ platforms.approved_sentence }} Ask {{ communications.name }}.");
    site.write(page, &text);
    let o = revise(&site, page, "2026-12-01", "New.");
    assert!(o.status.success(), "{}", out(&o));
    let adopted = site.read("content/policy/one/2021-02-03.md");
    assert!(
        adopted.starts_with(
            "---\n# yaml-language-server: $schema=../../../schemas/revision.schema.json\nnote: \"January 1, 2020: Approved. February 3, 2021: Revised.\"\n---\n"
        ),
        "{adopted}"
    );
    assert!(!adopted.contains("{{"), "{adopted}");
    assert!(
        adopted.contains("[^a]: The District approves the following list of social media platforms, which are subject to change as the social media landscape evolves: Facebook, Twitter, Instagram, YouTube, LinkedIn, Periscope, Pinterest, Flickr and blogs. Ask Communications Department."),
        "{adopted}"
    );
    let page_now = site.read(page);
    assert!(!page_now.contains("history:") && !page_now.contains("revised:"), "{page_now}");
    assert!(page_now.contains("approved: 2020-01-01") && page_now.contains("number: \"1234\""), "{page_now}");
    assert_eq!(
        site.read("content/policy/one/2026-12-01.md").split_once("\n---\n").map(|(_, b)| b.to_string()),
        adopted.split_once("\n---\n").map(|(_, b)| b.to_string())
    );
    build_on_today(&site);
}

#[test]
fn revise_refuses_what_it_must_not_do() {
    let site = TestSite::bundled();
    let page = "content/regulation/6973-1r.md";
    let before = snapshot(&site.path().join("content"));
    for (args, message) in [
        (vec!["content/platforms.md", "--date", "2026-12-01"], "not a policy page: its front matter has no `number:`"),
        (vec![page, "--date", "2016-06-07"], "a revision adopted on 2016-06-07 already exists"),
        (vec![page, "--date", "2015-01-01"], "2015-01-01 is not after the newest revision, adopted 2016-06-07"),
        (
            vec![page, "--date", "2026-12-01", "--effective", "2026-11-01"],
            "--effective 2026-11-01 is before the adoption date",
        ),
        (vec!["content/nowhere.md", "--date", "2026-12-01"], "no such page"),
    ] {
        let mut a = vec!["revise"];
        a.extend(args);
        a.extend(["--note", "x", "--today", TODAY]);
        let o = site.run(&a);
        assert_eq!(o.status.code(), Some(1), "{a:?}: {}", out(&o));
        assert!(out(&o).contains(message), "{a:?}: expected `{message}` in:\n{}", out(&o));
        assert_eq!(snapshot(&site.path().join("content")), before, "{a:?} wrote something");
    }
    // A revision file named as the page: refused as a revision file, not taken for a page.
    let o = site.run(&["revise", "regulation/6973-1r/2016-06-07.md", "--date", "2026-12-01", "--note", "x"]);
    assert!(out(&o).contains("this is a revision file, not a policy page"), "{}", out(&o));
    // An existing (unpublished) revision file is never replaced.
    site.write("content/regulation/6973-1r/2026-12-01.md", "---\nnote: Draft.\n---\nMine.\n");
    let o = revise(&site, page, "2026-12-01", "x");
    assert!(out(&o).contains("a revision adopted on 2026-12-01 already exists"), "{}", out(&o));
    assert_eq!(site.read("content/regulation/6973-1r/2026-12-01.md"), "---\nnote: Draft.\n---\nMine.\n");
}

#[test]
fn a_page_with_history_and_revision_files_says_how_to_move_the_notes() {
    let site = TestSite::bundled();
    let page = "content/regulation/6973-1r.md";
    let text =
        site.read(page).replacen("keywords:", "history:\n  - date: 2016-06-07\n    note: Revised.\nkeywords:", 1);
    site.write(page, &text);
    let err = site.build_err();
    assert!(
        err.contains("content/regulation/6973-1r.md:")
            && err.contains("this page has both a front-matter `history:` and revision files"),
        "{err}"
    );
    assert!(err.contains("move each `history:` note into the `note:` of the revision file of that date"), "{err}");
    let o = revise(&site, page, "2026-12-01", "x");
    assert!(out(&o).contains("front-matter `history:`") && out(&o).contains("nothing was changed"), "{}", out(&o));
}

#[test]
fn every_shortcode_of_every_revision_file_is_reported_in_one_run() {
    let site = TestSite::bundled();
    let file = "content/regulation/6973-1r/2027-01-05.md";
    site.write(file, "---\nnote: Draft.\n---\n\nA {{ communications.name }} and {{ platforms.approved_list }}.\n\n<!-- {{ fine in a comment }} -->\n[^1]: {{ platforms.approved_sentence }}\n");
    let err = site.build_err();
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("cannot use `{{ … }}` shortcodes")).collect();
    assert_eq!(lines.len(), 3, "{err}");
    for at in [":5:3:", ":5:33:", ":8:7:"] {
        assert!(lines.iter().any(|l| l.contains(&format!("2027-01-05.md{at}"))), "no error at {at}:\n{err}");
    }
}

/// Issue 21: "The adopted text stays as adopted". Remove a platform through the history: the
/// regulation's footnote stays as adopted, and a marked note after it gives today's list, the date
/// of the change and a link to the platform history.
#[test]
fn a_platform_removed_through_the_history_leaves_the_adopted_footnote_and_adds_a_note() {
    let site = TestSite::bundled();
    build_on_today(&site);
    let adopted = "evolves: Facebook, Twitter, Instagram, YouTube, LinkedIn, Periscope, Pinterest, Flickr and blogs.";
    let reg = site.html("regulation/6973-1r/index.html");
    assert!(reg.contains(adopted));
    assert!(!reg.contains("data-current-list-note"), "today's list is the adopted one: no note");

    let mut text = common::retire_platform(&site.read("data/platforms.yaml"), "periscope", "pinterest");
    text.push_str("  - date: 2026-12-01\n    removed: [periscope]\n    note: Periscope was discontinued.\n");
    site.write("data/platforms.yaml", &text);
    build_on_today(&site);
    for page in ["regulation/6973-1r/index.html", "regulation/6973-1r/2016-06-07/index.html"] {
        let reg = site.html(page);
        assert!(reg.contains(adopted), "{page}: the adopted footnote changed");
        let fn1 = &reg[reg.find("<li id=\"fn-1\"").expect("footnote 1")..];
        let fn1 = &fn1[..fn1.find("</li>").expect("end")];
        assert!(fn1.contains("<strong>Note, not part of the adopted text:</strong>"), "{fn1}");
        assert!(fn1.contains("Since <time datetime=\"2026-12-01\">December 1, 2026</time>, the approved platforms are: Facebook, X (formerly Twitter), Instagram, YouTube, LinkedIn, Pinterest, Flickr and Blogs."), "{fn1}");
        assert!(
            fn1.contains("platforms/index.html#history-heading\">See the platform list and its history</a>"),
            "{fn1}"
        );
        // Footnote 2 is not the list: no note there.
        assert_eq!(reg.matches("data-current-list-note").count(), 1, "{page}");
    }
    // The compare views and the verbatim text never see the note: it is not part of the revision.
    assert!(!site.read("content/regulation/6973-1r/2016-06-07.md").contains("Note, not part"));
}

#[test]
fn new_takes_a_base_url_and_check_warns_without_one() {
    let with = new_site(&["--base-url", "https://www.example.org/social-media/"]);
    assert!(with.read("site.yaml").contains("\nbase_url: \"https://www.example.org/social-media/\"\n"));
    let o = with.run(&["check"]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(!out(&o).contains("`base_url` is not set"), "{}", out(&o));

    let without = new_site(&[]);
    assert!(without.read("site.yaml").contains("\n# base_url: https://www.example.org/social-media/\n"));
    let o = without.run(&["check"]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(
        out(&o).contains("warning: site.yaml: `base_url` is not set, so feed.xml carries relative links"),
        "{}",
        out(&o)
    );

    let o = std::process::Command::new(env!("CARGO_BIN_EXE_policysite"))
        .args(["new", TestSite::empty().path().join("x").to_str().expect("utf8"), "--base-url", "ftp://example.org/"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("is not a site address"), "{}", out(&o));
}

/// A refusal after the site was loaded still shows that load's review warnings, before the error.
#[test]
fn a_refusal_after_loading_shows_the_loads_warnings() {
    let site = TestSite::revised_example();
    let o =
        site.run(&["revise", "content/platforms.md", "--date", "2026-12-01", "--note", "x", "--today", "2026-11-28"]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    let text = out(&o);
    let warning = text.find("warning: content/training/public-records.md:9: 2026-11-17 revision of Regulation 6973.1R");
    let error = text.find("not a policy page");
    assert!(warning.is_some() && error.is_some() && warning < error, "{text}");
}
