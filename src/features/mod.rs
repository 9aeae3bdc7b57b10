//! The registry of features ([`all`]) and the calls that run one hook of every feature. The engine,
//! `emit` and the renderer call these; none of them names a feature. The trait is
//! [`crate::feature::Feature`]; a new feature is one module here and one line in [`all`].
//!
//! The change feed (`feed.xml` and the home page's "What changed") is the registry's own: it gathers
//! every feature's [`Feature::changes`] ([`feed`]).

pub mod feed;
pub mod policy;
pub mod quiz;
pub mod requests;
pub mod search;
pub mod sitemap;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics};
use crate::feature::{Change, Feature, Kept, Reserved, Templates, Vars};
use crate::load::content::SourcePage;
use crate::model::{FeatureData, Page, Site};
use crate::output::Sink;

/// Every feature, in the order their hooks run.
pub(crate) fn all() -> &'static [&'static dyn Feature] {
    &[&quiz::Quizzes, &policy::Policy, &requests::Requests, &search::Search, &sitemap::Sitemap]
}

/// The output paths the features (and the change feed) write.
pub(crate) fn reserved() -> Vec<Reserved> {
    all().iter().flat_map(|f| f.reserved()).chain(feed::RESERVED).copied().collect()
}

/// Folders below the site whose change rebuilds everything.
pub(crate) fn watches() -> impl Iterator<Item = &'static str> {
    all().iter().flat_map(|f| f.watches()).copied()
}

/// What every feature loads of its own (run beside the content). The names of the features whose
/// load failed come back too: their checks are skipped (their problems are reported already).
pub(crate) fn load(root: &Path) -> (FeatureData, Diagnostics, Vec<&'static str>) {
    let mut data = FeatureData::default();
    let mut diags = Diagnostics::default();
    let mut failed = Vec::new();
    for f in all() {
        if let Err(d) = f.load(root, &mut data) {
            diags.extend(d);
            failed.push(f.name());
        }
    }
    (data, diags, failed)
}

/// Every feature's change to the loaded pages, in turn.
pub(crate) fn prepare(
    root: &Path,
    today: Date,
    mut pages: Vec<SourcePage>,
    data: &mut FeatureData,
    diags: &mut Diagnostics,
) -> Vec<SourcePage> {
    for f in all() {
        pages = f.prepare(root, today, pages, data, diags);
    }
    pages
}

/// Every feature's checks of the model (but of those in `failed`), then the text that reaches
/// `feed.xml`, the sitemap or a SCORM manifest: only characters XML can carry.
pub(crate) fn check(root: &Path, site: &mut Site, failed: &[&str]) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for f in all().iter().filter(|f| !failed.contains(&f.name())) {
        diags.extend(f.check(root, site));
    }
    diags.extend(crate::site_checks::xml_text(root, site));
    diags
}

/// Every feature's warnings, as warnings, in the order they are shown: those of the checks first.
pub(crate) fn warnings(site: &Site) -> Vec<Diagnostic> {
    let (every, once) = warnings_split(site);
    every.into_iter().chain(once).collect()
}

/// [`warnings`] in two lists: those of the checks, shown on every load
/// ([`Feature::warns_on_every_load`]), and the others (`serve` shows each once until it changes).
pub(crate) fn warnings_split(site: &Site) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let of = |every: bool| -> Vec<Diagnostic> {
        let features = all().iter().filter(|f| f.warns_on_every_load() == every);
        features.flat_map(|f| f.warnings(site)).map(Diagnostic::warning).collect()
    };
    (of(true), of(false))
}

/// Every feature's checks after `serve` replaced page bodies.
pub(crate) fn recheck(root: &Path, site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for f in all() {
        diags.extend(f.recheck(root, site));
    }
    diags
}

/// The variables every template sees, from every feature.
pub(crate) fn globals(site: &Site) -> Vars {
    all().iter().flat_map(|f| f.globals(site)).collect()
}

/// The variables `page`'s template sees, from every feature and the change feed.
pub(crate) fn page_context(site: &Site, page: &Page) -> Vars {
    let mut vars: Vars = all().iter().flat_map(|f| f.page_context(site, page)).collect();
    vars.extend(feed::home_context(page, || changes(site)));
    vars
}

/// The page's HTML after every feature has seen it.
pub(crate) fn page_html(site: &Site, page: &Page, html: String) -> String {
    all().iter().fold(html, |html, f| f.page_html(site, page, html))
}

/// Every change the site knows of, newest first.
pub(crate) fn changes(site: &Site) -> Vec<Change> {
    let mut out: Vec<Change> = all().iter().flat_map(|f| f.changes(site)).collect();
    out.extend(feed::platform_changes(site));
    feed::sorted(out)
}

/// `feed.xml`, from every feature's [`changes`]: the registry writes it, not one feature.
fn write_feed(site: &Site, sink: &dyn Sink) -> Diagnostics {
    crate::feature::put_files(sink, vec![("feed.xml".into(), feed::atom(site, &changes(site)).into_bytes())])
}

/// The files every feature makes from the whole site, and `feed.xml`; with `kept` (`serve`'s full
/// rebuild), each feature also keeps what its later cheap writes need.
pub(crate) fn write(
    site: &Site,
    templates: &dyn Templates,
    sink: &dyn Sink,
    mut kept: Option<&mut Kept>,
) -> Diagnostics {
    let mut diags = write_feed(site, sink);
    for f in all() {
        diags.extend(match kept.as_deref_mut() {
            Some(kept) => f.write_keeping(site, templates, sink, kept),
            None => f.write(site, templates, sink),
        });
    }
    diags
}

/// [`write`] after a change of `data/` in `serve` (`changed`: the pages that read the data), each
/// feature writing in proportion to the change where it kept what it needs.
pub(crate) fn write_after_data(
    site: &Site,
    templates: &dyn Templates,
    sink: &dyn Sink,
    changed: &[usize],
    kept: &mut Kept,
) -> Diagnostics {
    let mut diags = write_feed(site, sink);
    for f in all() {
        diags.extend(f.write_after_data(site, templates, sink, changed, kept));
    }
    diags
}

/// The files made from the pages' text (after only the bodies of the pages `changed` changed).
pub(crate) fn write_page_text(site: &Site, changed: &[usize], sink: &dyn Sink, kept: &mut Kept) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for f in all() {
        diags.extend(f.write_page_text(site, changed, sink, kept));
    }
    diags
}

/// The files the features keep up to date from the pages' text ([`Feature::page_text_files`]).
pub(crate) fn page_text_files(kept: &mut Kept) -> Vec<String> {
    all().iter().flat_map(|f| f.page_text_files(kept)).collect()
}

/// Whether every feature can update its page-text files in place after an edit of `changed`.
pub(crate) fn page_text_fits(site: &Site, changed: &[usize], kept: &mut Kept) -> bool {
    all().iter().all(|f| f.page_text_fits(site, changed, kept))
}

/// The pages whose text the features read to update their files after an edit of `changed`
/// (those pages included), writing again their files `redo`; `None` when one cannot update in place.
pub(crate) fn page_text_reads(
    changed: &BTreeSet<String>,
    redo: &BTreeSet<String>,
    kept: &mut Kept,
) -> Option<BTreeSet<String>> {
    let mut read = changed.clone();
    for f in all() {
        read.extend(f.page_text_reads(changed, redo, kept)?);
    }
    Some(read)
}

/// Write what the features keep, as a JSON object by feature, for the next build
/// ([`Feature::write_kept_note`]).
pub(crate) fn write_kept_notes(kept: &mut Kept, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(b"{")?;
    for (i, f) in all().iter().enumerate() {
        let name = serde_json::to_string(f.name()).map_err(std::io::Error::other)?;
        write!(out, "{}{name}:", if i > 0 { "," } else { "" })?;
        f.write_kept_note(kept, out)?;
    }
    out.write_all(b"}")
}

/// Take back what [`write_kept_notes`] wrote; `false` when a feature that needs its note has none.
pub(crate) fn restore_kept(notes: &BTreeMap<&str, &str>, kept: &mut Kept) -> bool {
    all().iter().all(|f| f.restore_kept(notes.get(f.name()).copied(), kept))
}

/// Whether a feature supplies the text of the page at `rel` (an edit there rebuilds everything).
pub(crate) fn owns_page_text(site: &Site, rel: &str) -> bool {
    all().iter().any(|f| f.owns_page_text(site, rel))
}

/// Whether a feature shows something of `page`'s own text on other pages ([`Feature::shows_text_of`]).
pub(crate) fn shows_text_of(page: &crate::load::content::SourcePage) -> bool {
    all().iter().any(|f| f.shows_text_of(page))
}

/// Template variables of the features that change with the data files `changed`.
pub(crate) fn data_vars(changed: &[&str]) -> Vec<&'static str> {
    all().iter().flat_map(|f| f.data_vars(changed)).collect()
}

/// Whether a feature shows something of the data files `changed` on `page`.
pub(crate) fn page_reads_data(site: &Site, page: &Page, changed: &[&str]) -> bool {
    all().iter().any(|f| f.page_reads_data(site, page, changed))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry is what the engine sees: each feature once, and no two writers of one output path.
    #[test]
    fn each_feature_is_registered_once_and_reserves_its_own_paths() {
        let mut names: Vec<&str> = all().iter().map(|f| f.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "a feature registered twice: {names:?}");
        let paths = crate::emit::reserved_paths();
        for (i, (a, _)) in paths.iter().enumerate() {
            for (b, _) in &paths[i + 1..] {
                assert!(!a.starts_with(b) && !b.starts_with(a), "`{a}` and `{b}` overlap");
            }
        }
        assert!(paths.iter().any(|(p, _)| *p == "feed.xml"), "the change feed reserves feed.xml");
        assert!(watches().any(|w| w == "quizzes"), "quizzes/ is watched");
    }
}
