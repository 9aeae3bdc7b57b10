//! Helpers shared by the quiz lifecycle tests: edits of a quiz file by question, publishing, codes.
#![allow(dead_code)]

use std::path::Path;

use crate::common::TestSite;
use sha2::{Digest, Sha256};

pub const QUIZ: &str = "quizzes/public-records.yaml";

/// The bundled public-records quiz's current revision. Each training round that changes what the quiz
/// asks raises it, so tests name revisions relative to it instead of by number.
pub fn rev() -> u32 {
    revision_of("public-records")
}

/// The current revision of bundled quiz `id` (quizzes/{id}.yaml).
pub fn revision_of(id: &str) -> u32 {
    let file = format!("quizzes/{id}.yaml");
    let text = std::fs::read_to_string(Path::new(crate::common::REPO).join(&file)).expect("bundled quiz");
    text.lines()
        .find_map(|l| l.strip_prefix("revision: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("`revision:` in the bundled {file}"))
}

/// The revision after [`rev`], as text for [`set_revision`].
pub fn next() -> String {
    (rev() + 1).to_string()
}
pub use crate::request_common::ADMIN;

/// A hash of every file below `dir` (names and bytes), skipping `skip` (the output folder).
pub fn tree_hash(dir: &Path, skip: Option<&Path>) -> String {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && skip.is_none_or(|s| !e.path().starts_with(s)))
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.strip_prefix(dir).expect("prefix").to_string_lossy().as_bytes());
        h.update(std::fs::read(&f).expect("read"));
    }
    policysite::quiz::keys::hex(&h.finalize())
}

/// The quiz file with `f` applied to the lines of question `qid` (from its `- id:` to the next one).
pub fn edit_question(text: &str, qid: &str, f: impl Fn(&str) -> String) -> String {
    let mut inside = false;
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with("  - id: ") {
            inside = line.trim_end() == format!("  - id: {qid}");
        }
        out.push(if inside { f(line) } else { line.to_string() });
    }
    out.join("\n") + "\n"
}

pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.trim_end() == needle).expect("line") + 1
}

/// The quiz with `revision:` set, and without the retraining window of the previous revision (as an
/// admin raising the revision would start; a test that wants a window adds its own).
pub fn set_revision(text: &str, revision: &str) -> String {
    without_retrain_by(text)
        .lines()
        .map(|l| if l.starts_with("revision:") { format!("revision: {revision}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Take the retraining window off quiz `id` and publish that, so codes and LMS completions of its
/// previous revision stop counting at once (the bundled quizzes give revision 1 a window).
pub fn close_retraining_window(site: &TestSite, id: &str) {
    let file = format!("quizzes/{id}.yaml");
    site.write(&file, &without_retrain_by(&site.read(&file)));
    assert!(publish(site).contains(&format!("quiz {id} revision")), "published");
}

/// The quiz without its `retrain_by:` line.
pub fn without_retrain_by(text: &str) -> String {
    text.lines().filter(|l| !l.starts_with("retrain_by:")).map(|l| format!("{l}\n")).collect()
}

/// Change which answer of single-choice question `personal-phone` is right.
pub fn change_answer(text: &str) -> String {
    edit_question(text, "personal-phone", |l| {
        if l.starts_with("    answer: ") { "    answer: 0".to_string() } else { l.to_string() }
    })
}

pub fn reword(text: &str) -> String {
    edit_question(text, "personal-phone", |l| {
        if l.starts_with("    prompt: ") { format!("{l} (reworded)") } else { l.to_string() }
    })
}

pub fn publish(site: &TestSite) -> String {
    let o = site.run(&["publish", "--today", "2026-12-01"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "publish failed:\n{out}");
    out
}

/// A code of the public-records quiz's current revision.
pub fn code_now(site: &TestSite, email: &str, on: &str) -> String {
    crate::request_common::code_for(site, "public-records", email, on, None)
}

pub fn verify(site: &TestSite, code: &str, today: &str) -> (i32, String) {
    crate::request_common::run(site, &["verify", "--email", ADMIN, "--today", today, code])
}
