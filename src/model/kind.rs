//! What a page is ([`PageKind`]), decided by its `template` in one place.

use crate::load::content::SourcePage;

/// What a page is, for the features that look for one page of a kind (the request form, the
/// regulation, the platform list). Decided by the page's `template`, here only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `template: request.html`: the account request form.
    Request,
    /// `template: regulation.html`: the regulation.
    Regulation,
    /// `template: platforms.html`: the approved-platform list.
    Platforms,
    Other,
}

impl PageKind {
    /// The kind of the page loaded from `source`, by its `template`.
    pub fn of(source: &SourcePage) -> PageKind {
        match source.front.template.as_deref() {
            Some("request.html") => PageKind::Request,
            Some("regulation.html") => PageKind::Regulation,
            Some("platforms.html") => PageKind::Platforms,
            _ => PageKind::Other,
        }
    }
}
