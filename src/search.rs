//! The offline search index: one entry per section (heading) so a hit lands on the right heading.
//!
//! The index is written as a script (`assets/search-index.js`), not JSON, so the search page can load
//! it with a `<script>` tag from `file://`, where `fetch` is not allowed. To stay small it stores, per
//! section, a short excerpt and the section's distinct words, not its full text.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::Site;

const EXCERPT_CHARS: usize = 180;

#[derive(Serialize)]
struct Index<'a> {
    /// [title, url] per page.
    pages: Vec<(&'a str, &'a str)>,
    /// [page index, heading, anchor id, excerpt, distinct lower-case words].
    sections: Vec<(usize, &'a str, &'a str, String, String)>,
}

fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(EXCERPT_CHARS).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

/// Words as the search box splits them: letters and digits, lower case.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

pub fn build_index(site: &Site) -> String {
    let mut pages: Vec<_> = site.pages.iter().collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    let mut index = Index { pages: Vec::with_capacity(pages.len()), sections: Vec::new() };
    for (i, p) in pages.iter().enumerate() {
        index.pages.push((&p.source.front.title, &p.url));
        for s in &p.sections {
            let mut set: BTreeSet<String> = words(&s.text).chain(words(&s.heading)).filter(|w| w.len() > 1).collect();
            if i == 0 || !p.source.front.description.is_empty() {
                set.extend(words(&p.source.front.description).filter(|w| w.len() > 1));
            }
            if set.is_empty() {
                continue;
            }
            let heading = if s.heading.is_empty() { p.source.front.title.as_str() } else { s.heading.as_str() };
            index.sections.push((i, heading, &s.id, excerpt(&s.text), set.into_iter().collect::<Vec<_>>().join(" ")));
        }
    }
    let json = serde_json::to_string(&index).unwrap_or_default().replace("</", "<\\/");
    format!("window.POLICYSITE_SEARCH = {json};\n")
}

pub fn index_files(site: &Site) -> Vec<(String, Vec<u8>)> {
    vec![("assets/search-index.js".into(), build_index(site).into_bytes())]
}
