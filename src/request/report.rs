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
    let req = match super::envelope::load(path) {
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

/// A field path as people read it: `administrators[0].codes.x` is "Administrator 1, codes.x", as
/// the form numbers administrators.
pub fn human_field(text: &str) -> String {
    static ADMIN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"administrators\[(\d+)\]\.?").unwrap_or_else(|e| panic!("bad pattern: {e}"))
    });
    ADMIN
        .replace_all(text, |c: &regex::Captures<'_>| {
            let n: usize = c[1].parse().unwrap_or(0);
            let sep = if c[0].ends_with('.') { ", " } else { "" };
            format!("Administrator {}{sep}", n + 1)
        })
        .into_owned()
}

impl FileReport {
    /// The human report, for the command to print: the verdict, every problem, notes, and per
    /// administrator and required quiz the evidence with its revision, completion date and the last
    /// day it counts. Every line has its control characters made visible.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        macro_rules! say {
            ($($t:tt)*) => { out.push(super::text::visible(&format!($($t)*))) };
        }
        let r = self;
        match (&r.summary, r.acceptable) {
            (Some(s), true) => say!("{}: ACCEPTABLE: {s}", r.file),
            (summary, false) => {
                let n = r.problems.len();
                say!(
                    "{}: NOT ACCEPTABLE, {n} problem{}{}",
                    r.file,
                    if n == 1 { "" } else { "s" },
                    summary.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()
                );
                for p in &r.problems {
                    say!("  - {}: {}", human_field(&p.field), human_field(&p.message));
                }
            }
            (None, true) => say!("{}: ACCEPTABLE", r.file),
        }
        for n in &r.notes {
            say!("  note: {}", human_field(n));
        }
        let mut last = None;
        for e in &r.evidence {
            if last != Some(e.index) {
                say!("  Administrator {}: {} <{}>", e.index + 1, e.name, e.email);
                last = Some(e.index);
            }
            match &e.accepted {
                Some(t) => {
                    let source = match (&t.lms, &t.code) {
                        (Some(row), _) => format!("LMS report {}, line {}", row.file, row.line),
                        (None, Some(code)) => format!("code {code}"),
                        _ => e.used.label().to_string(),
                    };
                    let from = match e.used {
                        super::training::Used::Recorded => " (on record)",
                        super::training::Used::Both => " (code and LMS report both hold)",
                        _ => "",
                    };
                    say!(
                        "    {}: VALID, {source}{from}: revision {}, completed {}, counts until {}",
                        e.quiz,
                        t.revision,
                        t.completed,
                        t.counts_until
                    );
                }
                None => {
                    let why = e.code.as_deref().or(e.lms.as_deref()).unwrap_or("no completion code");
                    say!("    {}: NOT VALID: {why}", e.quiz);
                }
            }
            if let Some(d) = &e.disagreement {
                say!("      disagreement: {d}");
            }
        }
        out
    }
}
