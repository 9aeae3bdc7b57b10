use std::path::Path;

use super::*;

struct R;
impl Resolver for R {
    fn page_url(&self, rel: &str) -> Option<String> {
        (rel == "platforms.md").then(|| "platforms/".to_string())
    }
    fn policy_href(&self, number: &str, root: &str) -> Option<String> {
        (number == "5243").then(|| format!("{root}p/5243"))
    }
    fn shortcode(&self, name: &str) -> Option<String> {
        match name {
            "x" => Some("EXPANDED".to_string()),
            "multi" => Some("line one\n\nline two\n\nline three".to_string()),
            _ => None,
        }
    }
}

/// Both passes over one page: the model pass's findings, and the render pass's HTML.
struct Both {
    model: Rendered,
    html: String,
}

impl std::ops::Deref for Both {
    type Target = Rendered;
    fn deref(&self) -> &Rendered {
        &self.model
    }
}

fn r(body: &str) -> Both {
    let src = Source { file: Path::new("content/a.md"), rel: "a.md", body, first_line: 5, root: "../" };
    Both { model: model(&src, &R), html: html(&src, &R) }
}

#[test]
fn slugs_are_stable_and_unique() {
    assert_eq!(slug("Public Records Act/Retention"), "public-records-act-retention");
    assert_eq!(slug("  Student Work & Photos  "), "student-work-photos");
    let out = r("# A\n\n## A\n\n## A\n");
    assert_eq!(out.anchors, vec!["a", "a-1", "a-2"]);
}

#[test]
fn footnotes_have_backlinks() {
    let out = r("Text[^1].\n\n[^1]: Note.\n");
    assert!(out.html.contains("href=\"#fn-1\" id=\"fnref-1\""), "{}", out.html);
    assert!(out.html.contains("<li id=\"fn-1\" value=\"1\"><p>Note. <a href=\"#fnref-1\""), "{}", out.html);
}

#[test]
fn internal_links_and_errors_have_lines() {
    let out = r("See [list](@/platforms.md).\n\nAnd [x](@/nope.md).\n");
    assert!(out.html.contains("href=\"../platforms/index.html\""));
    assert_eq!(out.diagnostics.len(), 1);
    assert_eq!(out.diagnostics[0].line, Some(7));
}

#[test]
fn policy_refs_link_outside_links_only() {
    let out = r("Policy 5243 and Policy 9999. [Policy 5243](x)\n");
    assert!(
        out.html.contains("<a class=\"policy-ref\" href=\"../p/5243\">Policy 5243</a> and Policy 9999."),
        "{}",
        out.html
    );
    assert_eq!(out.html.matches("policy-ref").count(), 1);
}

#[test]
fn shortcodes_expand_or_fail_with_position() {
    let out = r("A {{ x }} B\n\nC {{ nope }}\n");
    assert!(out.html.contains("A EXPANDED B"));
    assert_eq!(out.diagnostics[0].line, Some(7));
    assert_eq!(out.diagnostics[0].column, Some(3));
}

/// Issue 9, defect 7: `{#x"onmouseover="alert(1)}` must not become an attribute.
#[test]
fn heading_ids_and_classes_cannot_inject_attributes() {
    let out = r("Intro.\n\n## X {#x\"onmouseover=\"alert(1)}\n\n## Y {.a\"onclick=\"b}\n");
    assert!(!out.html.contains("onmouseover=\""), "{}", out.html);
    assert!(!out.html.contains("onclick=\""), "{}", out.html);
    assert_eq!(out.diagnostics.len(), 2, "{:?}", out.diagnostics);
    assert_eq!(out.diagnostics[0].line, Some(7));
    assert_eq!(out.diagnostics[1].line, Some(9));
    assert!(out.diagnostics[0].message.contains("not allowed"));
}

#[test]
fn footnote_labels_are_checked() {
    let out = r("Text[^a\"b].\n\n[^a\"b]: Note.\n");
    assert!(!out.html.contains("a\"b"), "{}", out.html);
    assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
    assert_eq!(out.diagnostics[0].line, Some(5));
}

/// Issue 9: a shortcode that expands to several lines must not shift later error positions.
#[test]
fn multi_line_shortcodes_keep_later_lines_right() {
    let out = r("{{ multi }}\n\nSee [x](@/nope.md).\n\n## Z {#bad\"id}\n");
    assert!(out.html.contains("line three"));
    let lines: Vec<Option<usize>> = out.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, vec![Some(7), Some(9)], "{:?}", out.diagnostics);
    assert_eq!(out.diagnostics[0].column, Some(5));
}

/// Issue 19: a footnote's text is searchable, as a section of its own ("Footnote N", `#fn-label`),
/// and not mixed into the section that references it.
#[test]
fn footnotes_are_indexed_as_their_own_sections() {
    let out = model(
        &Source {
            file: Path::new("content/a.md"),
            rel: "a.md",
            body: "## Rules\n\nApproved platforms[^p].\n\n[^p]: Facebook and Yik Yak are named here.\n",
            first_line: 1,
            root: "../",
        },
        &R,
    );
    let ids: Vec<(&str, &str)> = out.sections.iter().map(|s| (s.id(), s.heading())).collect();
    assert_eq!(ids, vec![("rules", "Rules"), ("fn-p", "Footnote 1")]);
    assert!(out.sections[1].text().contains("Yik Yak"));
    assert!(!out.sections[0].text().contains("Yik Yak"));
}
