//! What a reader gets: the HTML of built fixture sites.
use crate::common;

use common::{TestSite, snapshot, strip_tags};

#[test]
fn headings_get_stable_unique_ids_anchor_links_and_a_toc() {
    let site = TestSite::minimal();
    site.build_ok();
    let html = site.html("policy/one/index.html");
    assert!(html.contains(r##"<h2 id="first-part">First part <a class="anchor" href="#first-part""##), "{html}");
    assert!(html.contains(r#"<h2 id="second-part">"#));
    assert!(html.contains(r#"<h2 id="second-part-1">"#), "duplicate headings get -1");
    assert!(html.contains(r#"<h3 id="deeper">"#));
    // TOC lists h2 and h3 in order
    let toc_start = html.find(r#"<nav class="toc""#).expect("toc");
    let toc = &html[toc_start..html[toc_start..].find("</nav>").expect("end") + toc_start];
    let order: Vec<usize> =
        ["#first-part", "#second-part\"", "#second-part-1", "#deeper"].iter().map(|a| toc.find(a).expect(a)).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{toc}");
}

#[test]
fn footnotes_render_as_a_list_with_back_links() {
    let site = TestSite::minimal();
    site.build_ok();
    let html = site.html("policy/one/index.html");
    assert!(html.contains(r##"<sup class="footnote-ref"><a href="#fn-a" id="fnref-a""##), "{html}");
    assert!(html.contains(r#"<section class="footnotes""#));
    assert!(
        html.contains(r##"<li id="fn-a" value="1"><p>A footnote. <a href="#fnref-a" class="footnote-back""##),
        "{html}"
    );
}

#[test]
fn internal_links_resolve_to_relative_urls() {
    let site = TestSite::minimal();
    site.build_ok();
    assert!(site.html("index.html").contains(r#"href="policy/one/index.html#second-part""#));
    let one = site.html("policy/one/index.html");
    assert!(one.contains(r#"href="../../index.html">home</a>"#));
    assert!(one.contains(r#"href="../../platforms/index.html">platforms</a>"#));
    assert!(site.html("policy/two/index.html").contains(r#"href="../../policy/one/index.html#first-part""#));
}

#[test]
fn policy_references_link_here_then_to_the_pattern_then_stay_text() {
    let site = TestSite::minimal();
    site.build_ok();
    // "Policy 1234" is published in this site
    assert!(
        site.html("policy/two/index.html")
            .contains(r#"<a class="policy-ref" href="../../policy/one/index.html">Policy 1234</a>"#)
    );
    // others go to site.yaml's pattern
    let one = site.html("policy/one/index.html");
    assert!(
        one.contains(
            r#"<a class="policy-ref" href="https://www.tacomaschools.org/about/policies?policy=9999">Policy 9999</a>"#
        ),
        "{one}"
    );
    assert!(one.contains(">Regulation 5678R</a>"));
    // without a pattern they stay text
    let cfg = site.read("site.yaml").replace("policy_url:", "# policy_url:");
    site.write("site.yaml", &cfg);
    site.build_ok();
    let one = site.html("policy/one/index.html");
    assert!(one.contains("citing Policy 9999 and Regulation 5678R."), "{one}");
}

#[test]
fn platform_list_renders_in_both_places_from_one_file() {
    let site = TestSite::bundled();
    site.build_ok();
    let reg = site.html("regulation/6973-1r/index.html");
    assert!(
        reg.contains(
            "evolves: Facebook, Twitter, Instagram, YouTube, LinkedIn, Periscope, Pinterest, Flickr and blogs."
        ),
        "footnote 1 keeps the regulation's words"
    );
    assert!(site.html("platforms/index.html").contains(r#"data-platform="flickr""#));
    // Add a platform to the one data file: both pages change.
    let data = site
        .read("data/platforms.yaml")
        .replace("  - id: blog\n", "  - id: mastodon\n    name: Mastodon\n  - id: blog\n");
    site.write("data/platforms.yaml", &data);
    site.build_ok();
    // The regulation keeps its footnote as adopted; a marked note after it gives today's list.
    let reg = site.html("regulation/6973-1r/index.html");
    assert!(reg.contains("LinkedIn, Periscope, Pinterest, Flickr and blogs."), "{reg}");
    assert!(!reg.contains("Flickr, Mastodon and blogs."), "the adopted footnote changed with the data");
    let note = &reg[reg.find("data-current-list-note").expect("the current-list note")..];
    assert!(note.contains("Note, not part of the adopted text:"), "{note}");
    assert!(note.contains("Pinterest, Flickr, Mastodon and Blogs."), "{note}");
    assert!(site.html("platforms/index.html").contains(r#"data-platform="mastodon""#));
}

#[test]
fn regulation_page_shows_dates_history_and_verbatim_text() {
    let site = TestSite::bundled();
    site.build_ok();
    let html = site.html("regulation/6973-1r/index.html");
    assert!(html.contains(r#"<time datetime="2016-04-12">April 12, 2016</time>"#));
    assert!(html.contains(r#"<time datetime="2016-06-07">June 7, 2016</time>"#));
    // The revision files are its history now (issue 24): one adopted revision, current.
    assert!(html.contains(r#"data-timeline-revision="2016-06-07" data-status="current""#), "{html}");
    assert!(!html.contains("Revision history"), "the front-matter history is gone");
    assert_regulation_verbatim(&html);
}

/// Issue 21: the adopted text stays as adopted when the platform list changes. Remove Periscope
/// through the history (as `former:` plus a history entry), add Mastodon, and reword the barred
/// statement in data/platforms.yaml: the regulation's page still carries every word of the seed in
/// order and both footnotes word for word; the change shows only in the marked note.
#[test]
fn the_regulation_stays_verbatim_under_a_changed_platform_list() {
    let site = TestSite::bundled();
    let mut text = common::retire_platform(&site.read("data/platforms.yaml"), "periscope", "pinterest");
    text = text.replace("  - id: blog\n", "  - id: mastodon\n    name: Mastodon\n  - id: blog\n");
    text = text.replace(
        "barred_statement: \"The District does not allow",
        "barred_statement: \"Today the District does not allow",
    );
    text.push_str("  - date: 2026-12-01\n    removed: [periscope]\n    note: Periscope was discontinued.\n");
    site.write("data/platforms.yaml", &text);
    let o = site.run(&["build", "--output", site.out().to_str().expect("utf8"), "--today", "2026-12-05"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for page in ["regulation/6973-1r/index.html", "regulation/6973-1r/2016-06-07/index.html"] {
        let html = site.html(page);
        assert!(html.contains("data-current-list-note"), "{page}: the note gives today's list");
        assert!(!html.contains("Today the District"), "{page}: footnote 2 followed the data");
        assert_regulation_verbatim(&html);
    }
}

/// Every word of the seed's body (a copy of ../shared/seeds/regulation-6973.1R.txt kept in the
/// repository, so the test reads the same file on every machine) appears in order on the page, and
/// footnotes 1 and 2 appear word for word.
fn assert_regulation_verbatim(html: &str) {
    // Verbatim: every word of the seed's body (a copy of ../shared/seeds/regulation-6973.1R.txt kept
    // in the repository, so the test reads the same file on every machine) appears in order.
    let seed =
        std::fs::read_to_string(std::path::Path::new(common::REPO).join("tests/fixtures/regulation-6973.1R.txt"))
            .expect("seed text");
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '’' && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let body_start = seed.find("Social media is").expect("start");
    let body_end = seed.find("Approval Date:").expect("end");
    // Footnotes 1 and 2 sit mid-text in the seed; the page lists them at the end.
    let body: String = seed[body_start..body_end]
        .lines()
        .filter(|l| !l.starts_with("1 The District") && !l.starts_with("2 The District"))
        .collect::<Vec<_>>()
        .join("\n");
    let footnotes: Vec<&str> =
        seed.lines().filter(|l| l.starts_with("1 The District") || l.starts_with("2 The District")).collect();
    assert_eq!(footnotes.len(), 2);
    for f in footnotes {
        let f = &f[2..];
        assert!(
            strip_tags(html).split_whitespace().collect::<Vec<_>>().join(" ").contains(f),
            "footnote not verbatim: {f}"
        );
    }
    let mut expected = words(&body);
    // the seed's footnote markers are glued to words ("platforms1", "Resources.2")
    for w in &mut expected {
        if w == "platforms1" {
            *w = "platforms".into();
        }
    }
    expected.retain(|w| w != "2" && w != "1");
    let text = strip_tags(
        &html[html.find("<div class=\"content\">").expect("content")..html.find("data-timeline>").expect("timeline")],
    );
    let mut got = words(&text);
    got.retain(|w| w != "2" && w != "1");
    let mut it = got.iter();
    for w in &expected {
        assert!(it.any(|g| g == w), "regulation text is missing or reordered at word `{w}`");
    }
}

#[test]
fn builds_are_byte_identical() {
    let site = TestSite::bundled();
    site.build_ok();
    let first = snapshot(&site.out());
    site.build_ok();
    assert_eq!(first, snapshot(&site.out()));
}

#[test]
fn removed_pages_do_not_survive_a_rebuild() {
    let site = TestSite::minimal();
    site.build_ok();
    assert!(site.out().join("policy/two/index.html").exists());
    std::fs::remove_file(site.path().join("content/policy/two.md")).expect("rm");
    site.build_ok();
    assert!(!site.out().join("policy/two").exists());
    assert!(site.out().join("policy/one/index.html").exists());
}

#[test]
fn bundled_content_builds_without_warnings() {
    let site = TestSite::bundled();
    let stderr = site.build_ok();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("built "), "{stderr}");
    let check = site.run(&["check"]);
    assert!(check.status.success());
}

#[test]
fn sitemap_only_with_base_url_and_404_are_written() {
    let site = TestSite::bundled();
    site.build_ok();
    // The sitemap protocol takes absolute URLs: without base_url (the bundled site) there is none.
    assert!(!site.out().join("sitemap.xml").exists());
    let nf = site.html("404.html");
    assert!(nf.contains("Page not found"));
    assert!(nf.contains(r#"href="/assets/style.css""#), "404 is served at any path, so it links from base_path");
}

#[test]
fn a_site_template_overrides_the_theme() {
    let site = TestSite::minimal();
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}<p id=\"custom\">{{ page.title }}</p>{% block after_content %}{% endblock after_content %}{% endblock content %}");
    site.build_ok();
    assert!(site.html("policy/one/index.html").contains(r#"<p id="custom">Policy One</p>"#));
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::minimal();
    let o = site.run(&["check"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!site.out().exists());
}

/// With `base_url` set, every page (the search and 404 pages too) builds, and the feed and sitemap
/// use absolute links.
#[test]
fn a_base_url_build_gives_absolute_feed_and_sitemap_links() {
    let site = TestSite::bundled();
    let cfg = site.read("site.yaml").replacen(
        "base_path: /",
        "base_path: /\nbase_url: https://intranet.example.org/social/",
        1,
    );
    site.write("site.yaml", &cfg);
    site.build_ok();
    assert!(site.html("feed.xml").contains("href=\"https://intranet.example.org/social/feed.xml\""));
    assert!(
        site.html("sitemap.xml").contains(
            "<loc>https://intranet.example.org/social/regulation/6973-1r/</loc><lastmod>2016-06-07</lastmod>"
        )
    );
    assert!(site.html("404.html").contains("https://intranet.example.org/social/"));
}
