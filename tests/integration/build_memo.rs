//! The build memo (issue 22): a rebuild keeps the pages and site-wide files whose inputs did not
//! change, and its output is always, byte for byte, what a build that renders everything makes.
use std::time::Duration;

use crate::common::{TestSite, snapshot, write_sealed_notes};

/// The memo distrusts a file changed within 100 ms of the memo (the clock that stamps files ticks
/// coarsely): the tests wait that long before a rebuild that should keep it.
const SETTLE: Duration = Duration::from_millis(150);

pub(crate) fn build(site: &TestSite, extra: &[&str]) -> String {
    std::thread::sleep(SETTLE);
    let out = site.out();
    let mut args = vec!["build", "--output", out.to_str().expect("utf8")];
    args.extend_from_slice(extra);
    let o = site.run(&args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "build failed:\n{err}");
    err
}

/// The pages a build said it kept (0 when it says nothing of it).
fn kept(stderr: &str) -> usize {
    stderr
        .split("; ")
        .map(str::trim_end)
        .find_map(|part| part.strip_suffix(" unchanged pages kept").or(part.strip_suffix(" unchanged page kept")))
        .map_or(0, |n| n.parse().expect("count"))
}

/// For how many edited pages the build said it updated the search index in place (`None`: it did
/// not say so: the index was kept, or made whole).
fn updated(stderr: &str) -> Option<usize> {
    if stderr.contains("; search index repaired in place") {
        return Some(0);
    }
    let at = stderr.find("; search index updated for ")? + "; search index updated for ".len();
    Some(stderr[at..].split(' ').next()?.parse().expect("count"))
}

fn pages(stderr: &str) -> usize {
    let at = stderr.find("built ").expect("built line") + "built ".len();
    stderr[at..].split(' ').next().expect("count").parse().expect("count")
}

/// What a build that renders everything makes of the site as it is now, in a folder of its own.
fn rendered_whole(site: &TestSite, extra: &[&str]) -> Vec<(String, Vec<u8>)> {
    let whole = tempfile::tempdir().expect("tempdir");
    let out = whole.path().join("public");
    let mut args = vec!["build", "--render-all", "--output", out.to_str().expect("utf8")];
    args.extend_from_slice(extra);
    let o = site.run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    snapshot(&out)
}

/// Build until the memos of both folders a build alternates between trust every file, and once
/// more: the returned build's. A file written by a build is too new for that build's memo to trust;
/// the next build of the folder finds it unchanged, leaves it, and its memo trusts it.
pub(crate) fn settle(site: &TestSite, extra: &[&str]) -> String {
    for _ in 0..4 {
        build(site, extra);
    }
    build(site, extra)
}

pub(crate) fn assert_same(site: &TestSite, extra: &[&str], what: &str) {
    let whole: std::collections::BTreeMap<String, Vec<u8>> = rendered_whole(site, extra).into_iter().collect();
    let ours: std::collections::BTreeMap<String, Vec<u8>> = snapshot(&site.out()).into_iter().collect();
    let differ: Vec<&String> =
        whole.keys().chain(ours.keys()).filter(|k| whole.get(*k) != ours.get(*k)).take(5).collect();
    assert!(differ.is_empty(), "{what}: the rebuilt output differs from a whole render in {differ:?}");
}

/// An edit of the site's sources, by name.
type Edit<'a> = (&'a str, &'a dyn Fn(&TestSite));

/// Each kind of edit, one after another on one site: the rebuild keeps what the edit did not
/// touch, and equals a build that renders everything.
#[test]
fn a_rebuild_keeps_what_did_not_change_and_equals_a_whole_render() {
    let site = TestSite::bundled();
    let first = settle(&site, &[]);
    let all = pages(&first);
    assert_eq!(kept(&first), all, "an unchanged site is kept whole:\n{first}");
    assert_same(&site, &[], "nothing changed");

    // One page's text: that page is rendered (and the search index), no other.
    let rel = "content/training/public-records.md";
    site.write(rel, &format!("{}\nA sentence the memo has never seen: zyzzyva.\n", site.read(rel)));
    let err = build(&site, &[]);
    assert_eq!(kept(&err), all - 1, "one page's text changed:\n{err}");
    assert!(site.html("training/public-records/index.html").contains("zyzzyva"));
    assert_same(&site, &[], "one page's text");
    // The other folder, recycled next, still holds the text before the edit.
    let err = build(&site, &[]);
    assert_eq!(kept(&err), all - 1, "{err}");
    assert_same(&site, &[], "one page's text, second folder");

    // A title shows in every page's navigation: nothing is kept that shows it.
    settle(&site, &[]);
    site.write(rel, &site.read(rel).replacen("title: Public Records Act", "title: The Public Records Act", 1));
    let err = build(&site, &[]);
    assert!(kept(&err) < all - 1, "a title changed, yet {} pages were kept", kept(&err));
    assert_same(&site, &[], "a title");

    // The theme's template, the platform list, a static file, a new page, a removed page.
    let edits: [Edit<'_>; 5] = [
        ("a template", &|s| {
            let t = "themes/default/templates/base.html";
            s.write(t, &s.read(t).replacen("</footer>", "<p>memo test</p></footer>", 1));
        }),
        ("the platform list", &|s| {
            let p = "data/platforms.yaml";
            s.write(p, &s.read(p).replacen("name: Facebook", "name: Facebook (Meta)", 1));
        }),
        ("a static file", &|s| {
            let dir = s.path().join("themes/default/static/assets");
            let css = walkdir::WalkDir::new(&dir)
                .into_iter()
                .filter_map(Result::ok)
                .find(|e| e.path().extension().is_some_and(|x| x == "css"))
                .expect("a stylesheet");
            let text = std::fs::read_to_string(css.path()).expect("css");
            std::fs::write(css.path(), format!("{text}\n/* memo test */\n")).expect("write");
        }),
        ("a new page", &|s| s.write("content/training/memo-test.md", "---\ntitle: Memo test\n---\nNew.\n")),
        ("a removed page", &|s| std::fs::remove_file(s.path().join("content/training/memo-test.md")).expect("rm")),
    ];
    for (what, edit) in edits {
        settle(&site, &[]);
        edit(&site);
        let err = build(&site, &[]);
        assert_same(&site, &[], what);
        assert!(kept(&err) < all, "{what}: every page was kept:\n{err}");
    }
}

/// A file of the folder a rebuild recycles that was edited by hand (even to the same length) is
/// noticed by its stamp and made again; so is one replaced by another file.
#[test]
fn a_kept_file_edited_by_hand_is_made_again() {
    let site = TestSite::bundled();
    let all = pages(&settle(&site, &[]));
    build(&site, &[]); // the folder the next build recycles is now `.public.old`
    let old = site.path().join(".public.old");
    let page = old.join("training/public-records/index.html");
    let bytes = std::fs::read(&page).expect("page");
    std::fs::write(&page, vec![b'x'; bytes.len()]).expect("overwrite");
    let index = old.join("search/index.html");
    let replaced = old.join("search/replacement");
    std::fs::copy(&index, &replaced).expect("copy");
    std::fs::rename(&replaced, &index).expect("replace");
    let err = build(&site, &[]);
    assert_eq!(kept(&err), all - 1, "{err}");
    assert_same(&site, &[], "files edited by hand");
}

/// An unchanged rebuild takes each page's outline (table of contents, anchors, links to check) from
/// the notes the build before left in its folder, instead of reading the page's Markdown again. A
/// note serves only while the page's inputs are the ones it was made from; damaged notes are none.
/// (A marked note shows which source the rebuilt page's table of contents came from.)
#[test]
fn an_unchanged_rebuild_takes_outlines_from_notes_of_the_same_inputs() {
    let site = TestSite::bundled();
    let all = pages(&settle(&site, &[]));
    let (rel, html) = ("content/training/public-records.md", "training/public-records/index.html");
    let old = site.path().join(".public.old");
    let notes = old.join(".policysite-notes");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&notes).expect("notes")).expect("json");
    let entry = &mut json["units"]["page training/public-records.md"][1]["toc"][0][2];
    assert_eq!(entry.as_str(), Some("Why this training"), "the note holds the page's first heading");
    *entry = "A heading only the note has".into();
    // Written with line breaks, which a note made again (compact JSON) never has.
    write_sealed_notes(&notes, &json, true);
    // The page's file edited by hand, so it is rendered again: from the marked note.
    std::fs::write(old.join(html), "x").expect("edit");
    let err = build(&site, &[]);
    assert_eq!(kept(&err), all - 1, "{err}");
    assert!(site.html(html).contains("A heading only the note has"), "the outline was read again");
    // This build's notes carry each note of an unchanged key over as its text, not made again.
    let carried = std::fs::read_to_string(site.path().join("public/.policysite-notes")).expect("notes");
    let carried_json: serde_json::Value = serde_json::from_str(&carried).expect("the notes read as JSON");
    assert_eq!(carried_json["units"]["page training/public-records.md"][1]["toc"][0][2], "A heading only the note has");
    assert!(carried.contains("\n    "), "the notes were made again, not carried over");

    // A note of the same key that is not an outline is not carried over: the page is read and its
    // outline noted anew.
    settle(&site, &[]);
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&notes).expect("notes")).expect("json");
    json["units"]["page training/public-records.md"][1] = "not an outline".into();
    write_sealed_notes(&notes, &json, false);
    build(&site, &[]);
    let renoted: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.path().join("public/.policysite-notes")).expect("notes"))
            .expect("json");
    assert_eq!(renoted["units"]["page training/public-records.md"][1]["toc"][0][2], "Why this training");

    // The page edited: its note no longer serves, its Markdown is read.
    site.write(rel, &format!("{}\nOne more sentence.\n", site.read(rel)));
    build(&site, &[]);
    assert!(!site.html(html).contains("A heading only the note has"));
    assert_same(&site, &[], "an edit after a marked note");

    // Damaged notes are none: every page is read, and the output is the whole render's.
    settle(&site, &[]);
    let notes_text = std::fs::read(&notes).expect("notes");
    std::fs::write(&notes, &notes_text[..notes_text.len() / 2]).expect("damage");
    std::fs::write(old.join(html), "x").expect("edit");
    let err = build(&site, &[]);
    assert_eq!(kept(&err), all - 1, "{err}");
    assert_same(&site, &[], "damaged notes");
}

/// `--render-all` renders every page; the build after it keeps them again; `--today` is an input.
#[test]
fn render_all_and_the_build_date() {
    let site = TestSite::bundled();
    let all = pages(&settle(&site, &[]));
    assert_eq!(kept(&build(&site, &["--render-all"])), 0);
    let today = ["--today", "2030-01-01"];
    let err = build(&site, &today);
    assert!(kept(&err) < all, "another build date kept every page:\n{err}");
    assert_same(&site, &today, "another build date");
    assert_eq!(kept(&settle(&site, &today)), all);
}

/// The request form links to a section of the regulation only when the regulation has that
/// heading (`regulation_anchors`): a regulation whose text is in its own file (no revisions) is read
/// by another page, so an edit of its headings must render the form again.
#[test]
fn the_request_form_follows_the_headings_of_a_regulation_without_revisions() {
    let site = TestSite::regulation_without_revisions();
    let reg = "content/policy/one.md";
    let link = "#maintaining-professional-boundaries";
    settle(&site, &[]);
    assert!(site.html("request/index.html").contains(link), "the form links to the section");
    site.write(reg, &site.read(reg).replace("## Maintaining Professional Boundaries", "## Keeping Boundaries"));
    build(&site, &[]);
    assert_same(&site, &[], "a heading of the regulation");
    assert!(!site.html("request/index.html").contains(link), "the form still links to a section that is gone");
}

/// A memo that is not a plain file (a FIFO left in the folder the build recycles) is not read: the
/// build neither waits for a writer nor fails, and renders everything.
#[cfg(unix)]
#[test]
fn a_memo_that_is_a_fifo_does_not_hang_the_build() {
    let site = TestSite::bundled();
    let all = pages(&settle(&site, &[]));
    let memo = site.path().join(".public.old/.policysite-memo");
    std::fs::remove_file(&memo).expect("rm memo");
    let made = std::process::Command::new("mkfifo").arg(&memo).status().expect("mkfifo");
    assert!(made.success());
    let out = site.out();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(site.path())
        .args(["build", "--output", out.to_str().expect("utf8")])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("build");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the build still waits on a FIFO in place of its memo after 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = child.wait_with_output().expect("output");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert_eq!(kept(&err), 0, "{err}");
    assert_eq!(pages(&err), all);
    assert_same(&site, &[], "a FIFO for a memo");
}

/// A memo that names one file in two units, or a path that leaves the folder, is not one a build
/// wrote: it is ignored whole (everything is rendered), and the build neither fails nor keeps the
/// file twice.
#[test]
fn a_memo_naming_a_file_twice_or_outside_is_ignored() {
    let site = TestSite::bundled();
    let all = pages(&settle(&site, &[]));
    let memo = site.path().join(".public.old/.policysite-memo");
    let original = std::fs::read_to_string(&memo).expect("memo");
    let json: serde_json::Value = serde_json::from_str(&original).expect("json");
    let home = json["units"]["page _index.md"][1][0].clone();
    let forged = [("the home page's file", home), ("a path outside", serde_json::json!(["../outside", [1, 2, 3]]))];
    for (what, file) in forged {
        let mut json = json.clone();
        json["units"]["site-wide files"][1].as_array_mut().expect("files").push(file);
        std::fs::write(&memo, serde_json::to_vec(&json).expect("json")).expect("forge");
        let err = build(&site, &[]);
        assert_eq!(kept(&err), 0, "{what}: {err}");
        assert_eq!(pages(&err), all);
        assert_same(&site, &[], what);
        build(&site, &[]);
    }
}

/// The text of a search chunk: its JSON, inflated from the Base64 the file holds.
fn chunk_text(file: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    use std::io::Read as _;
    let text = std::str::from_utf8(file).expect("utf8");
    let b64 = text[text.rfind(",\"").expect("head") + 2..].strip_suffix("\");\n").expect("tail");
    let deflated = base64::engine::general_purpose::STANDARD.decode(b64).expect("base64");
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(&deflated[..]).read_to_end(&mut json).expect("inflate");
    json
}

/// The one place a rebuild's output may differ in bytes from a whole render's, by design (older than
/// the memo): a search text chunk of the recycled folder is kept when it inflates to the text the
/// build would deflate, however it was deflated (by hand, or by an older policysite at another
/// level), so the search finds the same text; deflating every chunk again to compare bytes is what
/// keeping it saves. Every other file is the whole render's, byte for byte.
#[test]
fn a_search_chunk_deflated_otherwise_keeps_its_text() {
    use base64::Engine as _;
    use std::io::Write as _;
    let site = TestSite::bundled();
    settle(&site, &[]);
    let rel = "search/x/0.js";
    let chunk = site.path().join(".public.old").join(rel);
    let text = std::fs::read_to_string(&chunk).expect("chunk");
    let head = &text[..text.rfind(",\"").expect("head") + 2];
    let mut stored = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::none());
    stored.write_all(&chunk_text(text.as_bytes())).expect("deflate");
    let stored = base64::engine::general_purpose::STANDARD.encode(stored.finish().expect("deflate"));
    std::fs::write(&chunk, format!("{head}{stored}\");\n")).expect("write");
    // Without the index's state the build makes the index whole (with it, a chunk the memo no longer
    // vouches for is written again: `a_page_edit_updates_the_search_index_in_place`).
    std::fs::remove_file(site.path().join(".public.old/.policysite-state")).expect("state");
    build(&site, &[]);
    let mut whole: std::collections::BTreeMap<String, Vec<u8>> = rendered_whole(&site, &[]).into_iter().collect();
    let mut ours: std::collections::BTreeMap<String, Vec<u8>> = snapshot(&site.out()).into_iter().collect();
    let (a, b) = (whole.remove(rel).expect("whole chunk"), ours.remove(rel).expect("our chunk"));
    assert_ne!(a, b, "the chunk was made again (then this exception is gone: drop it from the README)");
    assert_eq!(chunk_text(&a), chunk_text(&b), "the kept chunk holds the text the build would write");
    assert!(whole == ours, "every other file is the whole render's");
}

/// The inode of the file `rel` of `dir`: the same after a build when the build left the file as it
/// was (the recycled folder's files are its output's).
#[cfg(unix)]
fn inode(dir: &std::path::Path, rel: &str) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(dir.join(rel)).expect(rel).ino()
}

/// The bundled site with 240 pages more, of 8 sections each (and the title's: a range of 12
/// numbers, `search_index::slots`): enough sections for several blocks of text chunks (`BLOCK`
/// chunks of `CHUNK` section numbers each). Settled; with its page count.
fn bulk_site() -> (TestSite, usize) {
    let site = TestSite::bundled();
    site.write("content/bulk/_index.md", "---\ntitle: Bulk\n---\nMany pages.\n");
    for i in 0..240 {
        let sections: String = (0..8)
            .map(|k| format!("## Part {k} of bulk {i}\n\nWords about bulk {i} part {k}: alpha{i} beta{k}.\n\n"))
            .collect();
        site.write(&format!("content/bulk/p{i:03}.md"), &format!("---\ntitle: Bulk {i}\n---\n{sections}"));
    }
    let all = pages(&settle(&site, &[]));
    (site, all)
}

/// After an edit of some pages' text, the build updates the search index of the folder it recycles,
/// from the state the build that wrote it noted (`.policysite-state`): the edited pages' blocks of
/// text chunks, the shards whose postings changed and the entry are written, every other file of
/// the index is left as it was, and the output equals a whole render. So over edits in a row (each
/// folder of the pair updated from its own state); after an edit that adds a heading (in place
/// while the page's sections fit its range of numbers; past it, every later section is numbered
/// anew: every page is read again and the index made whole); with the state damaged (made whole);
/// and with a file of the index edited by hand (written again).
#[cfg(unix)]
#[test]
fn a_page_edit_updates_the_search_index_in_place() {
    let (site, all) = bulk_site();
    let old = site.path().join(".public.old");
    let chunks = std::fs::read_dir(old.join("search/x")).expect("chunks").count();
    assert!(chunks > 2 * policysite::search_index::BLOCK, "the index has three blocks or more ({chunks} chunks)");
    let far = format!("search/x/{}.js", chunks - 1); // the last block: no bulk page is in it
    let edited = "content/bulk/p003.md";

    for round in 0..3 {
        site.write(edited, &format!("{}\nAn edit the index has never seen: zyzzyva{round}.\n", site.read(edited)));
        let (far_before, first_before) = (inode(&old, &far), std::fs::read(old.join("search/x/0.js")).expect("chunk"));
        let err = build(&site, &[]);
        assert_eq!(kept(&err), all - 1, "round {round}: the edited page alone is rendered:\n{err}");
        assert_eq!(updated(&err), Some(1), "round {round}: the index is updated in place:\n{err}");
        assert_same(&site, &[], &format!("edit {round}"));
        assert_eq!(inode(&site.out(), &far), far_before, "round {round}: a chunk the edit does not touch is left");
        let first = std::fs::read(site.out().join("search/x/0.js")).expect("chunk");
        assert_ne!(first, first_before, "round {round}: the edited page's chunk is written anew");
    }

    // Two pages at once, one in the last block (partly filled), then both back as they were: each
    // folder of the pair is updated from its own state.
    let last = "content/training/running-an-account.md";
    let (before_edited, before_last) = (site.read(edited), site.read(last));
    site.write(edited, &format!("{before_edited}\nTwo at once: quokka.\n"));
    site.write(last, &format!("{before_last}\nTwo at once: quokka.\n"));
    let err = build(&site, &[]);
    assert_eq!(kept(&err), all - 2, "two pages edited:\n{err}");
    assert_eq!(updated(&err), Some(2), "two pages edited:\n{err}");
    assert_same(&site, &[], "two pages in different blocks");
    site.write(edited, &before_edited);
    site.write(last, &before_last);
    // The first folder recycled holds both pages as they are again: nothing to update (kept), or,
    // if its files written within a tick before its memo are not trusted, those repaired in place;
    // the second holds both edits.
    for (round, edits) in [(0, &[None, Some(0)][..]), (1, &[Some(2)][..])] {
        let err = build(&site, &[]);
        assert!(edits.contains(&updated(&err)), "reverted, build {round}:\n{err}");
        assert_same(&site, &[], &format!("reverted, build {round}"));
    }

    // A heading added, then taken away: the page's 10 sections, then 9 again, fit its range of 12
    // numbers, so only its own are numbered anew, in place, in both folders of the pair.
    let nine = site.read(edited);
    for (what, text) in [("added", format!("{nine}\n## A new heading\n\nAnd its text.\n")), ("taken away", nine)] {
        site.write(edited, &text);
        for round in 0..2 {
            let far_before = inode(&old, &far);
            let err = build(&site, &[]);
            assert_eq!(updated(&err), Some(1), "heading {what}, round {round}: within the page's range:\n{err}");
            assert_same(&site, &[], &format!("heading {what}, round {round}"));
            assert_eq!(inode(&site.out(), &far), far_before, "heading {what}, round {round}: a far chunk is left");
        }
    }
    // Three more: 12 sections need a range of 16, so every later page is numbered anew: made whole.
    let three: String = (0..3).map(|k| format!("\n## Another heading {k}\n\nText {k}.\n")).collect();
    site.write(edited, &format!("{}{three}", site.read(edited)));
    let err = build(&site, &[]);
    assert_eq!(updated(&err), None, "sections past the page's range number every later one anew: made whole:\n{err}");
    assert_same(&site, &[], "an edit that adds sections past the page's range");

    let err = build(&site, &[]);
    assert_eq!(updated(&err), None, "the other folder, made whole too:\n{err}");
    std::fs::write(old.join(".policysite-state"), "{\"version\":1,\"units\":{\"page-text state\":").expect("damage");
    site.write(edited, &format!("{}\nAgain.\n", site.read(edited)));
    let err = build(&site, &[]);
    assert_eq!(updated(&err), None, "damaged state: made whole:\n{err}");
    assert_same(&site, &[], "damaged state");

    // A state changed since that still reads as JSON and as a state (the last block's version, which
    // the update would write into the entry as it is): its sum no longer holds, so it is not used,
    // and the index is made whole.
    // Changed in place, byte for byte the same file otherwise (the sum is what catches it).
    let state_path = old.join(".policysite-state");
    let text = std::fs::read_to_string(&state_path).expect("state");
    let list = text.find("\"text_versions\":[").expect("the blocks' versions");
    let end = list + text[list..].find(']').expect("the list's end");
    let last = text[..end].rfind(",\"").map_or(list + "\"text_versions\":[".len(), |i| i + 1);
    let changed = format!("{}\"{}\"{}", &text[..last], "0".repeat(end - last - 2), &text[end..]);
    assert_ne!(changed, text, "a version changed");
    assert_eq!(changed.len(), text.len());
    std::fs::write(&state_path, changed).expect("change");
    site.write(edited, &format!("{}\nOnce more.\n", site.read(edited)));
    let err = build(&site, &[]);
    assert_eq!(updated(&err), None, "changed state: made whole:\n{err}");
    assert_same(&site, &[], "changed state");

    // No page edited, one chunk rewritten as it was (its stamp changed): the memo cannot vouch for
    // it, so its block is made again, and every page is kept.
    settle(&site, &[]);
    let chunk = old.join(&far);
    let bytes = std::fs::read(&chunk).expect("chunk");
    std::fs::remove_file(&chunk).expect("remove");
    std::fs::write(&chunk, &bytes).expect("the same bytes, a new file");
    let err = build(&site, &[]);
    assert_eq!(kept(&err), all, "nothing edited:\n{err}");
    assert_eq!(updated(&err), Some(0), "nothing edited, one block made again:\n{err}");
    assert_same(&site, &[], "a chunk the memo cannot vouch for, nothing edited");

    settle(&site, &[]);
    std::fs::write(&chunk, vec![b'x'; bytes.len()]).expect("overwrite");
    site.write(edited, &format!("{}\nOnce more.\n", site.read(edited)));
    let err = build(&site, &[]);
    assert_eq!(updated(&err), Some(1), "a chunk edited by hand is written again, in place:\n{err}");
    assert_same(&site, &[], "a chunk of the index edited by hand");
}

/// The search feature's state as the folder `dir` noted it: each page's `rel`, first section
/// number and section count.
fn noted_pages(dir: &std::path::Path) -> Vec<(String, u64, u64)> {
    let text = std::fs::read_to_string(dir.join(".policysite-state")).expect("state");
    let state: serde_json::Value = serde_json::from_str(&text).expect("json");
    let pages = &state["units"]["page-text state"][1]["kept"]["search"]["pages"];
    let field = |p: &serde_json::Value, k: &str| p[k].as_u64().expect("number");
    let rel = |p: &serde_json::Value| p["rel"].as_str().expect("rel").to_string();
    pages.as_array().expect("pages").iter().map(|p| (rel(p), field(p, "first"), field(p, "count"))).collect()
}

/// The search index updated in place keeps the files no edit touches (retained, with the hashes of
/// their bytes as the folder's memo had them), and the build after it, when it copies from the
/// output, finds each retained file as the output's memo says its build wrote it: a date edit
/// (another structure), then a page edit back on the first date (updated in place from the folder
/// of that date), then a build that copies from the output.
#[cfg(unix)]
#[test]
fn the_files_an_update_in_place_keeps_are_copied_as_they_were_written() {
    let (site, all) = bulk_site();
    let (first, second) = (["--today", "2030-01-01"], ["--today", "2030-01-02"]);
    build(&site, &first);
    build(&site, &first);
    assert_eq!(kept(&build(&site, &second)), 0, "another build date: every page made again");
    let edited = "content/bulk/p003.md";
    site.write(edited, &format!("{}\nAn edit the index has never seen: zyzzyva.\n", site.read(edited)));
    let err = build(&site, &first);
    assert_eq!(updated(&err), Some(1), "updated in place from the folder of the first date:\n{err}");
    assert_same(&site, &first, "updated in place");
    // The edited page, written within a tick of the clock before the memo, may be made again.
    let err = build(&site, &first);
    assert!(kept(&err) >= all - 1, "every page copied from the output:\n{err}");
    assert_same(&site, &first, "copied from the output after an update in place");
}

/// Edits the update in place must carry whole: a page whose sections run from one block of text
/// chunks into the next (both blocks are written again), and an edit that adds enough new terms
/// for another shard of postings, then takes them away (the shard count grows and shrinks: the
/// shard no longer written is not left behind). Each equals a whole render.
#[cfg(unix)]
#[test]
fn an_edit_across_two_blocks_or_that_changes_the_shard_count_is_updated_in_place() {
    let (site, _) = bulk_site();
    let old = site.path().join(".public.old");
    let span = (policysite::search_index::CHUNK * policysite::search_index::BLOCK) as u64;
    let across = noted_pages(&old)
        .into_iter()
        .find(|(rel, first, count)| rel.starts_with("bulk/") && first / span != (first + count - 1) / span)
        .map(|(rel, ..)| format!("content/{rel}"))
        .expect("a bulk page across a block boundary");
    let before = site.read(&across);
    site.write(&across, &before.replace(": alpha", ": gamma delta alpha"));
    let err = build(&site, &[]);
    assert_eq!(updated(&err), Some(1), "a page across two blocks:\n{err}");
    assert_same(&site, &[], "a page across two blocks");

    // About 3,000 words no page holds: some 50 KB of postings more, past one shard's 32 KB.
    settle(&site, &[]);
    let shards = || std::fs::read_dir(site.out().join("search/s")).expect("shards").count();
    let (edited, fewer) = ("content/bulk/p100.md", shards());
    let text = site.read(edited);
    let words: String = (0..3000).map(|n| format!(" zq{n:04}x")).collect();
    site.write(edited, &format!("{text}\nNew words:{words}.\n"));
    let err = build(&site, &[]);
    assert_eq!(updated(&err), Some(1), "many new terms:\n{err}");
    assert!(shards() > fewer, "another shard ({} > {fewer})", shards());
    assert_same(&site, &[], "a shard more");
    // The first folder recycled was made before the words came (kept as it is); the second after.
    site.write(edited, &text);
    for (round, expected) in [(0, None), (1, Some(1))] {
        let err = build(&site, &[]);
        assert_eq!(updated(&err), expected, "round {round}, the terms taken away:\n{err}");
        assert_same(&site, &[], &format!("round {round}, the terms taken away"));
    }
    assert_eq!(shards(), fewer, "as many shards as before");
}

/// A page edited while a build runs (an editor saving by rename): again and again every 2 ms, or
/// once, at one of several moments of the build. That build succeeds or refuses ("changed while the
/// site was being built"), and the next one shows the last text and equals a whole render: nothing
/// read before or during the edit is kept as if it were the text the page has now.
#[test]
fn a_page_edited_during_a_build_is_seen_by_the_next_build() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let site = TestSite::bundled();
    settle(&site, &[]);
    let rel = "content/training/public-records.md";
    let (page, original) = (site.path().join(rel), site.read(rel));
    // (delay before the first edit in ms, edits): every 2 ms, then once at moments across a build.
    let rounds = [(0, usize::MAX), (0, 1), (15, 1), (40, 1), (80, 1), (150, 1)];
    let (mut refused, mut built) = (0, 0);
    for (round, (delay, edits)) in rounds.into_iter().enumerate() {
        let (stop, last) = (AtomicBool::new(false), AtomicUsize::new(usize::MAX));
        let (ok, err) = std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(Duration::from_millis(delay));
                // Saved beside the site's folders, not in `content/` (where a build would list it).
                let temp = site.path().join(".editor-save");
                for n in 0..edits {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    std::fs::write(&temp, format!("{original}\nEdit {round}.{n}: quagga{round}x{n}.\n"))
                        .expect("write");
                    std::fs::rename(&temp, &page).expect("rename");
                    last.store(n, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(2));
                }
            });
            let out = site.out();
            let o = site.run(&["build", "--output", out.to_str().expect("utf8")]);
            stop.store(true, Ordering::Relaxed);
            (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
        });
        assert!(ok || err.contains("changed while the site was being built"), "round {round}:\n{err}");
        if ok {
            built += 1
        } else {
            refused += 1
        }
        let n = last.load(Ordering::Relaxed);
        build(&site, &[]);
        let html = site.html("training/public-records/index.html");
        assert!(n == usize::MAX || html.contains(&format!("quagga{round}x{n}")), "round {round}: the last edit shows");
        assert_same(&site, &[], &format!("round {round}: after a build during an edit"));
    }
    eprintln!("builds during edits: {built} built, {refused} refused");
}

/// The build after one that changed the structure recycles the output before last, made from the
/// structure before: what the output as it is now shows unchanged is copied from it (each file as
/// its memo stamped it) instead of made again; a file of it edited by hand is made again; an edit of
/// a page's text then updates the search index copied from it. Each time the output is what a
/// whole render makes. (A template comment changes the structure and no page.)
#[test]
fn the_build_after_a_template_edit_copies_what_the_output_shows_unchanged() {
    let site = TestSite::bundled();
    let all = pages(&settle(&site, &[]));
    let template = "themes/default/templates/page.html";
    let comment = |n: usize| {
        let text = site.read(template);
        let at = text.find("{% endblock content %}").expect("the content block ends");
        site.write(template, &format!("{}{{# edit {n} #}}{}", &text[..at], &text[at..]));
    };
    comment(1);
    let err = build(&site, &[]);
    assert_eq!(kept(&err), 0, "the structure changed: every page is made again:\n{err}");
    let html = "training/public-records/index.html";
    std::fs::write(site.out().join(html), "edited by hand").expect("edit");
    let err = build(&site, &[]);
    assert_eq!(kept(&err), all - 1, "every page but the one edited by hand is copied from the output:\n{err}");
    assert_same(&site, &[], "copied from the output");
    // The build after that recycles the output the hand edit was made in, of this structure.
    let err = build(&site, &[]);
    assert_eq!(kept(&err), all - 1, "{err}");
    assert_same(&site, &[], "recycled after the copy");
    // The next recycles the folder the search index was copied into, with the state noted of it.
    let edited = "content/training/public-records.md";
    site.write(edited, &format!("{}\nA sentence the index has never seen: quokka.\n", site.read(edited)));
    let err = build(&site, &[]);
    assert_eq!(updated(&err), Some(1), "the copied index is updated in place, from the state copied with it:\n{err}");
    assert_same(&site, &[], "an edit of the folder the index was copied into");

    comment(2);
    build(&site, &[]);
    site.write(edited, &format!("{}\nA sentence the index has never seen: zyzzyva.\n", site.read(edited)));
    let err = build(&site, &[]);
    assert_eq!(kept(&err), all - 1, "the edited page alone is rendered:\n{err}");
    assert_eq!(updated(&err), Some(1), "the index copied from the output is updated in place:\n{err}");
    assert_same(&site, &[], "an edit after a template edit");
}
