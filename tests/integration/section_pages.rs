//! Issue 12: a section's index lists at most 200 of its pages and continues on `page/2/`, … so no
//! page carries a list that grows with the whole site; every page stays reachable.
use crate::common;

use common::TestSite;

#[test]
fn a_long_section_is_split_into_linked_list_pages() {
    let site = TestSite::minimal();
    for i in 0..450 {
        site.write(
            &format!("content/policy/p{i:03}.md"),
            &format!("---\ntitle: Page {i:03}\nweight: {i}\n---\n\nText {i}.\n"),
        );
    }
    site.build_ok();
    let card_links = |html: &str| html.matches("<li class=\"card\"><h2><a href=\"").count();
    let first = site.html("policy/index.html");
    let second = site.html("policy/page/2/index.html");
    let third = site.html("policy/page/3/index.html");
    assert!(!site.out().join("policy/page/4").exists());
    // 452 children (the two pages of the minimal site, then the 450): 200, 200, 52.
    assert_eq!((card_links(&first), card_links(&second), card_links(&third)), (200, 200, 52));
    assert!(first.contains("Page 1 of 3") && first.contains("href=\"page/2/index.html\" rel=\"next\""), "pager");
    assert!(
        second.contains("href=\"../../index.html\" rel=\"prev\"")
            && second.contains("href=\"../../page/3/index.html\" rel=\"next\"")
    );
    // Links on a continuation page are relative to it.
    assert!(third.contains("href=\"../../../policy/p449/index.html\""), "{}", &third[..third.len().min(400)]);
    assert!(third.contains("href=\"../../../assets/style.css\""), "stylesheet link on page 3");
    // Every link of every part resolves (the link checker walks the rendered pages).
    let o = site.run(&["check"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_short_section_has_no_pager() {
    let site = TestSite::minimal();
    site.build_ok();
    assert!(!site.html("policy/index.html").contains("data-pager"));
    assert!(!site.out().join("policy/page").exists());
}
