//! What a template sees as `page`: the page's fields, dates in both forms, related policies.

use serde::Serialize;

use crate::model::{Page, Site};

#[derive(Serialize)]
pub(super) struct PageContext<'a> {
    title: &'a str,
    description: &'a str,
    content: &'a str,
    toc: &'a [crate::markdown::TocEntry],
    url: &'a str,
    source: String,
    number: Option<&'a str>,
    approved: Option<DateCtx>,
    revised: Option<DateCtx>,
    related: Vec<Related>,
    keywords: &'a [String],
    history: Vec<History<'a>>,
    quiz: Option<&'a str>,
    sources: &'a [String],
    is_section: bool,
}

#[derive(Serialize)]
struct DateCtx {
    iso: String,
    long: String,
}

#[derive(Serialize)]
struct Related {
    number: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct History<'a> {
    date: DateCtx,
    note: &'a str,
}

fn date_ctx(d: crate::date::Date) -> DateCtx {
    DateCtx { iso: d.to_string(), long: d.long() }
}

impl<'a> PageContext<'a> {
    pub(super) fn new(site: &'a Site, page: &'a Page, content: &'a str) -> Self {
        let f = &page.source.front;
        let numbers = site.policy_numbers();
        PageContext {
            title: &f.title,
            description: &f.description,
            content,
            toc: &page.toc,
            url: &page.url,
            source: page.source.file.display().to_string(),
            number: f.number.as_deref(),
            approved: f.approved.map(date_ctx),
            revised: f.revised.map(date_ctx),
            related: f
                .related
                .iter()
                .map(|n| Related {
                    number: n.clone(),
                    href: crate::model::policy_href(numbers, &site.config, n, &page.root),
                })
                .collect(),
            keywords: &f.keywords,
            history: f.history.iter().map(|h| History { date: date_ctx(h.date), note: &h.note }).collect(),
            quiz: f.quiz.as_deref(),
            sources: &f.sources,
            is_section: page.is_section(),
        }
    }
}
