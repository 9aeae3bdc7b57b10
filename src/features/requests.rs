//! The request feature: the account request form (`template: request.html`) and the `/directory/`
//! page read the account types, the principal's rule and the directory; `directory/accounts.json` is
//! the directory's export. The views themselves are [`crate::request_view`].

use serde::Serialize;

use crate::accounts::{ACCOUNT_TYPES, CLASSROOM_GUIDANCE, needs_principal};
use crate::diag::Diagnostics;
use crate::feature::{Feature, Reserved, Templates, Vars, json};
use crate::model::{PageKind, Site};
use crate::output::Sink;

pub(crate) struct Requests;

/// An account type as the form explains it.
#[derive(Serialize)]
struct AccountType {
    id: &'static str,
    label: &'static str,
    explanation: &'static str,
    needs_principal: bool,
}

impl Feature for Requests {
    fn name(&self) -> &'static str {
        "requests and directory"
    }

    fn reserved(&self) -> &'static [Reserved] {
        &[("directory/accounts.json", "the directory export")]
    }

    /// The request form links to the regulation's sections only when it has them
    /// (`regulation_anchors`, below), so the regulation's headings show on the form.
    fn shows_text_of(&self, page: &crate::load::content::SourcePage) -> bool {
        PageKind::of(page) == PageKind::Regulation
    }

    fn globals(&self, site: &Site) -> Vars {
        let account_types: Vec<AccountType> = ACCOUNT_TYPES
            .iter()
            .map(|t| AccountType {
                id: t.id,
                label: t.label,
                explanation: t.explanation,
                needs_principal: needs_principal(t.id),
            })
            .collect();
        // The account request form's address, when the site has one (a site without it, such as
        // examples/revised-site, names the form without a link instead of a broken one).
        let request_href = site.first_of(PageKind::Request).map(|p| p.url.clone());
        // The regulation's page, for the form's links to its sections; none on a site without one.
        let regulation = site.first_of(PageKind::Regulation);
        // Its heading ids, so a template links to a section only when the regulation has it.
        let mut regulation_anchors: Vec<&str> =
            regulation.map(|p| p.anchors.iter().map(String::as_str).collect()).unwrap_or_default();
        regulation_anchors.sort_unstable();
        crate::feature::vars([
            ("directory", crate::request_view::directory_view(site)),
            ("account_types", json(&account_types)),
            ("classroom_guidance", json(&CLASSROOM_GUIDANCE)),
            ("principal_types", json(&principal_types())),
            ("request_href", json(&request_href)),
            ("regulation_href", json(&regulation.map(|p| p.url.clone()))),
            ("regulation_anchors", json(&regulation_anchors)),
        ])
    }

    /// The directory page names each account's platform from the platform list.
    fn data_vars(&self, changed: &[&str]) -> Vec<&'static str> {
        if changed.iter().any(|k| *k == "platforms" || *k == "directory") { vec!["directory"] } else { Vec::new() }
    }

    fn write(&self, site: &Site, _templates: &dyn Templates, sink: &dyn Sink) -> Diagnostics {
        crate::feature::put_files(sink, crate::request_view::site_files(site))
    }
}

/// "a school, a classroom, a sports team or a club": the account types that need the principal.
fn principal_types() -> String {
    let principal: Vec<String> =
        ACCOUNT_TYPES.iter().filter(|t| needs_principal(t.id)).map(|t| t.label.to_lowercase()).collect();
    match principal.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => principal.join(""),
    }
}
