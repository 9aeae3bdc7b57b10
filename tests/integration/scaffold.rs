//! `policysite new DIR`: a new site builds, passes the link check and serves at once, and carries the
//! flags' district and domain; a non-empty folder and unusable flags are refused.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn policysite(args: &[&str], root: Option<&Path>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_policysite"));
    if let Some(r) = root {
        c.arg("--root").arg(r);
    }
    c.args(args).output().expect("run policysite")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn new_site(tmp: &Path, extra: &[&str]) -> std::path::PathBuf {
    let dir = tmp.join("district-site");
    let mut args = vec!["new", dir.to_str().expect("utf8")];
    args.extend_from_slice(extra);
    let o = policysite(&args, None);
    assert!(o.status.success(), "{}", text(&o));
    dir
}

#[test]
fn a_new_site_builds_and_passes_the_link_check() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = new_site(tmp.path(), &["--district", "Puyallup School District", "--domain", "puyallup.k12.wa.us"]);
    let cfg = std::fs::read_to_string(dir.join("site.yaml")).expect("site.yaml");
    assert!(cfg.starts_with("# yaml-language-server: $schema=schemas/site.schema.json\n"), "{cfg}");
    assert!(cfg.contains("district: \"Puyallup School District\"\n"), "{cfg}");
    assert!(
        cfg.contains("  - puyallup.k12.wa.us\n") && cfg.contains("email: communications@puyallup.k12.wa.us"),
        "{cfg}"
    );
    assert!(cfg.contains("EDIT FIRST"), "site.yaml says what to edit first");
    assert!(dir.join("schemas/site.schema.json").is_file() && dir.join("themes/default/templates/base.html").is_file());

    let out = dir.join("public");
    let o = policysite(&["build", "--output", out.to_str().expect("utf8")], Some(&dir));
    assert!(o.status.success(), "{}", text(&o));
    let o = policysite(&["check"], Some(&dir));
    assert!(o.status.success(), "link check failed:\n{}", text(&o));

    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(read("index.html").contains("Puyallup School District"));
    let policy = read("regulation/social-media/index.html");
    assert!(
        policy.contains("Regulation 0000R") && policy.contains("footnote"),
        "the policy page has its number and footnote"
    );
    assert!(
        policy.contains("Facebook, Instagram and YouTube"),
        "the footnote lists the platforms from data/platforms.yaml"
    );
    let module = read("training/social-media-basics/index.html");
    assert!(module.contains("data-quiz=\"social-media-basics\""), "the module has its quiz");
    assert_eq!(module.matches("data-question=").count(), 3, "three questions");
    assert!(read("request/index.html").contains("data-request-form"));
    assert!(out.join("directory/index.html").is_file() && out.join("platforms/index.html").is_file());
    // The build records nothing in the sources; `publish` records the quiz's first revision.
    assert!(!dir.join("quizzes/revisions.lock").exists(), "a build wrote the quiz lock");
    let published = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(&dir)
        .arg("publish")
        .output()
        .expect("publish");
    assert!(published.status.success(), "{}", String::from_utf8_lossy(&published.stderr));
    let lock = std::fs::read_to_string(dir.join("quizzes/revisions.lock")).expect("lock");
    assert!(lock.contains("social-media-basics"), "{lock}");
}

#[test]
fn a_new_site_serves_at_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = new_site(tmp.path(), &[]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .arg("--root")
        .arg(&dir)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("address line");
    let addr = line.trim().trim_start_matches("http://").trim_end_matches('/').to_string();
    let reply = (|| {
        let mut s = TcpStream::connect(&addr).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        write!(s, "GET /training/social-media-basics/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").ok()?;
        let mut raw = String::new();
        s.read_to_string(&mut raw).ok()?;
        Some(raw)
    })();
    let _ = child.kill();
    let _ = child.wait();
    let reply = reply.unwrap_or_default();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("Example School District") && reply.contains("data-quiz=\"social-media-basics\""));
}

#[test]
fn a_folder_with_files_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("taken");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("notes.txt"), "mine").expect("write");
    let o = policysite(&["new", dir.to_str().expect("utf8")], None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("is not empty: give a new folder name, or an empty folder"), "{}", text(&o));
    // A diagnostic like every other error: the folder is its location.
    assert!(text(&o).contains(&format!("error: {}: ", dir.display())), "{}", text(&o));
    let left: Vec<_> = std::fs::read_dir(&dir).expect("read").filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("notes.txt")]);
    assert_eq!(std::fs::read_to_string(dir.join("notes.txt")).expect("read"), "mine");
    // Nothing was staged next to it either.
    assert_eq!(std::fs::read_dir(tmp.path()).expect("read").count(), 1);
    // An empty folder is fine.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let o = policysite(&["new", empty.to_str().expect("utf8")], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(empty.join("site.yaml").is_file());
}

#[test]
fn unusable_flags_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("site");
    let o = policysite(
        &["new", dir.to_str().expect("utf8"), "--district", "<script>alert(1)</script>", "--domain", "not a domain"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    assert!(t.contains("is not a district name policysite can use"), "{t}");
    assert!(t.contains("`not a domain` is not an email domain: write it like `example.k12.wa.us`"), "{t}");
    assert!(!dir.exists());
}

/// `new`'s refusals are diagnostics like every other error (a refused folder: see
/// `a_folder_with_files_is_refused_and_left_alone`): a file where the parent folder should be is
/// named as the location, with what to do next on a `help:` line.
#[test]
fn new_names_the_folder_and_says_what_to_do() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").expect("write");
    let o = policysite(&["new", file.join("site").to_str().expect("utf8")], None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains(&format!("error: {}: cannot create the folder", file.display())), "{}", text(&o));
    assert!(text(&o).contains("\n  help: "), "{}", text(&o));
}
