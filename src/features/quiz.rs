//! The quiz feature: quizzes load from `quizzes/` ([`crate::quiz`]), a training module page shows
//! its quiz, `assets/site-data.js` carries the quizzes' facts, the home page lists required and
//! offered training, and each published quiz revision is an entry of the change feed. The views
//! themselves are [`crate::quiz_view`].

use std::path::Path;

use serde::Serialize;

use crate::diag::Diagnostics;
use crate::feature::{Change, Feature, Templates, Vars, json};
use crate::model::{FeatureData, Page, Site};
use crate::output::Sink;

pub(crate) struct Quizzes;

impl Feature for Quizzes {
    fn name(&self) -> &'static str {
        "quizzes"
    }

    fn watches(&self) -> &'static [&'static str] {
        &["quizzes"]
    }

    fn load(&self, root: &Path, data: &mut FeatureData) -> Result<(), Diagnostics> {
        data.quizzes = crate::quiz::load_all(root)?;
        Ok(())
    }

    /// Quizzes and module pages name each other; each question's `section` is a heading of its page.
    fn check(&self, root: &Path, site: &mut Site) -> Diagnostics {
        crate::quiz_view::check_references(root, site)
    }

    /// Unpublished quiz revisions.
    fn warnings(&self, site: &Site) -> Vec<crate::diag::Diagnostic> {
        site.quizzes.warnings.clone()
    }

    /// A module page's headings are the targets of its quiz's `section:` keys.
    fn recheck(&self, root: &Path, site: &Site) -> Diagnostics {
        crate::quiz_view::check_references(root, site)
    }

    fn globals(&self, site: &Site) -> Vars {
        crate::feature::vars([("required_training", json(&required(site))), ("offered_training", json(&offered(site)))])
    }

    fn page_context(&self, site: &Site, page: &Page) -> Vars {
        crate::quiz_view::page_context(site, page)
    }

    fn changes(&self, site: &Site) -> Vec<Change> {
        quiz_changes(site)
    }

    fn write(&self, site: &Site, _templates: &dyn Templates, sink: &dyn Sink) -> Diagnostics {
        crate::feature::put_files(sink, crate::quiz_view::site_files(site))
    }
}

/// A quiz site.yaml requires (`required_training`), for the home page.
#[derive(Serialize)]
struct Required<'a> {
    id: &'a str,
    title: &'a str,
    revision: u32,
    href: Option<String>,
}

/// A quiz offered but not required.
#[derive(Serialize)]
struct Offered<'a> {
    id: &'a str,
    title: &'a str,
    href: &'a str,
}

fn required(site: &Site) -> Vec<Required<'_>> {
    site.config
        .required_training
        .iter()
        .filter_map(|id| site.quizzes.get(id))
        .map(|q| Required {
            id: &q.id,
            title: &q.title,
            revision: q.revision,
            href: site.page(&q.module).map(|p| p.url.clone()),
        })
        .collect()
}

/// The modules whose quiz is not in `required_training`, in the order of their pages' weights: the
/// home page lists them as offered (partials/training-lists.html).
fn offered(site: &Site) -> Vec<Offered<'_>> {
    let mut offered: Vec<(i64, Offered<'_>)> = site
        .quizzes
        .by_id
        .values()
        .filter(|q| !site.config.required_training.contains(&q.id))
        .filter_map(|q| {
            let page = site.page(&q.module)?;
            Some((page.source.front.weight, Offered { id: &q.id, title: &page.source.front.title, href: &page.url }))
        })
        .collect();
    offered.sort_by_key(|(weight, _)| *weight);
    offered.into_iter().map(|(_, q)| q).collect()
}

/// Published quiz revisions, from `quizzes/revisions.lock` (entries of the old lock format carry no
/// date and are left out). Each links to the module page, where the quiz is.
fn quiz_changes(site: &Site) -> Vec<Change> {
    let auth = super::feed::authority(site);
    let mut out = Vec::new();
    for quiz in site.quizzes.by_id.values() {
        let path = site.page(&quiz.module).map(|p| format!("{}index.html", p.url)).unwrap_or_default();
        for p in &quiz.published {
            let Some(date) = p.published else { continue };
            let window = match p.retrain_by {
                Some(d) => format!(" Codes of the previous revision count until {}.", d.long()),
                None if p.revision > 1 => " Codes of the previous revision no longer count.".to_string(),
                None => String::new(),
            };
            out.push(Change {
                id: format!("tag:{auth},{date}:quiz/{}/{}", quiz.id, p.revision),
                title: format!("Quiz “{}”: revision {} published ({})", quiz.title, p.revision, date.long()),
                summary: format!(
                    "The training quiz was {}.{window}",
                    if p.revision == 1 { "published" } else { "revised" }
                ),
                date,
                path: path.clone(),
                kind: "quiz",
            });
        }
    }
    out
}
