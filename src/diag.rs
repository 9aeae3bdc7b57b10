//! Diagnostics: every problem a build finds, with the file and line a person must open to fix it.
//!
//! A build never stops at the first problem. Each stage pushes what it finds into a [`Diagnostics`]
//! list and the build fails at the end with all of them, so an admin fixes a batch in one go.
//!
//! Warnings found while loading travel with the site (`site.policy.warnings`,
//! `site.quizzes.warnings`) and are one list, `features::warnings(&site)`. They come back in each
//! command's result (`engine::Report.warnings`, `engine::check`'s, `export::export`'s,
//! `revise::Started.warnings`, `Engine::take_warnings` for serve). A run that fails after loading
//! returns its warnings first in the same `Diagnostics` (`Diagnostics::after_warnings`); the count
//! line ("2 errors found") counts errors only. The library never prints: reports are made as lines
//! for the command to print, and a message that must be shown while the library blocks goes to an
//! observer the command supplies (`build` waiting for another build's lock:
//! `Contention::WaitForBuild`).

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is: an error fails the command; a warning is shown and the command goes
/// on (an unpublished quiz revision, a module to review after a policy revision); a note is advice
/// (a setting with a default that should be set).
///
/// The library only carries diagnostics; the commands (`src/cmd`, and `serve`'s session loop) print
/// them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Error,
    Warning,
    Note,
}

impl Severity {
    /// The word that starts the printed line (`error: …`, `warning: …`).
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One problem in one place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The file to open, as the user would type it (relative to the site root when possible).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Error (the default) or warning.
    pub severity: Severity,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
            severity: Severity::Error,
        }
    }

    pub fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic as a warning: shown, and the command goes on.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// The same diagnostic as a note: advice, the command goes on.
    pub fn note(mut self) -> Self {
        self.severity = Severity::Note;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, as editors and terminals understand it.
    pub fn location(&self) -> String {
        let mut s = self.file.display().to_string();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                s.push_str(&format!(":{col}"));
            }
        }
        s
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.severity.word(), self.location(), self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// All problems of one run, in a stable order (file, then line) so output is reproducible. It may
/// also hold the warnings found before the run failed: they come first, in the order they were found
/// (as a successful run shows them before its summary), and are not counted as errors.
#[derive(Debug, Default, Clone, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }
    pub fn sorted(self) -> Self {
        let (mut errors, mut other): (Vec<_>, Vec<_>) = self.0.into_iter().partition(Diagnostic::is_error);
        errors.sort_by(|a, b| (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message)));
        errors.dedup();
        other.dedup();
        other.extend(errors);
        Diagnostics(other)
    }
    /// These problems, after `warnings` found before them (a failed run still shows its warnings,
    /// first).
    pub fn after_warnings(self, warnings: &[Diagnostic]) -> Self {
        let mut all: Vec<Diagnostic> =
            warnings.iter().map(|w| if w.is_error() { w.clone().warning() } else { w.clone() }).collect();
        all.extend(self.0);
        Diagnostics(all).sorted()
    }
    /// `Ok(value)` if nothing was reported, otherwise every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() { Ok(value) } else { Err(self.sorted()) }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.errors().count();
        write!(f, "{n} error{} found", if n == 1 { "" } else { "s" })
    }
}

/// Translate a byte offset in `text` into a 1-based (line, column) pair; column counts characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// [`line_col`] for many offsets into one text: the line starts are found once, then each position
/// is a binary search (a page with many links would otherwise scan its text again for each).
pub struct LineIndex<'a> {
    text: &'a str,
    /// Offset of each line's first byte.
    starts: std::sync::OnceLock<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex { text, starts: std::sync::OnceLock::new() }
    }

    /// Same as `line_col(text, offset)`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let starts = self.starts.get_or_init(|| {
            // `match_indices` of one byte searches a word at a time, not byte by byte.
            std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
        });
        let line = starts.partition_point(|&s| s <= offset);
        let col = text[starts[line - 1]..offset].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A path shown relative to `root` when it lies below it, so messages stay short and clickable.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_says_so_and_keeps_its_location() {
        let d = Diagnostic::new("quizzes/q.yaml", "not published yet").at(3, Some(2)).help("run publish");
        assert_eq!(d.to_string(), "error: quizzes/q.yaml:3:2: not published yet\n  help: run publish");
        let w = d.warning();
        assert_eq!(w.severity, Severity::Warning);
        assert_eq!(w.to_string(), "warning: quizzes/q.yaml:3:2: not published yet\n  help: run publish");
    }

    #[test]
    fn warnings_come_first_in_their_order_and_only_errors_are_counted() {
        let errors = Diagnostics(vec![Diagnostic::new("b.md", "second"), Diagnostic::new("a.md", "first")]);
        let warnings = [Diagnostic::new("z.md", "review z"), Diagnostic::new("y.md", "review y").note()];
        let all = errors.after_warnings(&warnings);
        assert_eq!(
            all.to_string(),
            "warning: z.md: review z\nnote: y.md: review y\nerror: a.md: first\nerror: b.md: second\n2 errors found"
        );
    }

    #[test]
    fn line_col_counts_from_one() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 7), (2, 4));
        assert_eq!(line_col(t, 8), (3, 1));
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let t = "ab\ncdé\n\nf\n";
        let idx = LineIndex::new(t);
        for off in 0..=t.len() + 2 {
            assert_eq!(idx.line_col(off), line_col(t, off), "offset {off}");
        }
    }

    #[test]
    fn display_names_location_and_help() {
        let d = Diagnostic::new("content/a.md", "unknown key `titel`").at(3, Some(1)).help("did you mean `title`?");
        assert_eq!(d.to_string(), "error: content/a.md:3:1: unknown key `titel`\n  help: did you mean `title`?");
    }
}
