//! One request file's verdict, as `request check` and `approve` print it (human or JSON).

use std::path::Path;

use serde::Serialize;

use super::check::{self, Context, Problem};
use super::schema::Request;
use super::training::Evidence;

/// A request file's verdict.
#[derive(Serialize)]
pub struct FileReport {
    pub file: String,
    pub acceptable: bool,
    /// "Instagram @handle for Unit (1 administrator)".
    pub summary: Option<String>,
    pub problems: Vec<Problem>,
    /// E.g. "already in the directory: approved …".
    pub notes: Vec<String>,
    /// Per administrator and required quiz: which evidence was used, and disagreements.
    pub evidence: Vec<Evidence>,
}

impl FileReport {
    fn failed(file: String, p: Problem) -> FileReport {
        FileReport { file, acceptable: false, summary: None, problems: vec![p], notes: vec![], evidence: vec![] }
    }
}

/// Read, parse and check one request file.
pub fn check_file(path: &Path, cx: &Context<'_>) -> (FileReport, Option<Request>) {
    let file = path.display().to_string();
    let req = match super::file::read(path).and_then(|text| check::parse(&text)) {
        Ok(r) => r,
        Err(p) => return (FileReport::failed(file, p), None),
    };
    let check::Checked { problems, evidence, notes } = check::check(&req, cx);
    let platform =
        cx.data.platforms.find(&req.account.platform).map_or(req.account.platform.as_str(), |(p, _)| p.name.as_str());
    let summary = format!(
        "{} {} for {} ({} administrator{})",
        platform,
        req.account.handle,
        req.account.unit,
        req.administrators.len(),
        if req.administrators.len() == 1 { "" } else { "s" }
    );
    let acceptable = problems.is_empty();
    (FileReport { file, acceptable, summary: Some(summary), problems, notes, evidence }, Some(req))
}

impl FileReport {
    /// The human report; evidence lines when an LMS report was given.
    pub fn print(&self, with_evidence: bool) {
        let r = self;
        match (&r.summary, r.acceptable) {
            (Some(s), true) => println!("{}: ACCEPTABLE: {s}", r.file),
            (summary, false) => {
                let n = r.problems.len();
                println!(
                    "{}: NOT ACCEPTABLE, {n} problem{}{}",
                    r.file,
                    if n == 1 { "" } else { "s" },
                    summary.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()
                );
                for p in &r.problems {
                    println!("  - {}: {}", p.field, p.message);
                }
            }
            (None, true) => println!("{}: ACCEPTABLE", r.file),
        }
        for n in &r.notes {
            println!("  note: {n}");
        }
        if with_evidence {
            for e in &r.evidence {
                println!("  evidence: {} <{}> {}: {}", e.administrator, e.email, e.quiz, e.used.label());
                if let Some(d) = &e.disagreement {
                    println!("    disagreement: {d}");
                }
            }
        }
    }
}
