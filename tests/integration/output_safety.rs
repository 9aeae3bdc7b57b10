//! Issue 9, defects 1, 2 and 5: a build never deletes what it did not write, never writes outside its
//! output, never lets a page take a generated file's place, and two builds of one folder never mix.
use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{TestSite, snapshot};

fn build_into(site: &TestSite, output: &Path) -> std::process::Output {
    site.run(&["build", "--output", output.to_str().expect("utf8")])
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn an_output_folder_with_other_files_is_refused_and_left_alone() {
    let site = TestSite::minimal();
    let www = site.path().join("www");
    site.write("www/other/data.txt", "x");
    for _ in 0..2 {
        let o = build_into(&site, &www);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("policysite did not make it"), "{}", stderr(&o));
        assert!(stderr(&o).contains("choose an empty or new --output"), "{}", stderr(&o));
    }
    assert_eq!(site.read("www/other/data.txt"), "x");
    assert!(!site.path().join(".www.old").exists() && !site.path().join(".www.building").exists());
    assert!(!site.path().join(".www.lock").exists(), "a refused output leaves no lock file beside it");
}

/// Every file of the output, the build's manifest included, is a regular readable file (0644), so a
/// deploy that copies the folder publishes readable files.
#[cfg(unix)]
#[test]
fn output_files_are_readable_by_the_web_server() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::minimal();
    site.build_ok();
    for entry in
        walkdir::WalkDir::new(site.out()).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file())
    {
        let mode = entry.metadata().expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode & 0o444, 0o444, "{} has mode {mode:o}", entry.path().display());
    }
}

#[test]
fn a_folder_that_is_not_a_site_gets_nothing_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nowhere = dir.path().join("nosuchsite");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(&nowhere)
        .arg("build")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has no site.yaml"), "{}", stderr(&o));
    assert!(!nowhere.exists(), "nothing created");
}

#[test]
fn a_file_added_to_a_built_output_is_never_deleted() {
    let site = TestSite::minimal();
    site.build_ok();
    site.write("public/notes.txt", "mine");
    let err = site.build_err();
    assert!(err.contains("public/notes.txt") && err.contains("not written by policysite"), "{err}");
    assert_eq!(site.read("public/notes.txt"), "mine");
    // The same when it sits in the output before last, which a build recycles.
    std::fs::remove_file(site.out().join("notes.txt")).expect("rm");
    site.build_ok();
    site.write(".public.old/keep.txt", "mine");
    let err = site.build_err();
    assert!(err.contains("keep.txt"), "{err}");
    assert_eq!(site.read(".public.old/keep.txt"), "mine");
}

/// A build checks every file of the output folders while it loads the sources: a folder it may not
/// replace is refused with every problem found (in the output and in the folder it recycles), shown
/// with the sources' errors (all of one build's problems together), and nothing is changed.
#[test]
fn a_refused_output_is_reported_whole_with_the_sources_errors() {
    let site = TestSite::minimal();
    site.build_ok();
    site.build_ok(); // the output before last, which the next build recycles, is `.public.old`
    site.write("public/notes.txt", "mine");
    site.write(".public.old/keep.txt", "mine too");
    site.write("content/broken.md", "---\ntitle: [unclosed\n---\nText.\n");
    let before = snapshot(&site.out());
    let err = site.build_err();
    assert!(err.contains("public/notes.txt") && err.contains("keep.txt"), "both folders' files named:\n{err}");
    assert!(err.contains("broken.md"), "the sources' errors too:\n{err}");
    assert_eq!(snapshot(&site.out()), before, "the output unchanged");
    assert_eq!(site.read(".public.old/keep.txt"), "mine too");
    assert!(!site.path().join(".public.building").exists(), "no staging folder begun");
}

#[test]
fn git_folders_and_files_are_never_outputs() {
    let site = TestSite::minimal();
    site.write(".git/objects/ab/cdef", "blob");
    let elsewhere = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(elsewhere.path().join("repo/.git/objects")).expect("mkdir");
    std::fs::write(elsewhere.path().join("repo/.git/objects/x"), "blob").expect("write");
    for _ in 0..2 {
        assert_eq!(build_into(&site, &site.path().join(".git")).status.code(), Some(1));
        assert_eq!(build_into(&site, &elsewhere.path().join("repo/.git")).status.code(), Some(1));
        let o = build_into(&site, &site.path().join("site.yaml"));
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("not a folder") || stderr(&o).contains("contains the site"), "{}", stderr(&o));
    }
    assert_eq!(site.read(".git/objects/ab/cdef"), "blob");
    assert_eq!(std::fs::read_to_string(elsewhere.path().join("repo/.git/objects/x")).expect("read"), "blob");
    assert!(site.path().join("site.yaml").is_file());
}

#[test]
fn an_empty_folder_is_a_fine_output_and_rebuilds_keep_working() {
    let site = TestSite::minimal();
    std::fs::create_dir(site.out()).expect("mkdir");
    site.build_ok();
    site.build_ok();
    site.build_ok();
    assert!(site.out().join(".policysite-manifest").is_file());
    assert!(site.html("index.html").contains("Welcome"));
}

#[test]
fn slugs_are_one_safe_segment() {
    for slug in ["/tmp/x", "../../etc", ".", "\"\"", "a/b", ".hidden"] {
        let site = TestSite::minimal();
        site.write("content/policy/two.md", &format!("---\ntitle: Policy Two\nslug: {slug}\n---\n\nText.\n"));
        let err = site.build_err();
        assert!(err.contains("content/policy/two.md:3"), "slug {slug}: {err}");
        assert!(err.contains("not one plain path segment"), "slug {slug}: {err}");
        assert!(!Path::new("/tmp/x/index.html").exists());
    }
}

/// Without `slug`, the address comes from file and folder names, held to the same rule; all such
/// pages are reported in one build.
#[test]
fn file_names_that_make_unsafe_addresses_are_refused() {
    let site = TestSite::minimal();
    let names = ["%2e%2e", "x?", "q#", "sp ace", "..", "a\\b", "\"><img src=x>"];
    for n in names {
        site.write(&format!("content/{n}.md"), "---\ntitle: T\n---\n\nText.\n");
    }
    site.write("content/policy/three.md", "---\ntitle: Three\nslug: index.html\n---\n\nText.\n");
    let err = site.build_err();
    for n in names {
        assert!(err.contains(&format!("error: content/{n}.md:1: this page's address")), "{n}: {err}");
    }
    assert!(
        err.contains(
            "content/policy/three.md:3: this page's address `policy/index.html/` has a folder named `index.html`"
        ),
        "{err}"
    );
    assert!(err.contains(&format!("{} errors found", names.len() + 1)), "{err}");
}

#[test]
fn a_page_cannot_take_a_generated_file_or_another_page() {
    let site = TestSite::minimal();
    site.write("content/finder.md", "---\ntitle: Finder\nslug: search\n---\n\nText.\n");
    site.write("content/map.md", "---\ntitle: Map\nslug: sitemap.xml\n---\n\nText.\n");
    site.write("content/a.md", "---\ntitle: A\nslug: same\n---\n");
    site.write("content/b.md", "---\ntitle: B\n\nslug: same\n---\n");
    let err = site.build_err();
    assert!(err.contains("content/finder.md:3") && err.contains("search page"), "{err}");
    assert!(err.contains("content/map.md:3") && err.contains("sitemap"), "{err}");
    assert!(err.contains("content/b.md:4") && err.contains("content/a.md:3"), "{err}");
    let site = TestSite::minimal();
    site.write("static/policy/one/index.html", "static");
    let err = site.build_err();
    assert!(err.contains("content/policy/one.md") && err.contains("static/policy/one/index.html"), "{err}");
}

#[test]
fn two_builds_at_once_leave_one_complete_site() {
    let site = TestSite::bundled();
    site.build_ok();
    let expected = snapshot(&site.out());
    for _ in 0..3 {
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_policysite"))
                .arg("--root")
                .arg(site.path())
                .args(["build", "--output"])
                .arg(site.out())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().expect("a"), b.wait_with_output().expect("b"));
        assert!(a.status.success() && b.status.success(), "{}\n{}", stderr(&a), stderr(&b));
        assert_eq!(snapshot(&site.out()), expected, "two concurrent builds changed the output");
    }
}

#[test]
fn serve_refuses_an_output_another_policysite_is_writing_and_a_foreign_folder() {
    let site = TestSite::minimal();
    site.write("www/mine.txt", "x");
    let o = site.run(&["serve", "--port", "0", "--output", site.path().join("www").to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("policysite did not make it"), "{}", stderr(&o));
    assert_eq!(site.read("www/mine.txt"), "x");
    // A second serve of an output the first is writing stops at once and names the first.
    let out = site.path().join("live");
    let mut first = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(site.path())
        .args(["serve", "--port", "0", "--output"])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(first.stdout.take().expect("stdout")), &mut line)
        .expect("address");
    let o = site.run(&["serve", "--port", "0", "--output", out.to_str().expect("utf8")]);
    let _ = first.kill();
    let _ = first.wait();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("is held by policysite serve (process "), "{}", stderr(&o));
}
