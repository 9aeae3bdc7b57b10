//! A revision's text as sections of plain words, the unit the compare view diffs.
//!
//! Diffing the Markdown source would show markup (`**`, `[^1]`, link targets) as changes; diffing
//! rendered HTML would split tags. Plain text per heading keeps what a reader sees: the words, the
//! paragraph breaks (as a blank line) and footnote markers, with footnotes as a section of their own
//! (that is where the platform lists of Regulation 6973.1R live).

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// Text before the first heading.
pub const PREAMBLE: &str = "preamble";
/// The footnote definitions, gathered at the end.
pub const FOOTNOTES: &str = "footnotes";

/// One section of a revision.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Heading id (as the page gives it), or [`PREAMBLE`] / [`FOOTNOTES`].
    pub id: String,
    pub title: String,
    /// 2 for `##`, 3 for `###`; 2 for the preamble and footnotes.
    pub level: u8,
    /// Words, paragraphs separated by a blank line (`\n\n`).
    pub text: String,
}

/// Split Markdown into sections at `##` and `###` headings (and `#`).
pub fn split(markdown: &str) -> Vec<Section> {
    let mut out = vec![Section { id: PREAMBLE.into(), title: "Opening text".into(), level: 2, text: String::new() }];
    let mut notes = Section { id: FOOTNOTES.into(), title: "Footnotes".into(), level: 2, text: String::new() };
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    let mut in_note = false;
    for event in Parser::new_ext(markdown, crate::markdown::options()) {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let lv = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => 2,
                    _ => 3,
                };
                heading = Some((lv, id.map(|s| s.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, title)) = heading.take() {
                    let base = explicit.unwrap_or_else(|| crate::markdown::slug(&title));
                    let id = crate::markdown::unique_id(&mut seen, base);
                    out.push(Section { id, title: title.trim().to_string(), level, text: String::new() });
                }
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                in_note = true;
                para(&mut notes.text);
                notes.text.push_str(&format!("[{label}] "));
            }
            Event::End(TagEnd::FootnoteDefinition) => in_note = false,
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, title)) = heading.as_mut() {
                    title.push_str(&t);
                } else {
                    target(&mut out, &mut notes, in_note).push_str(&t);
                }
            }
            Event::FootnoteReference(label) => {
                target(&mut out, &mut notes, in_note).push_str(&format!("[{label}]"));
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, _, title)) = heading.as_mut() {
                    title.push(' ');
                } else {
                    target(&mut out, &mut notes, in_note).push(' ');
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_)) => {
                para(target(&mut out, &mut notes, in_note));
            }
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => para(target(&mut out, &mut notes, in_note)),
            _ => {}
        }
    }
    if !notes.text.trim().is_empty() {
        out.push(notes);
    }
    if out[0].text.trim().is_empty() {
        out.remove(0);
    }
    for s in &mut out {
        s.text = normalize(&s.text);
    }
    out
}

fn target<'a>(out: &'a mut [Section], notes: &'a mut Section, in_note: bool) -> &'a mut String {
    if in_note {
        &mut notes.text
    } else {
        let last = out.len() - 1;
        &mut out[last].text
    }
}

/// End a paragraph: one blank line, never two.
fn para(text: &mut String) {
    let trimmed = text.trim_end_matches([' ', '\n']).len();
    if trimmed > 0 {
        text.truncate(trimmed);
        text.push_str("\n\n");
    }
}

/// Single spaces inside paragraphs, `\n\n` between them, nothing at either end.
fn normalize(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_headings_and_gathers_footnotes() {
        let s = split("Intro on\ntwo lines.[^1]\n\nSecond.\n\n## Rules {#r}\n\n- a\n- b\n\n[^1]: Note *one*.\n");
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].text, "Intro on two lines.[1]\n\nSecond.");
        assert_eq!((s[1].id.as_str(), s[1].text.as_str()), ("r", "a\n\nb"));
        assert_eq!((s[2].id.as_str(), s[2].text.as_str()), (FOOTNOTES, "[1] Note one."));
    }

    #[test]
    fn repeated_headings_get_the_ids_the_page_gives_them() {
        let ids: Vec<String> =
            split("## Scope\n\na\n\n## Scope\n\nb\n\n## Scope 1\n\nc\n").into_iter().map(|s| s.id).collect();
        assert_eq!(ids, ["scope", "scope-1", "scope-1-1"]);
    }
}
