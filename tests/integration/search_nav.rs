//! Output that grows linearly with the site: the main navigation is bounded (sections first, then as
//! many top-level pages as fit), so a site of many top-level pages does not repeat a list of all of them
//! on every page; the home page lists them all instead. The bundled site's navigation is unchanged.
use crate::common;

use common::TestSite;

/// The links of the main navigation of a built page.
fn nav_links(html: &str) -> Vec<String> {
    let nav = html.split("aria-label=\"Main\"").nth(1).and_then(|s| s.split("</nav>").next()).unwrap_or("");
    nav.split("<a href=\"").skip(1).map(|s| s.split('"').next().unwrap_or("").to_string()).collect()
}

#[test]
fn many_top_level_pages_give_a_bounded_navigation_and_a_complete_home_page() {
    let site = TestSite::minimal();
    for i in 0..40 {
        site.write(&format!("content/p{i:02}.md"), &format!("---\ntitle: Page {i:02}\nweight: {i}\n---\nText {i}.\n"));
    }
    site.build_ok();
    let page = site.html("p39/index.html");
    let nav = nav_links(&page);
    assert_eq!(nav.len(), 12, "{nav:?}");
    // The section comes first whatever its weight; then the first pages in order.
    assert!(nav.contains(&"../policy/index.html".to_string()), "{nav:?}");
    assert!(nav.contains(&"../p00/index.html".to_string()), "{nav:?}");
    assert!(!nav.contains(&"../p39/index.html".to_string()), "{nav:?}");
    // The home page lists every top-level page.
    let home = site.html("index.html");
    assert!(home.contains("id=\"all-pages\""), "{home}");
    for i in 0..40 {
        assert!(home.contains(&format!("href=\"p{i:02}/index.html\"")), "page {i} missing from the home page");
    }
    // Other pages do not.
    assert!(!page.contains("id=\"all-pages\""));
}

#[test]
fn the_bundled_site_keeps_its_navigation() {
    let site = TestSite::bundled();
    site.build_ok();
    let nav = nav_links(&site.html("index.html"));
    assert!(nav.len() <= 12 && nav.len() >= 4, "{nav:?}");
    for want in ["regulation/index.html", "platforms/index.html", "training/index.html", "request/index.html"] {
        assert!(nav.iter().any(|h| h.ends_with(want)), "{want} missing from {nav:?}");
    }
    assert!(!site.html("index.html").contains("id=\"all-pages\""));
}

/// `draft: true` leaves a page out of the site (no file, no navigation, no search, and a link to it
/// is an error); `in_nav: false` keeps a top-level page out of the main navigation only.
#[test]
fn drafts_are_left_out_and_in_nav_false_stays_out_of_the_navigation() {
    let site = TestSite::minimal();
    site.write("content/unfinished.md", "---\ntitle: Unfinished\ndraft: true\n---\nZebrafinch notes.\n");
    site.write("content/quiet.md", "---\ntitle: Quiet\nin_nav: false\n---\nQuiet page.\n");
    site.write("content/shown.md", "---\ntitle: Shown\n---\nShown page.\n");
    site.build_ok();
    assert!(!site.out().join("unfinished").exists(), "a draft is not built");
    let nav = nav_links(&site.html("shown/index.html"));
    assert!(nav.contains(&"../shown/index.html".to_string()), "{nav:?}");
    assert!(!nav.iter().any(|l| l.contains("unfinished") || l.contains("quiet")), "{nav:?}");
    assert!(site.html("quiet/index.html").contains("Quiet page."), "in_nav: false is still built");
    // Shards and text chunks hold deflated JSON: the index as the search page reads it.
    let index: String = ["search/s", "search/x"]
        .into_iter()
        .flat_map(|dir| std::fs::read_dir(site.out().join(dir)).expect("index folder"))
        .filter_map(Result::ok)
        .map(|e| chunk_text(&std::fs::read(e.path()).unwrap_or_default()))
        .collect();
    assert!(!index.contains("zebrafinch") && index.contains("quiet"), "the draft is not in the search index");
    site.write("content/shown.md", "---\ntitle: Shown\n---\nSee [it](@/unfinished.md).\n");
    assert!(site.build_err().contains("link to a page that does not exist: `@/unfinished.md`"));
}

/// `serve`'s one-page edit, seen in the output: a text edit that keeps the section numbering changes
/// the text chunks of its own block only (each chunk names its block's version, listed in the entry),
/// not every chunk of the site, while the entry and the shards take a new version.
#[test]
fn a_text_edit_rewrites_one_block_of_search_text_chunks() {
    let site = TestSite::minimal();
    let page = |n: usize, extra: &str| {
        let mut s = format!("---\ntitle: Page {n:03}\n---\n\nIntro {n} text.\n");
        for h in 0..4 {
            s.push_str(&format!("\n## Heading {h}\n\nSection {h} of page {n} about records and retention.{extra}\n"));
        }
        s
    };
    for n in 0..300 {
        site.write(&format!("content/p{n:03}.md"), &page(n, ""));
    }
    site.build_ok();
    let read = |rel: &str| std::fs::read(site.out().join(rel)).unwrap_or_default();
    let chunks = std::fs::read_dir(site.out().join("search/x")).map(|d| d.count()).unwrap_or(0);
    let block = policysite::search_index::BLOCK;
    assert!(chunks > block, "more than one block of chunks: {chunks}");
    let before: Vec<Vec<u8>> = (0..chunks).map(|n| read(&format!("search/x/{n}.js"))).collect();
    let entry = read("search/entry.js");
    site.write("content/p299.md", &page(299, " Quokkas too."));
    site.build_ok();
    assert_ne!(read("search/entry.js"), entry, "the entry takes a new version");
    let changed: Vec<usize> = (0..chunks).filter(|&n| read(&format!("search/x/{n}.js")) != before[n]).collect();
    assert!(!changed.is_empty(), "the edited page's chunk changed");
    assert!(changed.iter().all(|&n| n >= block), "only the last block's chunks changed: {changed:?}");
    assert!(changed.iter().any(|n| chunk_text(&read(&format!("search/x/{n}.js"))).contains("Quokkas")));
}

/// The JSON of a text chunk or shard (`POLICYSITE_SEARCH.text(n,"version","Base64 of raw DEFLATE")`).
pub(crate) fn chunk_text(file: &[u8]) -> String {
    use base64::Engine as _;
    use std::io::Read as _;
    let file = String::from_utf8_lossy(file);
    let b64 = file.rsplit(",\"").next().unwrap_or_default().trim_end().trim_end_matches("\");");
    let deflated = base64::engine::general_purpose::STANDARD.decode(b64).expect("Base64");
    let mut json = String::new();
    flate2::read::DeflateDecoder::new(deflated.as_slice()).read_to_string(&mut json).expect("raw DEFLATE");
    json
}

/// A rebuild keeps the deflated text chunks of the output it recycles only when they hold what it
/// would write: a chunk whose name and version are right but whose text is another chunk's (or is
/// cut short) is made again, so the output is the same as a clean build's.
#[test]
fn a_rebuild_remakes_a_damaged_search_text_chunk() {
    let site = TestSite::minimal();
    for n in 0..80 {
        site.write(
            &format!("content/p{n:03}.md"),
            &format!("---\ntitle: Page {n}\n---\n\n## Part {n}\n\nText {n} about records.\n"),
        );
    }
    site.build_ok();
    let clean = common::snapshot(&site.out());
    let path = |n: usize| site.out().join(format!("search/x/{n}.js"));
    let read = |n: usize| std::fs::read(path(n)).expect("chunk");
    let (zero, one) = (String::from_utf8(read(0)).expect("utf8"), String::from_utf8(read(1)).expect("utf8"));
    let head = |s: &str| s[..s.rfind(",\"").expect("head") + 2].to_string();
    // Chunk 0's name and version with chunk 1's text; chunk 1 cut short.
    std::fs::write(path(0), format!("{}{}", head(&zero), &one[head(&one).len()..])).expect("write");
    std::fs::write(path(1), &one[..one.len() - 20]).expect("write");
    // The damaged output is recycled by the build after next (each build recycles the one before last).
    site.build_ok();
    site.build_ok();
    assert_eq!(common::snapshot(&site.out()), clean, "the damaged chunks were made again");
    assert!(chunk_text(&read(0)).contains("Page 0"));
}
