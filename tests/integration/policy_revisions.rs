//! Policy revisions (src/policy): archive URLs and banners, compare pages, upcoming revisions by
//! build date, the Atom feed's entries, `teaches:` review warnings and source errors, all on a copy
//! of examples/revised-site built with the real binary.

use crate::common;

use std::path::Path;

use common::{REPO, TestSite};

fn build_on(site: &TestSite, today: &str) -> (bool, String) {
    let o = site.run(&["build", "--output", site.out().to_str().expect("utf8"), "--today", today]);
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn build_ok_on(site: &TestSite, today: &str) -> String {
    let (ok, err) = build_on(site, today);
    assert!(ok, "build failed:\n{err}");
    err
}

const REG: &str = "regulation/6973-1r/";

#[test]
fn every_revision_has_a_dated_url_with_a_banner_linking_to_the_current_page() {
    let site = TestSite::revised_example();
    build_ok_on(&site, "2026-11-28");
    let old = site.html(&format!("{REG}2016-06-07/index.html"));
    assert!(old.contains("This is not the current version"), "{old}");
    assert!(old.contains(
        "in effect from <time datetime=\"2016-06-07\">June 7, 2016</time> until <time datetime=\"2025-03-11\">"
    ));
    assert!(old.contains(
        r#"<a href="../../../regulation/6973-1r/index.html" data-current-link>Read the current version</a>"#
    ));
    // The old revision keeps its own text: the 2016 footnote with Twitter and Periscope.
    assert!(old.contains("Facebook, Twitter, Instagram, YouTube, LinkedIn, Periscope"));

    let current = site.html(&format!("{REG}2025-03-11/index.html"));
    assert!(current.contains("This is the current version"));
    let upcoming = site.html(&format!("{REG}2026-11-17/index.html"));
    assert!(upcoming.contains("This version is not in effect yet"));
    assert!(upcoming.contains("takes effect on <time datetime=\"2027-07-01\">July 1, 2027</time>"));

    // The page's own URL is unchanged and shows the current revision, with a timeline of all three.
    let page = site.html(&format!("{REG}index.html"));
    assert!(page.contains("Facebook, X (formerly Twitter), Threads, Instagram"));
    assert!(!page.contains("data-revision-banner"), "the current page needs no banner");
    for (date, status) in [("2026-11-17", "upcoming"), ("2025-03-11", "current"), ("2016-06-07", "past")] {
        assert!(page.contains(&format!(r#"data-timeline-revision="{date}" data-status="{status}""#)), "{date}");
    }
    // Archive pages stay out of the search index, the current page is in it.
    let index: String = walkdir::WalkDir::new(site.path().join("public/search"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            // Text chunks are deflated: read what the search page reads.
            let in_x = e.path().parent().is_some_and(|d| d.ends_with("x"));
            if in_x { crate::search_nav::chunk_text(&bytes) } else { String::from_utf8_lossy(&bytes).into_owned() }
        })
        .collect();
    // ("monitored" is only in the upcoming revision's text, "leverage" in the current one.)
    assert!(!index.contains("monitored"), "an archived revision's text is searchable");
    assert!(index.contains("leverage"));
}

#[test]
fn compare_pages_mark_the_exact_inserted_and_deleted_words() {
    let site = TestSite::revised_example();
    build_ok_on(&site, "2026-11-28");
    let cmp = site.html(&format!("{REG}compare/2016-06-07-to-2025-03-11/index.html"));
    for needle in [
        "<del>Twitter,</del>",
        "<ins>X (formerly Twitter), Threads,</ins>",
        "<del>Periscope,</del>",
        "<ins>The Communications Department lists every approved account in the District’s directory of official accounts.</ins>",
        "[deleted: </span><del>Twitter,</del>",
        "[inserted: </span><ins>X (formerly Twitter)",
    ] {
        assert!(cmp.contains(needle), "missing {needle}");
    }
    assert_eq!(cmp.matches("<del>").count(), 3, "deletions: Twitter, Periscope and the legend's example");
    assert!(cmp.contains(r#"<h2 id="cmp-authorization">Authorization</h2>"#), "section headings are kept");
    assert!(cmp.contains("Changed: 1 insertion, 0 deletions."));
    assert!(cmp.contains(r#"data-section="student-records-and-ethics" data-status="unchanged""#));

    // The renamed heading keeps its id and is shown as renamed, not as a removal and an addition.
    let next = site.html(&format!("{REG}compare/2025-03-11-to-2026-11-17/index.html"));
    assert!(next.contains("Renamed from “Public Records Act/Retention”."));
    assert!(!next.contains(r#"data-status="removed""#) && !next.contains(r#"data-status="added""#));
    assert!(next.contains("<ins>Each account should have at least two administrators so that it is monitored when one of them is away.</ins>"));
    // Each revision is also compared with the current one, and listed.
    let list = site.html(&format!("{REG}compare/index.html"));
    for pair in ["2016-06-07-to-2025-03-11", "2025-03-11-to-2026-11-17"] {
        assert!(list.contains(&format!("compare/{pair}/index.html")), "{pair}");
    }
}

#[test]
fn an_upcoming_revision_becomes_current_on_its_effective_date() {
    let site = TestSite::revised_example();
    let sentence = "Each account should have at least two administrators";
    build_ok_on(&site, "2027-06-30");
    let page = site.html(&format!("{REG}index.html"));
    assert!(!page.contains(sentence));
    assert!(page.contains("data-upcoming"));
    assert!(page.contains(
        r#"<a href="../../regulation/6973-1r/compare/2025-03-11-to-2026-11-17/index.html">See what will change</a>"#
    ));

    build_ok_on(&site, "2027-07-01");
    let page = site.html(&format!("{REG}index.html"));
    assert!(page.contains(sentence), "the revision effective 2027-07-01 is current on that day");
    assert!(!page.contains("data-upcoming"));
    assert!(page.contains(r#"data-timeline-revision="2026-11-17" data-status="current""#));
    // The previous revision now has a banner saying so, and a comparison with the new current one.
    let prev = site.html(&format!("{REG}2025-03-11/index.html"));
    assert!(prev.contains("This is not the current version"));
    assert!(site.path().join(format!("public/{REG}compare/2016-06-07-to-2026-11-17/index.html")).is_file());

    // SOURCE_DATE_EPOCH sets the date when --today is absent (day 21001 since 1970 is 2027-07-02).
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_policysite"))
        .args(["--root", site.path().to_str().expect("utf8"), "build"])
        .env("SOURCE_DATE_EPOCH", (21001i64 * 86_400 + 3_600).to_string())
        .output()
        .expect("run");
    assert!(o.status.success());
    assert!(site.html(&format!("{REG}index.html")).contains(sentence), "SOURCE_DATE_EPOCH was not used");
}

#[test]
fn the_feed_has_one_entry_per_revision_with_permanent_ids_and_compare_links() {
    let site = TestSite::revised_example();
    build_ok_on(&site, "2026-11-28");
    let feed = site.read("public/feed.xml");
    // Three policy revisions, the quiz revision recorded by `publish` (the lock's date) and the two
    // dated changes of the platform list.
    assert_eq!(feed.matches("<entry>").count(), 6);
    assert!(feed.contains("<id>tag:tacoma.k12.wa.us,2025-03-11:platforms/2025-03-11</id>"));
    assert!(feed.contains("<summary>Added: Threads. Removed: Periscope. EXAMPLE change"));
    assert!(feed.contains("<id>tag:tacoma.k12.wa.us,2025-03-20:quiz/public-records/2</id>"));
    assert!(feed.contains(r#"href="training/public-records/index.html""#));
    assert!(feed.contains("<id>tag:tacoma.k12.wa.us,2025-03-11:policy/6973.1R/2025-03-11</id>"));
    assert!(feed.contains(r#"href="regulation/6973-1r/compare/2016-06-07-to-2025-03-11/index.html""#));
    assert!(feed.contains("<updated>2026-11-17T00:00:00Z</updated>"));
    // Every page links to it; the home page lists the changes.
    assert!(
        site.html("platforms/index.html")
            .contains(r#"<link rel="alternate" type="application/atom+xml" href="../feed.xml""#)
    );
    let home = site.html("index.html");
    assert!(home.contains("What changed"));
    assert!(home.contains(r#"<a href="regulation/6973-1r/compare/2016-06-07-to-2025-03-11/index.html">"#));

    // Absolute links under base_url: see the unit test in src/policy/feed.rs (a build with base_url
    // currently fails in base.html's print footer on the 404 and search pages, outside this feature).
}

#[test]
fn a_module_whose_taught_section_changed_is_flagged_until_reviewed() {
    let site = TestSite::revised_example();
    let err = build_ok_on(&site, "2026-11-28");
    assert!(
        err.contains("warning: content/training/public-records.md:9: 2026-11-17 revision of Regulation 6973.1R changed `public-records-act-retention`"),
        "{err}"
    );
    let m = site.read("content/training/public-records.md");
    site.write("content/training/public-records.md", &m.replace("reviewed: 2025-03-11", "reviewed: 2026-11-20"));
    let err = build_ok_on(&site, "2026-11-28");
    assert!(!err.contains("warning"), "{err}");
    // An unknown section is an error at the `teaches` line.
    site.write("content/training/public-records.md", &m.replace("authorization,", "authorisation,"));
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(!ok);
    assert!(err.contains("content/training/public-records.md:9: `teaches` names `authorisation`"), "{err}");
}

#[test]
fn revision_source_errors_name_the_file_and_leave_the_output() {
    let site = TestSite::revised_example();
    build_ok_on(&site, "2026-11-28");
    let before = common::snapshot(&site.out());
    let page = site.read("content/regulation/6973-1r.md");
    site.write("content/regulation/6973-1r.md", &format!("{page}\nStray text.\n"));
    let rev = site.read("content/regulation/6973-1r/2025-03-11.md");
    site.write("content/regulation/6973-1r/2025-03-11.md", &rev.replacen("note:", "notes:", 1));
    site.write("content/regulation/6973-1r/2025-13-01.md", "---\nnote: x\n---\ntext\n");
    let first = site.read("content/regulation/6973-1r/2016-06-07.md");
    site.write(
        "content/regulation/6973-1r/2016-06-07.md",
        &first.replacen("Facebook, Twitter,", "{{ platforms.approved_list }},", 1),
    );
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(!ok);
    assert!(err.contains("content/regulation/6973-1r.md:"), "{err}");
    assert!(err.contains("this page has revisions, so its text must live in the revision files"), "{err}");
    assert!(err.contains("content/regulation/6973-1r/2025-03-11.md:2"), "{err}");
    assert!(err.contains("content/regulation/6973-1r/2016-06-07.md:"), "{err}");
    assert!(err.contains("cannot use `{{ … }}` shortcodes"), "{err}");
    assert!(
        err.contains("content/regulation/6973-1r/2025-13-01.md: a revision file must be named by its adoption date"),
        "{err}"
    );
    assert!(!err.contains("missing") && !err.contains("title"), "revision files are not loaded as pages:\n{err}");
    assert_eq!(common::snapshot(&site.out()), before, "a failed build keeps the previous output");
}

/// A rebuild that takes most pages from the notes of the folder it recycles holds only each body's
/// hash (src/engine/recycled.rs, `bodies`): a policy page's own stray text is still found, read
/// from its file again.
#[test]
fn stray_text_in_a_policy_page_is_found_by_a_rebuild_that_takes_pages_from_its_notes() {
    let site = TestSite::revised_example();
    // The third build is the first that recycles a folder (`.public.old`) with notes.
    for _ in 0..3 {
        build_ok_on(&site, "2026-11-28");
    }
    let recycled = site.path().join(".public.old/.policysite-notes");
    assert!(recycled.is_file(), "the next build recycles a folder with notes: {}", recycled.display());
    let page = site.read("content/regulation/6973-1r.md");
    site.write("content/regulation/6973-1r.md", &format!("{page}\nStray text.\n"));
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(!ok, "built with stray text in a policy page:\n{err}");
    assert!(err.contains("content/regulation/6973-1r.md:"), "{err}");
    assert!(err.contains("this page has revisions, so its text must live in the revision files"), "{err}");
}

#[test]
fn the_oldest_revision_is_the_seed_text_word_for_word() {
    let site = TestSite::revised_example();
    build_ok_on(&site, "2026-11-28");
    let seed = std::fs::read_to_string(Path::new(REPO).join("tests/fixtures/regulation-6973.1R.txt")).expect("seed");
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '’' && c != '\'')
            .filter(|w| !w.is_empty() && *w != "1" && *w != "2" && *w != "platforms1")
            .map(str::to_string)
            .collect()
    };
    let body: String = seed[seed.find("Social media is").expect("start")..seed.find("Approval Date:").expect("end")]
        .lines()
        .filter(|l| !l.starts_with("1 The District") && !l.starts_with("2 The District"))
        .collect::<Vec<_>>()
        .join("\n");
    let html = site.html(&format!("{REG}2016-06-07/index.html"));
    let text =
        &html[html.find("<div class=\"content\">").expect("content")..html.find("data-timeline").expect("timeline")];
    let text: String = text.split('<').map(|p| p.split_once('>').map_or(p, |(_, t)| t)).collect::<Vec<_>>().join(" ");
    let got = words(&text.replace("&amp;", "&"));
    let mut it = got.iter();
    for w in words(&body) {
        if w == "platforms" {
            continue;
        }
        assert!(it.any(|g| *g == w), "revision text is missing or reordered at word `{w}`");
    }
}

#[test]
fn a_published_revision_cannot_change_but_a_new_one_can_be_added() {
    let site = TestSite::revised_example();
    build_ok_on(&site, "2026-11-28");
    let rev = site.read("content/regulation/6973-1r/2016-06-07.md");
    site.write(
        "content/regulation/6973-1r/2016-06-07.md",
        &rev.replace("Pinterest, Flickr", "Pinterest, TikTok, Flickr"),
    );
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(!ok);
    assert!(
        err.contains("content/regulation/6973-1r/2016-06-07.md:4: the published revision of 2016-06-07 was changed"),
        "{err}"
    );
    site.write("content/regulation/6973-1r/2016-06-07.md", &rev);
    // A new revision is not published yet, so it may still change; `publish` records it.
    let next = site.read("content/regulation/6973-1r/2026-11-17.md");
    site.write(
        "content/regulation/6973-1r/2027-01-05.md",
        &next.replace("effective: 2027-07-01", "effective: 2027-08-01"),
    );
    build_ok_on(&site, "2026-11-28");
    let o = site.run(&["publish", "--today", "2027-01-06"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("policy revision regulation/6973-1r.md@2027-01-05: recorded as published"), "{out}");
    assert!(!out.contains("2016-06-07"), "already published revisions are not recorded again: {out}");
    site.write("content/regulation/6973-1r/2027-01-05.md", &next.replace("two administrators", "three administrators"));
    let (ok, err) = build_on(&site, "2026-11-28");
    assert!(!ok && err.contains("the published revision of 2027-01-05 was changed"), "{err}");
}

#[test]
fn check_takes_the_build_date_too() {
    let site = TestSite::revised_example();
    let o = site.run(&["check", "--today", "2026-11-28"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The example has no request form: its training page names the form without a broken link.
    build_ok_on(&site, "2026-11-28");
    let training = site.html("training/index.html");
    assert!(training.contains("account request") && !training.contains("request/index.html"), "{training}");
    // Before the first revision took effect there is no current text: `check` says so as `build` would.
    let o = site.run(&["check", "--today", "2010-01-01"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("no revision of this page is in effect on 2010-01-01"), "{err}");
    let (ok, build_err) = build_on(&site, "2010-01-01");
    assert!(!ok && build_err.contains("no revision of this page is in effect on 2010-01-01"), "{build_err}");
}

/// Headings "Scope", "Scope", "Scope 1" get one set of ids on the page, its archive copy and the
/// compare view (the compare view once gave the third a second `scope-1`).
#[test]
fn repeated_headings_have_the_same_ids_on_page_archive_and_compare() {
    let site = TestSite::revised_example();
    let last = site.read(&format!("content/{REG}2026-11-17.md"));
    let body = last.split_once("\n---\n").map_or(last.as_str(), |(_, b)| b);
    let added = "\n## Scope\n\nFirst.\n\n## Scope\n\nSecond.\n\n## Scope 1\n\nThird.\n";
    site.write(&format!("content/{REG}2027-08-01.md"), &format!("---\nnote: Scope sections.\n---\n{body}{added}"));
    build_ok_on(&site, "2027-08-02");
    let ids = |html: &str, prefix: &str| -> Vec<String> {
        ["scope", "scope-1", "scope-1-1", "scope-2"]
            .iter()
            .filter(|id| html.contains(&format!(r#"id="{prefix}{id}""#)))
            .map(|id| id.to_string())
            .collect()
    };
    let page = site.html(&format!("{REG}index.html"));
    let archive = site.html(&format!("{REG}2027-08-01/index.html"));
    let compare = site.html(&format!("{REG}compare/2026-11-17-to-2027-08-01/index.html"));
    assert_eq!(ids(&page, ""), ["scope", "scope-1", "scope-1-1"]);
    assert_eq!(ids(&archive, ""), ["scope", "scope-1", "scope-1-1"]);
    assert_eq!(ids(&compare, "cmp-"), ["scope", "scope-1", "scope-1-1"]);
    assert_eq!(compare.matches(r#"id="cmp-scope-1""#).count(), 1, "one section per id");
}
