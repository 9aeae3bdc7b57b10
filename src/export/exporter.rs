//! The [`Exporter`] trait: what a package format contributes to `policysite export FORMAT`. The
//! pipeline (`export::export`) does the rest the same way for every format: it loads and renders the
//! site through `build`'s sink and checks, picks the modules, zips each package deterministically and
//! writes them all or none. A new format is one module implementing this trait and one line in
//! [`super::exporters`].

use std::path::Path;

use super::modules::Module;
use crate::model::Site;
use crate::output::Reach;

/// What one export writes into `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageKind {
    /// One zip file per training module, holding the rendered site and the format's own files.
    ZipPerModule,
}

/// A package format.
pub trait Exporter: Sync {
    /// The name `policysite export NAME` takes, e.g. `scorm`.
    fn name(&self) -> &'static str;
    /// One line for the list of formats.
    fn about(&self) -> &'static str;
    /// What it writes: a zip per module today.
    fn kind(&self) -> PackageKind;
    /// The editions `--version` takes (the first of each spelling is the one shown), e.g. `1.2`, `2004`.
    fn editions(&self) -> &'static [&'static str];
    /// The edition `--version` names, in its canonical spelling, or why it names none.
    fn edition(&self, given: Option<&str>) -> Result<&'static str, String>;
    /// What it needs from the built site: which rendered files go into a package, by where they
    /// mean something. By default the files that work anywhere; a server's 404 page and sitemap
    /// ([`Reach::WebServer`]) mean nothing in a package opened by an LMS.
    fn takes(&self, reach: Reach) -> bool {
        reach == Reach::Anywhere
    }
    /// Scripts (paths from the site root) the module page loads in a package, before `quiz.js`: the
    /// format's runtime. Templates see them as `package.scripts`; a web build has no `package`.
    fn page_scripts(&self) -> &'static [&'static str];
    /// The package's file name inside `--output`, e.g. `public-records-scorm12.zip`.
    fn file_name(&self, edition: &str, module: &Module) -> String;
    /// The files it writes into `module`'s package beside the rendered site (`site_files`, sorted):
    /// its manifest, schemas and runtime. One of these replaces a rendered file of the same path.
    fn package_files(&self, edition: &str, site: &Site, module: &Module, site_files: &[&str])
    -> Vec<(String, Vec<u8>)>;
    /// Whether the file at `path` is a package an earlier export of this format wrote (and so may
    /// be replaced).
    fn is_ours(&self, path: &Path) -> bool;
}
