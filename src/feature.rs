//! The seam every feature plugs into (in the spirit of mdBook's `Preprocessor` / `Renderer`): what a
//! feature contributes to a build, each hook with a default that contributes nothing. The
//! implementations (quizzes, policy revisions, requests and the directory, search, the sitemap) are
//! listed once, in [`crate::features::all`]; the engine, `emit` and the renderer call that list and
//! name no feature.
//!
//! A build runs the hooks in this order: [`Feature::load`] (beside the content), [`Feature::prepare`]
//! (the loaded pages, before the model), [`Feature::check`] (the model), [`Feature::globals`] (the
//! renderer), [`Feature::page_context`] and [`Feature::page_html`] (each page), [`Feature::write`]
//! (the files made from the whole site). `serve` asks [`Feature::watches`], [`Feature::owns_page_text`],
//! [`Feature::data_vars`], [`Feature::page_reads_data`], [`Feature::recheck`] and
//! [`Feature::write_page_text`] what a change re-renders.

use std::any::Any;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::content::SourcePage;
use crate::model::{FeatureData, Page, Site};
use crate::output::Sink;

/// Template variables a feature adds (`("quiz", value)`).
pub(crate) type Vars = Vec<(&'static str, tera::Value)>;

/// An output path the generator writes itself, with what it is (for the error when a page would
/// take it). A path ending in `/` reserves the whole folder.
pub(crate) type Reserved = (&'static str, &'static str);

/// What a feature may render with: the site's templates (implemented by [`crate::render::Renderer`],
/// so no feature depends on the renderer).
pub(crate) trait Templates: Sync {
    fn has_template(&self, name: &str) -> bool;
    /// Render `template` with `extra` (an object, or null) on top of the variables every page sees.
    fn render_generated(
        &self,
        site: &Site,
        template: &str,
        root: &str,
        extra: &serde_json::Value,
    ) -> Result<String, Diagnostic>;
}

/// One entry of the change feed (`feed.xml`) and of the home page's "What changed" list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Change {
    /// Permanent id (`tag:` URI).
    pub id: String,
    pub title: String,
    pub summary: String,
    pub date: Date,
    /// Link target below the site root (`regulation/6973-1r/compare/…/index.html`).
    pub path: String,
    /// `policy`, `platforms` or `quiz`.
    pub kind: &'static str,
}

/// A feature of the site. Every hook has a default that does nothing.
pub(crate) trait Feature: Sync {
    /// A short name, for messages.
    fn name(&self) -> &'static str;

    /// Output paths this feature writes, so no page may take them.
    fn reserved(&self) -> &'static [Reserved] {
        &[]
    }

    /// Folders below the site whose change rebuilds everything in `serve` (`quizzes`).
    fn watches(&self) -> &'static [&'static str] {
        &[]
    }

    /// Load this feature's own sources into `data` (runs beside the content and data files). An
    /// error here skips this feature's [`Feature::check`].
    fn load(&self, _root: &Path, _data: &mut FeatureData) -> Result<(), Diagnostics> {
        Ok(())
    }

    /// Change the loaded pages before the model is built (a policy page gets its current revision's
    /// text, and each revision an archive page).
    fn prepare(
        &self,
        _root: &Path,
        _today: Date,
        pages: Vec<SourcePage>,
        _data: &mut FeatureData,
        _diags: &mut Diagnostics,
    ) -> Vec<SourcePage> {
        pages
    }

    /// Check the model (references between the feature's sources and pages).
    fn check(&self, _root: &Path, _site: &mut Site) -> Diagnostics {
        Diagnostics::default()
    }

    /// Warnings found while loading (the build goes on; the command shows them): unpublished quiz
    /// revisions, modules to review after a policy revision.
    fn warnings(&self, _site: &Site) -> Vec<Diagnostic> {
        Vec::new()
    }

    /// Whether the warnings come from the checks, so they are shown first, with the errors of a load
    /// that fails, and after every `serve` rebuild (modules to review). Otherwise (`false`) `serve`
    /// shows each once until it changes (unpublished quiz revisions).
    fn warns_on_every_load(&self) -> bool {
        false
    }

    /// Check again after `serve` replaced page bodies.
    fn recheck(&self, _root: &Path, _site: &Site) -> Diagnostics {
        Diagnostics::default()
    }

    /// Variables every template sees.
    fn globals(&self, _site: &Site) -> Vars {
        Vec::new()
    }

    /// Variables the template of `page` sees.
    fn page_context(&self, _site: &Site, _page: &Page) -> Vars {
        Vec::new()
    }

    /// The page's HTML after its Markdown is rendered (the adopted footnote's current-list note).
    fn page_html(&self, _site: &Site, _page: &Page, html: String) -> String {
        html
    }

    /// Entries for the change feed.
    fn changes(&self, _site: &Site) -> Vec<Change> {
        Vec::new()
    }

    /// The files this feature makes from the whole site.
    fn write(&self, _site: &Site, _templates: &dyn Templates, _sink: &dyn Sink) -> Diagnostics {
        Diagnostics::default()
    }

    /// [`Feature::write`] again after a change of `data/` in `serve`, where `changed` are the pages that
    /// read the data (indices into `site.pages`) and `kept` is what [`Feature::write_keeping`] kept. By default
    /// the same as `write`; a feature that keeps state may write only what those pages touch.
    fn write_after_data(
        &self,
        site: &Site,
        templates: &dyn Templates,
        sink: &dyn Sink,
        _changed: &[usize],
        _kept: &mut Kept,
    ) -> Diagnostics {
        self.write(site, templates, sink)
    }

    /// [`Feature::write`] in `serve`'s full rebuild, keeping (in `kept`, under [`Feature::name`]) what a
    /// later edit needs to be written in proportion to the change ([`Feature::write_page_text`],
    /// [`Feature::write_after_data`]). By default the same as `write`, keeping nothing.
    fn write_keeping(&self, site: &Site, templates: &dyn Templates, sink: &dyn Sink, _kept: &mut Kept) -> Diagnostics {
        self.write(site, templates, sink)
    }

    /// The files made from the pages' text, written again when only the bodies of the pages
    /// `changed` (indices into `site.pages`) changed; `kept` is what [`Feature::write_keeping`] kept.
    fn write_page_text(&self, _site: &Site, _changed: &[usize], _sink: &dyn Sink, _kept: &mut Kept) -> Diagnostics {
        Diagnostics::default()
    }

    /// The files [`Feature::write_page_text`] keeps up to date, as `kept` describes them: a build that
    /// updates them in the folder it recycles keeps these (and writes those that changed).
    fn page_text_files(&self, _kept: &mut Kept) -> Vec<String> {
        Vec::new()
    }

    /// Whether [`Feature::write_page_text`] can update its files in place for an edit of the pages
    /// `changed` (or would write them whole, from every page's text, which a build that read only
    /// some pages cannot give it).
    fn page_text_fits(&self, _site: &Site, _changed: &[usize], _kept: &mut Kept) -> bool {
        true
    }

    /// The pages (below `content/`) whose text [`Feature::write_page_text`] reads after an edit of the
    /// pages `changed`, besides them, when it is also to write again its files `redo` (a build cannot
    /// trust them as they are); `None` when it cannot update in place.
    fn page_text_reads(
        &self,
        _changed: &BTreeSet<String>,
        _redo: &BTreeSet<String>,
        _kept: &mut Kept,
    ) -> Option<BTreeSet<String>> {
        Some(BTreeSet::new())
    }

    /// Write what `kept` holds, as JSON, for the next build (`null` when this feature keeps nothing).
    fn write_kept_note(&self, _kept: &mut Kept, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(b"null")
    }

    /// Take back what [`Feature::write_kept_note`] wrote (`note`, when the notes hold one); `false` when this
    /// feature needs a note and has none that reads.
    fn restore_kept(&self, _note: Option<&str>, _kept: &mut Kept) -> bool {
        true
    }

    /// Whether this feature supplies the text of the page at `rel` (an edit there rebuilds everything).
    fn owns_page_text(&self, _site: &Site, _rel: &str) -> bool {
        false
    }

    /// Whether this feature shows something of `page`'s own text (its headings, say) on other pages:
    /// an edit of that text then renders every page, in `serve` and in a rebuild (`engine::memo`),
    /// instead of that page alone.
    fn shows_text_of(&self, _page: &SourcePage) -> bool {
        false
    }

    /// Template variables of [`Feature::globals`] that change with the data files `changed`.
    fn data_vars(&self, _changed: &[&str]) -> Vec<&'static str> {
        Vec::new()
    }

    /// Whether `page` shows something of the data files `changed` beyond its template variables.
    fn page_reads_data(&self, _site: &Site, _page: &Page, _changed: &[&str]) -> bool {
        false
    }
}

/// What the features keep between `serve` rebuilds, each under its own name ([`Feature::write_keeping`]). The
/// engine holds it without knowing what is inside, and drops it on every full rebuild and on every
/// change that rewrites the site-wide files, so it never outlives the model it came from.
#[derive(Default)]
pub struct Kept(HashMap<&'static str, Box<dyn Any + Send>>);

impl Kept {
    /// The state kept under `name`: a default one if there is none yet (or one of another type).
    pub fn entry<T: Default + Send + 'static>(&mut self, name: &'static str) -> &mut T {
        let slot = self.0.entry(name).or_insert_with(|| Box::new(T::default()));
        if !slot.is::<T>() {
            *slot = Box::new(T::default());
        }
        slot.downcast_mut::<T>().unwrap_or_else(|| unreachable!("the slot holds a T"))
    }
}

/// A diagnostic for a file that cannot be written.
pub(crate) fn write_error(what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(what, format!("cannot write: {e}")).help("check the output folder's permissions and free space")
}

/// Write files into `sink`, reporting each that cannot be written.
pub(crate) fn put_files(sink: &dyn Sink, files: Vec<(String, Vec<u8>)>) -> Diagnostics {
    Diagnostics(
        files
            .into_iter()
            .filter_map(|(name, bytes)| sink.put(&name, &bytes).err().map(|e| write_error(&name, e)))
            .collect(),
    )
}

/// Values as template variables (a value that cannot be one is left out).
pub(crate) fn vars<const N: usize>(pairs: [(&'static str, serde_json::Value); N]) -> Vars {
    pairs.into_iter().filter_map(|(k, v)| tera::Value::try_from_serializable(&v).ok().map(|v| (k, v))).collect()
}

/// `value` as JSON, for [`vars`] (null if it cannot be one).
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}
