//! The adopted text stays as adopted: a revision's platform footnote is written out as adopted, so
//! editing `data/platforms.yaml` never changes it. When today's approved list differs from the
//! footnote, a clearly marked note after the footnote gives the current list, the date of the last
//! change and a link to the platform history. The note is added to the page's HTML only; it is no
//! part of the revision's text (compare views and the lock never see it).

use crate::markdown::{escape_attr, escape_text};
use crate::model::{Page, Site};

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Footnote definitions of a Markdown text: `(label, text)`, the text joined from its
/// continuation lines.
fn footnotes(body: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut open = false;
    for line in body.lines() {
        if let Some(rest) = line.strip_prefix("[^")
            && let Some((label, text)) = rest.split_once("]:")
        {
            out.push((label.to_string(), text.to_string()));
            open = true;
        } else if open && line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line);
            }
        } else {
            open = false;
        }
    }
    out.into_iter().map(|(l, t)| (l, normalize(&t))).collect()
}

/// Whether the page is a policy revision, whose note depends on `data/platforms.yaml` (for `serve`'s
/// incremental rebuilds).
pub(crate) fn reads_platforms(site: &Site, page: &Page) -> bool {
    site.policy.by_rel(&page.source.rel).is_some() || site.policy.archive.contains_key(&page.source.rel)
}

/// The page's HTML with the note after its platform footnote, when that footnote is not today's
/// list. Pages that are not policy revisions are returned as they are.
pub(crate) fn current_list_note(site: &Site, page: &Page, html: String) -> String {
    let pol = &site.policy;
    let revision = if let Some(p) = pol.by_rel(&page.source.rel) {
        &p.revisions[p.current]
    } else if let Some(&(pi, ri)) = pol.archive.get(&page.source.rel) {
        &pol.pages[pi].revisions[ri]
    } else {
        return html;
    };
    let platforms = &site.data.platforms;
    let intro = normalize(&platforms.approved_intro);
    let current = normalize(&platforms.approved_sentence());
    let Some((label, _)) =
        footnotes(&revision.body).into_iter().find(|(_, text)| text.starts_with(&intro) && *text != current)
    else {
        return html;
    };
    let names: Vec<&str> = platforms.approved.iter().map(|p| p.name.as_str()).collect();
    let list = escape_text(&crate::load::data::join_and(&names));
    let changed = platforms.history.iter().rev().find(|c| !c.added.is_empty() || !c.removed.is_empty());
    let since = match changed {
        Some(c) => format!(
            "Since <time datetime=\"{}\">{}</time>, the approved platforms are: {list}.",
            c.date,
            escape_text(&c.date.long())
        ),
        None => format!("The approved platforms today are: {list}."),
    };
    let history = site.first_of(crate::model::PageKind::Platforms).map(|p| {
        let anchor = if platforms.history.is_empty() { "" } else { "#history-heading" };
        format!(
            " <a href=\"{}\">See the platform list and its history</a>.",
            escape_attr(&format!("{}{}index.html{anchor}", page.root, p.url))
        )
    });
    let note = format!(
        "<p class=\"current-list-note\" data-current-list-note><strong>Note, not part of the adopted text:</strong> the list of approved platforms has changed since this text was adopted. {since}{}</p>\n",
        history.unwrap_or_default()
    );
    let Some(start) = html.find(&format!("<li id=\"fn-{label}\"")) else { return html };
    let Some(end) = html[start..].find("</li>").map(|e| start + e) else { return html };
    let mut out = html;
    out.insert_str(end, &note);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footnote_definitions_with_continuation_lines() {
        let body = "Text[^1].\n\n[^1]: The list:\n    A and B.\n\n[^2]: Other.\nNot part.\n";
        assert_eq!(
            footnotes(body),
            vec![("1".to_string(), "The list: A and B.".to_string()), ("2".to_string(), "Other.".to_string())]
        );
    }
}
