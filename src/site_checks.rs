//! Checks of the loaded site that belong to no one stage or feature: they read the whole [`Site`]
//! (so they sit above `model`), while the writers they protect ([`crate::xml`]) stay on a low floor
//! that `config` may use.

use crate::model::Site;

/// Every admin-written text of `site` that reaches `feed.xml`, `sitemap.xml` or a SCORM manifest
/// (page titles, descriptions and policy numbers, revision notes, quiz titles and descriptions, platform names and
/// notes), checked with [`check_text`](crate::xml::check_text). Each problem names the file and the line of the character
/// (or of its key, when the YAML wrote it as an escape such as `"\u0001"`). `site.yaml` is checked
/// when it loads.
pub fn xml_text(root: &std::path::Path, site: &Site) -> crate::diag::Diagnostics {
    use std::path::Path;

    use crate::diag::Diagnostic;

    let mut found: Vec<Diagnostic> = Vec::new();
    let mut check = |file: &Path, key: &str, value: &str| {
        let Err(why) = crate::xml::check_text(value) else { return };
        let bad = value.chars().find(|c| !crate::xml::is_xml_char(*c)).unwrap_or('\u{0}');
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        let (line, col) = match text.find(bad) {
            Some(i) => {
                let (l, c) = crate::diag::line_col(&text, i);
                (l, Some(c))
            }
            None => {
                let key_line = text.lines().position(|l| {
                    l.trim_start().trim_start_matches("- ").strip_prefix(key).is_some_and(|r| r.starts_with(':'))
                });
                (key_line.map_or(1, |i| i + 1), None)
            }
        };
        let d = Diagnostic::new(file, format!("`{key}` {why}")).at(line, col).help(crate::xml::CHAR_HELP);
        if !found.iter().any(|f| f.file == d.file && f.line == d.line && f.message == d.message) {
            found.push(d);
        }
    };
    for p in &site.pages {
        check(&p.source.file, "title", &p.source.front.title);
        check(&p.source.file, "description", &p.source.front.description);
        check(&p.source.file, "number", p.source.front.number.as_deref().unwrap_or_default());
    }
    for page in &site.policy.pages {
        for r in &page.revisions {
            check(&r.file, "note", &r.note);
        }
    }
    for q in site.quizzes.by_id.values() {
        check(&q.file, "title", &q.title);
        check(&q.file, "description", &q.description);
    }
    let platforms = Path::new(crate::load::data::PLATFORMS_FILE);
    let pl = &site.data.platforms;
    for p in pl.approved.iter().chain(&pl.barred).chain(&pl.former) {
        check(platforms, "name", &p.name);
        check(platforms, "as_written", p.as_written.as_deref().unwrap_or_default());
        check(platforms, "note", p.note.as_deref().unwrap_or_default());
    }
    for c in &pl.history {
        check(platforms, "note", c.note.as_deref().unwrap_or_default());
    }
    crate::diag::Diagnostics(found)
}
