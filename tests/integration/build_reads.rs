//! A rebuild takes each page whose file is unchanged since the build before read it as that build
//! read it, without reading it again (issue 22, `src/engine/reads.rs`). Unchanged means the same
//! stamp (size, inode, change time): an edit that leaves the file's size and modification time as
//! they were is seen all the same, in its front matter and in its body.
use crate::build_memo::{assert_same, build, settle};
use crate::common::{TestSite, write_sealed_notes};

/// Write `text` into the file at `path` in place (its inode kept), then set its modification time
/// back to what it was: only the change time tells the edit.
fn edit_in_place_keeping_time(path: &std::path::Path, text: &str) {
    let before = std::fs::metadata(path).expect("page");
    assert_eq!(before.len(), text.len() as u64, "the edit keeps the size");
    let mtime = before.modified().expect("modification time");
    std::fs::write(path, text).expect("edit in place");
    std::fs::File::options().write(true).open(path).expect("open").set_modified(mtime).expect("set time back");
    let after = std::fs::metadata(path).expect("page");
    assert_eq!((after.len(), after.modified().expect("time")), (before.len(), mtime));
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        assert_eq!(after.ino(), before.ino(), "the same file");
    }
}

#[test]
fn an_edit_that_keeps_a_pages_size_and_modification_time_is_built() {
    let site = TestSite::bundled();
    let (rel, html) = ("content/training/public-records.md", "training/public-records/index.html");
    settle(&site, &[]);
    let reads = std::fs::read_to_string(site.path().join(".public.old/.policysite-reads")).expect("reads noted");
    assert!(reads.contains("\"read training/public-records.md\""), "the page's read is noted");

    // The front matter (a title), then the body (a heading): each replaced by text of the same length.
    let edits = [
        ("front matter", "Public Records Act and records retention", "Public Records Act and Records Retention"),
        ("body", "Why this training", "Why this learning"),
    ];
    for (what, old, new) in edits {
        settle(&site, &[]);
        assert_eq!(old.len(), new.len());
        let text = site.read(rel);
        assert!(text.contains(old), "{what}: the page holds {old:?}");
        edit_in_place_keeping_time(&site.path().join(rel), &text.replacen(old, new, 1));
        build(&site, &[]);
        assert!(site.html(html).contains(new), "{what}: the edit is built");
        assert_same(&site, &[], &format!("after a {what} edit that kept the file's size and time"));
        // The build after recycles the folder of a build before the edit, whose read is older still.
        build(&site, &[]);
        assert!(site.html(html).contains(new), "{what}: and built again");
    }
}

/// A rebuild takes an unchanged page as the build before read it: a note marked by hand (a title
/// only the note has) shows once the page is rendered again, unless the notes no longer hash to
/// their seal; `--render-all` takes nothing from them, and an edit of the file reads it again.
#[test]
fn an_unchanged_page_is_taken_from_the_note_of_its_read() {
    let site = TestSite::bundled();
    let (rel, html) = ("content/training/public-records.md", "training/public-records/index.html");
    let marked = "A title only the note has";
    let old = site.path().join(".public.old");
    let reads = old.join(".policysite-reads");
    // The recycled folder's note of the page's read given a title only it has (sealed again or not),
    // and the page's output there edited by hand, so the next build renders the page again.
    let mark = |seal: bool| {
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&reads).expect("reads")).expect("json");
        let title = &mut json["units"]["read training/public-records.md"][1]["front"]["title"];
        assert_eq!(title.as_str(), Some("Public Records Act and records retention"), "the note holds the title");
        *title = marked.into();
        if seal {
            write_sealed_notes(&reads, &json, false);
        } else {
            std::fs::write(&reads, serde_json::to_vec(&json).expect("json")).expect("change the note");
        }
        std::fs::write(old.join(html), "x").expect("edit");
    };
    settle(&site, &[]);
    // Not sealed again: the notes no longer hash to their sum, and none is taken.
    mark(false);
    build(&site, &[]);
    assert!(!site.html(html).contains(marked), "a note changed since it was written is taken");
    settle(&site, &[]);
    mark(true);
    build(&site, &[]);
    assert!(site.html(html).contains(marked), "the page was taken from the note of its read, not from its file");
    // `--render-all` takes nothing from the notes: the page as its file has it. (One build more, so
    // the folder it recycles is the one whose notes hold the marked read: a read taken from the notes
    // is noted again as it is.)
    build(&site, &[]);
    assert!(std::fs::read_to_string(&reads).expect("reads").contains(marked), "the marked read was noted again");
    build(&site, &["--render-all"]);
    assert!(!site.html(html).contains(marked), "--render-all took a read from the notes");

    // The file edited: read again, the note no longer serves.
    site.write(rel, &format!("{}\nOne more sentence.\n", site.read(rel)));
    build(&site, &[]);
    assert!(!site.html(html).contains(marked));
    assert_same(&site, &[], "after the file was read again");
}

/// After a change of the site's structure (here the build date), every page is read from the notes
/// of its file and its body from the file: the output is a whole render's.
#[test]
fn a_structure_change_over_noted_reads_equals_a_whole_render() {
    let site = TestSite::bundled();
    settle(&site, &[]);
    // What the build takes its reads from: without it this would test a whole render against itself.
    let reads = std::fs::read_to_string(site.path().join(".public.old/.policysite-reads")).expect("reads noted");
    assert!(reads.contains("\"read training/public-records.md\""), "the recycled folder notes the pages' reads");
    let today = ["--today", "2031-02-03"];
    build(&site, &today);
    assert_same(&site, &today, "another build date, every page taken from the notes of its read");
}
