//! Split a Markdown file into its YAML front matter and body, and the keys the front matter may hold.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::diag::Diagnostic;

/// Front matter keys. Unknown keys are errors: they are nearly always typos that would otherwise be
/// silently ignored.
// A key left unset (`None`, or an empty list) is not written out when the front matter is: a build
// notes every page's front matter for the next (`load::noted`). `extend("default")` keeps those
// keys' defaults in the JSON Schema, which schemars leaves out for keys skipped so. (Not a doc
// comment: that would become the schema's description.)
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The page's title: its `<h1>`, `<title>` and link text in listings and navigation. Required.
    pub title: String,
    /// One sentence, used in `<meta name="description">` and in section listings.
    #[serde(default)]
    pub description: String,
    /// Order within the section (lower first; ties by title).
    #[serde(default)]
    pub weight: i64,
    /// Template to render with, instead of `page.html` / `section.html`: `regulation.html`,
    /// `module.html`, `platforms.html`, `request.html`, `directory.html` or one of the site's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = null))]
    pub template: Option<String>,
    /// Replaces the file name in the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = null))]
    pub slug: Option<String>,
    /// Draft pages are not built.
    #[serde(default)]
    pub draft: bool,
    /// Hide from the top navigation (sections only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = null))]
    pub in_nav: Option<bool>,
    /// Policy or regulation number this page publishes, e.g. `6973.1R`. Cross-references to it link here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = null))]
    pub number: Option<String>,
    /// Policy pages: the day the policy was approved (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = null))]
    pub approved: Option<Date>,
    /// Policy pages: the day of the latest revision (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = null))]
    pub revised: Option<Date>,
    /// Related policy numbers, linked like cross-references.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("default" = []))]
    pub related: Vec<String>,
    /// Policy pages: keywords, shown with the policy and used by search.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("default" = []))]
    pub keywords: Vec<String>,
    /// Revision history, newest last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("default" = []))]
    pub history: Vec<HistoryEntry>,
    /// Training modules: id of the quiz (in `quizzes/`) that follows the module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = null))]
    pub quiz: Option<String>,
    /// Training modules: sources cited, shown at the end of the module.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("default" = []))]
    pub sources: Vec<String>,
    /// Training modules: heading ids of the policy sections the module teaches (`[authorization]`).
    /// When a newer revision of a policy page changes one of them, the build warns that the module
    /// and its quiz need review (src/policy/review.rs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("default" = []))]
    pub teaches: Vec<String>,
    /// Training modules: the day an author last checked the module against the policy. Silences the
    /// review warning for policy revisions adopted on or before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = null))]
    pub reviewed: Option<Date>,
}

/// One entry of a policy's revision history.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// The day of the revision (YYYY-MM-DD).
    pub date: Date,
    /// What changed, in one sentence.
    pub note: String,
}

/// A Markdown file split into its parts, with the line each part starts on.
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

/// Front matter is the block between a first line `---` and the next line `---`.
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let missing = || {
        Diagnostic::new(file, "missing front matter")
            .at(1, Some(1))
            .help("start the file with a `---` line, then `title: ...`, then a closing `---` line")
    };
    let first_end = text.find('\n').ok_or_else(missing)?;
    if text[..first_end].trim_end() != "---" {
        return Err(missing());
    }
    let rest = &text[first_end + 1..];
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let body_start = offset + line.len();
            return Ok(Split { yaml: &rest[..offset], yaml_line: 2, body: &rest[body_start..], body_line: i + 3 });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(file, "front matter is not closed")
        .at(1, Some(1))
        .help("add a line with only `---` after the front matter"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: A\n---\nBody\n", Path::new("a.md")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unclosed_is_an_error() {
        assert!(split("---\ntitle: A\nBody\n", Path::new("a.md")).is_err());
        assert!(split("title: A\n", Path::new("a.md")).is_err());
    }
}
