//! Issue 10: the platform list's dated history, shown on /platforms/, read by `request audit`; and
//! issue 13: "Twitter is now X and Periscope was discontinued" wherever the list is shown, while the
//! regulation's footnote stays verbatim.
use crate::common;
use crate::request_common;

use common::TestSite;
use request_common::*;
use serde_json::json;

/// Remove Periscope from the approved list on 2026-12-01, as an admin would: its entry moves to
/// `former:` and the history records the removal.
fn remove_periscope(site: &TestSite) {
    let text = site.read("data/platforms.yaml");
    let start = text.find("  - id: periscope\n").expect("periscope entry");
    let end = start + text[start..].find("  - id: pinterest\n").expect("next entry");
    let entry = &text[start..end];
    let mut text = format!("{}{}", &text[..start], &text[end..]);
    text = text.replace("history:\n", &format!("former:\n{entry}history:\n"));
    text.push_str("  - date: 2026-12-01\n    removed: [periscope]\n    note: Periscope was discontinued.\n");
    site.write("data/platforms.yaml", &text);
}

#[test]
fn platforms_page_shows_the_history_and_the_renamed_and_discontinued_platforms() {
    let site = TestSite::bundled();
    site.build_ok();
    let page = site.html("platforms/index.html");
    assert!(page.contains("<h2 id=\"history-heading\">Changes to the list</h2>"), "{page}");
    assert!(page.contains("<time datetime=\"2016-04-12\">April 12, 2016</time>"), "{page}");
    assert!(page.contains("Added: Facebook, X (formerly Twitter), Instagram"), "{page}");
    assert!(
        page.contains(
            "<strong>X (formerly Twitter)</strong> <span class=\"as-written\">(the regulation says “Twitter”)</span>"
        ),
        "{page}"
    );
    assert!(page.contains("Twitter is now called X."), "{page}");
    assert!(page.contains("Periscope was discontinued"), "{page}");
    // The regulation's footnote is its verbatim text.
    let reg = site.html("regulation/6973-1r/index.html");
    assert!(reg.contains("Facebook, Twitter, Instagram, YouTube, LinkedIn, Periscope, Pinterest, Flickr and blogs."));
}

#[test]
fn a_removal_shows_on_the_page_and_request_audit_lists_its_accounts() {
    let site = TestSite::bundled();
    let (s, _) = run(&site, &["request", "audit", "--today", "2026-12-02"]);
    assert_eq!(s, 0, "an empty directory has nothing to audit");
    let mut req = good_request(&site);
    req["account"]["platform"] = json!("periscope");
    req["account"]["handle"] = json!("@stadiumlive");
    req["account"]["url"] = json!("https://www.periscope.tv/stadiumlive");
    let (s, out) = approve(&site, "p.json", &req);
    assert_eq!(s, 0, "{out}");
    let (s, out) = approve(&site, "i.json", &good_request(&site));
    assert_eq!(s, 0, "{out}");
    let (s, out) = run(&site, &["request", "audit", "--today", "2026-12-02"]);
    assert_eq!(s, 0, "{out}");
    remove_periscope(&site);
    site.build_ok();
    let page = site.html("platforms/index.html");
    assert!(page.contains("<tr data-change=\"2026-12-01\">"), "{page}");
    assert!(page.contains("<span data-removed>Removed: Periscope</span>"), "{page}");
    let (s, out) = run(&site, &["request", "audit", "--today", "2026-12-02"]);
    assert_eq!(s, 1, "{out}");
    assert!(out.contains("1 active account(s) on platforms that are not approved"), "{out}");
    assert!(out.contains("periscope:@stadiumlive (Stadium High School; request req-20261128-abcdef01"), "{out}");
    assert!(
        out.contains("Periscope is not approved, removed from the list on 2026-12-01: Periscope was discontinued."),
        "{out}"
    );
    assert!(!out.contains("stadiumtigersfb"), "{out}");
    let o = site.run(&["request", "audit", "--json", "--today", "2026-12-02"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v[0]["platform"], "periscope");
    assert_eq!(v[0]["removed_on"], "2026-12-01");
    // A new request for the removed platform is refused.
    let mut again = req.clone();
    again["id"] = json!("req-20261202-00000003");
    let (s, out) = check(&site, &again);
    assert_eq!(s, 1, "{out}");
    assert!(
        out.contains(
            "account.platform: Periscope is no longer approved: removed from the list on 2026-12-01 (Periscope was discontinued.)"
        ),
        "{out}"
    );
    // Retiring the account clears the audit.
    let (s, out) = run(&site, &["request", "revoke", "--reason", "Platform removed", "periscope:@stadiumlive"]);
    assert_eq!(s, 0, "{out}");
    assert_eq!(run(&site, &["request", "audit", "--today", "2026-12-02"]).0, 0);
}

#[test]
fn a_history_that_does_not_match_the_list_fails_the_build_with_its_line() {
    let site = TestSite::bundled();
    let text = site.read("data/platforms.yaml");
    site.write(
        "data/platforms.yaml",
        &format!("{text}  - date: 2016-01-01\n    removed: [myspace]\n  - date: 2026-12-01\n"),
    );
    let err = site.build_err();
    let history_line = text.lines().count() + 1;
    assert!(
        err.contains(&format!(
            "data/platforms.yaml:{history_line}: history entry 2016-01-01 is dated before the one above it"
        )),
        "{err}"
    );
    assert!(err.contains("history entry 2016-01-01 removes `myspace`, which is not approved then"), "{err}");
    assert!(err.contains("history entry 2026-12-01 adds nothing, removes nothing and has no note"), "{err}");
    // A platform taken off `approved` without a recorded removal.
    let text = text.replace(
        "  - id: flickr\n    name: Flickr\n    url: https://www.flickr.com/\n    hosts: [flickr.com, flic.kr]\n",
        "",
    );
    site.write("data/platforms.yaml", &text);
    let err = site.build_err();
    assert!(err.contains("data/platforms.yaml:"), "{err}");
    assert!(err.contains("the history adds `flickr`, but it is not in `approved`"), "{err}");
    assert!(err.contains("record its removal (`removed: [id]` with the date)"), "{err}");
}

#[test]
fn a_former_platform_needs_a_recorded_removal() {
    let site = TestSite::bundled();
    let text =
        site.read("data/platforms.yaml").replace("history:\n", "former:\n  - id: vine\n    name: Vine\nhistory:\n");
    site.write("data/platforms.yaml", &text);
    let err = site.build_err();
    assert!(err.contains("former platform `vine` has no removal in `history`"), "{err}");
}

#[test]
fn platform_changes_are_public_for_the_feed() {
    let site = TestSite::bundled();
    remove_periscope(&site);
    let data = policysite::load::data::load(site.path()).expect("data loads");
    let changes: &[policysite::load::data::PlatformChange] = data.platforms.changes();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].date.to_string(), "2016-04-12");
    assert_eq!(changes[0].added.len(), 9);
    assert_eq!(changes[1].removed, vec!["periscope".to_string()]);
    assert_eq!(changes[1].note.as_deref(), Some("Periscope was discontinued."));
}
