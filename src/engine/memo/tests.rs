/// The keys of the site in `root` now (stamped, loaded, keyed).
fn keys(root: &std::path::Path, today: crate::date::Date) -> super::Keys {
    let inputs = super::Inputs::stamp(root).expect("stamps");
    let sources = crate::engine::load_sources(root, today, crate::load::content::Bodies::Kept, None)
        .unwrap_or_else(|d| panic!("{d:?}"));
    super::Keys::new(&inputs, root, &sources, today)
}

/// A source file changed within a tick of the clock that stamps files before the build stamped
/// it could change again, to the same size, without a new stamp (where change times are coarse:
/// Linux before 6.13, …): the build's keys are then its own, so no later build keeps what it
/// made from the text it read. Once the file is older, the keys are the same build to build.
#[test]
fn a_source_changed_just_before_the_build_gives_keys_no_other_build_has() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let today = crate::date::Date::parse("2026-12-06").expect("date");
    crate::engine::test_site(root, &[("_index.md", "---\ntitle: Home\n---\nHello.\n")]);
    let data = root.join("data/directory.yaml");
    let text = std::fs::read(&data).expect("data");
    std::thread::sleep(std::time::Duration::from_millis(150));
    let settled = keys(root, today).page_text;
    assert_eq!(keys(root, today).page_text, settled, "nothing changed");
    std::fs::write(&data, &text).expect("the same text again: a change all the same");
    let racy = keys(root, today).page_text;
    assert_ne!(keys(root, today).page_text, racy, "a file changed just now: each build's keys are its own");
    std::thread::sleep(std::time::Duration::from_millis(150));
    assert_eq!(keys(root, today).page_text, keys(root, today).page_text, "settled again");
}

/// The keys leave an ordinary page's body out of every other page's key, and tell a page whose
/// text a feature owns by its file (`body_is_its_own`): a feature that owns a page's text must
/// give it its file, as the policy feature gives a policy page its revision's.
#[test]
fn a_page_whose_text_a_feature_owns_is_not_ordinary() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let today = crate::date::Date::parse("2026-12-06").expect("date");
    let site = crate::engine::load_site(root, today).expect("the bundled site loads");
    let owned: Vec<&str> = site
        .pages
        .iter()
        .filter(|p| crate::features::owns_page_text(&site, &p.source.rel))
        .map(|p| p.source.rel.as_str())
        .collect();
    assert!(!owned.is_empty(), "the bundled regulation has revisions");
    for p in site.pages.iter().filter(|p| owned.contains(&p.source.rel.as_str())) {
        assert!(!p.source.body_is_its_own(), "{}", p.source.rel);
    }
}
