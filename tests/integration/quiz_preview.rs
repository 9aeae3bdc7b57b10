//! Previewing never writes the site's sources: a build into a scratch folder and `serve` leave every
//! file under the site root byte-identical, so an unpublished revision can be edited again and again.
use crate::common;
use crate::quiz_support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::TestSite;
use quiz_support::*;

#[test]
fn a_scratch_build_writes_nothing_in_the_site_and_an_unpublished_revision_can_be_edited_twice() {
    // Issue 9: build wrote the lock, so editing an unpublished revision twice failed.
    let site = TestSite::bundled();
    let scratch = tempfile::tempdir().expect("tempdir");
    let out = scratch.path().join("x");
    let before = tree_hash(site.path(), None);
    let build = |site: &TestSite| {
        let o = site.run(&["build", "--output", out.to_str().expect("utf8")]);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        err
    };
    build(&site);
    assert_eq!(before, tree_hash(site.path(), None), "a build changed the site's sources");
    let bumped = set_revision(&site.read(QUIZ), &next());
    site.write(QUIZ, &bumped);
    let before = tree_hash(site.path(), None);
    let err = build(&site);
    assert!(err.contains("warning: quizzes/public-records.yaml:"), "{err}");
    assert!(err.contains(&format!("revision {} of quiz `public-records` is not published yet", next())), "{err}");
    assert!(err.contains("run `policysite publish` before publishing the site"), "{err}");
    site.write(QUIZ, &change_answer(&bumped));
    build(&site);
    site.write(QUIZ, &reword(&change_answer(&bumped)));
    build(&site);
    // Put the quiz file back as the test left it: nothing else changed.
    site.write(QUIZ, &bumped);
    assert_eq!(before, tree_hash(site.path(), None), "a build changed the site's sources");
}

/// `serve` into a folder outside the site, with its terminal lines on a channel.
struct Serve {
    child: std::process::Child,
    log: std::sync::mpsc::Receiver<String>,
}

impl Serve {
    fn start(site: &TestSite, output: &Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_policysite"))
            .arg("--root")
            .arg(site.path())
            .args(["serve", "--port", "0", "--output"])
            .arg(output)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let (tx, log) = std::sync::mpsc::channel();
        let stderr = BufReader::new(child.stderr.take().expect("stderr"));
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut addr = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut addr).expect("address");
        assert!(!addr.trim().is_empty(), "serve printed no address");
        Serve { child, log }
    }

    /// The next terminal line containing `needle` (None after 20 s of silence).
    fn line(&self, needle: &str) -> Option<String> {
        while let Ok(line) = self.log.recv_timeout(std::time::Duration::from_secs(20)) {
            if line.contains(needle) {
                return Some(line);
            }
        }
        None
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_writes_nothing_in_the_site() {
    let site = TestSite::bundled();
    let bumped = set_revision(&site.read(QUIZ), &next());
    site.write(QUIZ, &bumped);
    let scratch = tempfile::tempdir().expect("tempdir");
    let before = tree_hash(site.path(), None);
    let srv = Serve::start(&site, &scratch.path().join("out"));
    // Edit the unpublished revision while serving, and wait for the rebuild.
    site.write(QUIZ, &change_answer(&bumped));
    assert!(srv.line("rebuilt").is_some(), "serve did not rebuild after the quiz edit");
    drop(srv);
    // Only the file the test edited differs: put it back and compare.
    site.write(QUIZ, &bumped);
    assert_eq!(before, tree_hash(site.path(), None), "serve changed the site's sources");
}

#[test]
fn serve_checks_sections_when_a_module_page_body_changes() {
    let site = TestSite::bundled();
    let scratch = tempfile::tempdir().expect("tempdir");
    let srv = Serve::start(&site, &scratch.path().join("out"));
    let page = "content/training/public-records.md";
    let text = site.read(page);
    site.write(page, &text.replace("## Penalties\n", "## Consequences\n"));
    let err = srv.line("names section `penalties`").expect("no section error");
    assert!(err.contains("quizzes/public-records.yaml:"), "{err}");
    site.write(page, &format!("{text}\nOne more line.\n"));
    assert!(srv.line("rebuilt").is_some(), "no rebuild after the fix");
}
