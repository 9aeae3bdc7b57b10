//! Keep training in step with the policy: a module names the policy sections it teaches
//! (`teaches: [heading ids]`); when a revision changes one of them, the build warns that the module
//! and its quiz need review, until the author records the review (`reviewed: YYYY-MM-DD`, on or
//! after the revision's adoption) or publishes a new revision of the module's quiz on or after it.

use std::collections::BTreeSet;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;

/// Attach-time checks: `teaches:` names real sections (an error otherwise), and modules whose
/// sections changed since their last review are kept as warnings (`site.policy.warnings`) for the
/// command to show. (Archive pages' text stays out of the search index: `search_index`'s `Extra`.)
pub(crate) fn check(site: &mut Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    // Sections a module may name: headings of pages that publish a policy number.
    let known: BTreeSet<&str> = site
        .pages
        .iter()
        .filter(|p| p.source.front.number.is_some())
        .flat_map(|p| p.anchors.iter().map(String::as_str))
        .chain([crate::policy::sections::FOOTNOTES])
        .collect();
    for page in site.pages.iter().filter(|p| !p.source.front.teaches.is_empty()) {
        for id in page.source.front.teaches.iter().filter(|id| !known.contains(id.as_str())) {
            let mut sample: Vec<&str> = known.iter().copied().take(10).collect();
            sample.sort();
            diags.push(
                Diagnostic::new(
                    &page.source.file,
                    format!("`teaches` names `{id}`, which is not a section of any policy page"),
                )
                .at(page.source.key_line("teaches"), None)
                .help(format!("use a heading id of the policy page, e.g. {}", sample.join(", "))),
            );
        }
    }
    site.policy.warnings = warnings(site).into_iter().map(Diagnostic::warning).collect();
    diags
}

/// One warning per module and policy revision that changed a section the module teaches and was
/// adopted after the module's `reviewed` date.
pub(crate) fn warnings(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in &site.policy.pages {
        let sections: Vec<_> = p.revisions.iter().map(|r| crate::policy::sections::split(&r.body)).collect();
        for i in 1..p.revisions.len() {
            let rev = &p.revisions[i];
            let changed: BTreeSet<String> = crate::policy::compare::compare(&sections[i - 1], &sections[i])
                .into_iter()
                .filter(|s| s.status != crate::policy::compare::Status::Unchanged)
                .map(|s| s.id)
                .chain(removed_or_renamed(&sections[i - 1], &sections[i]))
                .collect();
            for page in site.pages.iter().filter(|m| !m.source.front.teaches.is_empty()) {
                let front = &page.source.front;
                if front.reviewed.is_some_and(|r| r >= rev.date)
                    || quiz_revised_since(site, front.quiz.as_deref(), rev.date)
                {
                    continue;
                }
                let hit: Vec<&str> =
                    front.teaches.iter().filter(|t| changed.contains(*t)).map(String::as_str).collect();
                if hit.is_empty() {
                    continue;
                }
                let quiz = front.quiz.as_deref().map(|q| format!(" and its quiz `{q}`")).unwrap_or_default();
                out.push(
                    Diagnostic::new(
                        &page.source.file,
                        format!(
                            "{} revision of {} changed {} taught here: review this module{quiz}",
                            rev.date,
                            p.label(),
                            hit.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .at(page.source.key_line("teaches"), None)
                    .help(format!(
                        "when the module matches the new text, set `reviewed: {}` or later in its front matter (or publish a new revision of its quiz)",
                        rev.date
                    )),
                );
            }
        }
    }
    out
}

/// Whether the module's quiz had a revision above 1 published on or after `date` (the author revised
/// the quiz for the new text).
fn quiz_revised_since(site: &Site, quiz: Option<&str>, date: crate::date::Date) -> bool {
    let Some(q) = quiz.and_then(|id| site.quizzes.get(id)) else { return false };
    q.published.iter().any(|p| p.revision > 1 && p.published.is_some_and(|d| d >= date))
}

/// Old ids that no longer exist (a removed or renamed section counts as a change to the old id).
fn removed_or_renamed(
    old: &[crate::policy::sections::Section],
    new: &[crate::policy::sections::Section],
) -> Vec<String> {
    old.iter().filter(|o| !new.iter().any(|n| n.id == o.id)).map(|o| o.id.clone()).collect()
}
