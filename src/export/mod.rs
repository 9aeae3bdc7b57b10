//! `policysite export scorm`: each training module and its quiz as a SCORM package, so the district's
//! LMS (where staff sign in) records who completed which quiz revision — evidence a completion code
//! cannot give (see README, "Completion codes and their threat model").
//!
//! The site is rendered through the normal pipeline ([`crate::engine::render_site`]) into memory, so
//! the launch page is exactly the site's module page (same templates, theme and quiz script); the
//! page's `assets/scorm.js` talks to the LMS when it finds one and does nothing otherwise. Every
//! rendered file goes into each package, so the module's links to the regulation, the platform list and
//! the request form keep working inside the LMS and nothing is loaded from another host.

mod manifest;
mod package;
mod write;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::output::Sink;

pub use manifest::manifest;

/// The two SCORM editions LMSs import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScormVersion {
    /// SCORM 1.2 (Canvas, Moodle and nearly every LMS).
    V12,
    /// SCORM 2004 4th Edition.
    V2004,
}

impl ScormVersion {
    pub fn parse(s: &str) -> Option<ScormVersion> {
        match s {
            "1.2" | "12" => Some(ScormVersion::V12),
            "2004" | "2004-4" => Some(ScormVersion::V2004),
            _ => None,
        }
    }

    /// Used in package file names: `scorm12`, `scorm2004`.
    pub fn slug(self) -> &'static str {
        match self {
            ScormVersion::V12 => "scorm12",
            ScormVersion::V2004 => "scorm2004",
        }
    }
}

/// One training module to package: its quiz and its page.
#[derive(Debug, Clone)]
pub struct Module {
    pub quiz: String,
    pub title: String,
    pub revision: u32,
    /// The launch file inside the package (the module page), e.g. `training/public-records/index.html`.
    pub launch: String,
}

/// A package written to disk.
#[derive(Debug, Clone)]
pub struct Written {
    pub module: Module,
    pub path: PathBuf,
    pub bytes: u64,
    pub files: usize,
}

/// Rendered files kept in memory, by output path (sorted, so packages are deterministic).
#[derive(Default)]
struct MemorySink(Mutex<BTreeMap<String, Vec<u8>>>);

impl Sink for MemorySink {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Every training module of the site (a page with `quiz:` whose quiz exists), in quiz-id order.
pub fn modules(site: &Site) -> Vec<Module> {
    let mut out: Vec<Module> = site
        .pages
        .iter()
        .filter_map(|p| {
            let quiz = site.quizzes.get(p.source.front.quiz.as_deref()?)?;
            Some(Module {
                quiz: quiz.id.clone(),
                title: quiz.title.clone(),
                revision: quiz.revision,
                launch: p.output_path(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.quiz.cmp(&b.quiz));
    out
}

/// Pick the modules to export: all, or the one whose quiz id or page name is `wanted`.
fn select(site: &Site, wanted: Option<&str>) -> Result<Vec<Module>, Diagnostic> {
    let all = modules(site);
    let Some(w) = wanted else {
        if all.is_empty() {
            return Err(Diagnostic::new("content/", "the site has no training module (a page with `quiz:`)")
                .help("add `quiz: <id>` to a module page's front matter"));
        }
        return Ok(all);
    };
    if w.trim().is_empty() {
        return Err(Diagnostic::new("--module", "is empty, which names no module")
            .help("give a quiz id or page name, or leave --module out to export every module"));
    }
    // The quiz id, the page's name, or its path: whole names only (`s` is not every page ending in s).
    let hit: Vec<Module> = all
        .iter()
        .filter(|m| {
            let page = m.launch.trim_end_matches("/index.html");
            m.quiz == w || page == w.trim_matches('/') || page.rsplit('/').next() == Some(w)
        })
        .cloned()
        .collect();
    if hit.is_empty() {
        let ids: Vec<&str> = all.iter().map(|m| m.quiz.as_str()).collect();
        return Err(Diagnostic::new("--module", format!("no training module `{w}`"))
            .help(format!("choose one of: {}", ids.join(", "))));
    }
    Ok(hit)
}

/// Build the site in memory and write one package per selected module into `output`: all of them or
/// none (nothing unless the whole site builds and every package can be written). With the packages
/// written, the warnings for the command to show ([`crate::engine::warnings`]).
pub fn export_scorm(
    root: &Path,
    version: ScormVersion,
    output: &Path,
    module: Option<&str>,
    today: Option<crate::date::Date>,
) -> Result<(Vec<Written>, Vec<Diagnostic>), Diagnostics> {
    crate::output::check_output_location(root, output).map_err(|m| Diagnostics::from(Diagnostic::new(output, m)))?;
    let site = crate::engine::load_site(root, crate::policy::build_date(root, today)?)?;
    // As build says: a package of a quiz revision not yet published carries codes no lock can verify later.
    let warnings = crate::engine::warnings(&site);
    let warned = |d: Diagnostics| d.after_warnings(&warnings);
    let selected = select(&site, module).map_err(|d| warned(d.into()))?;
    let renderer = crate::render::Renderer::new(root, &site).map_err(warned)?;
    let sink = MemorySink::default();
    crate::engine::render_site(root, &site, &renderer, &sink).map_err(warned)?;
    let mut files = sink.0.into_inner().unwrap_or_else(|e| e.into_inner());
    // Only for a site on a web server: a 404 page with absolute links and a sitemap mean nothing in a
    // package.
    files.remove("404.html");
    files.remove("sitemap.xml");

    // All or nothing: every package is made and checked before any is written, then written
    // together (src/export/write.rs); on any failure no package of this run remains.
    let mut written = Vec::new();
    let mut staged = Vec::new();
    let mut diags = Diagnostics::default();
    for m in selected {
        let xml = manifest(version, &site.config.title, &site.config.language, &m, files.keys().map(String::as_str));
        let schemas = package::schemas(version);
        let bytes = match package::zip(&xml, &files, schemas) {
            Ok(b) => b,
            Err(e) => {
                diags.push(Diagnostic::new(output, format!("cannot make the package for `{}`: {e}", m.quiz)));
                continue;
            }
        };
        let path = output.join(format!("{}-{}.zip", m.quiz, version.slug()));
        if std::fs::symlink_metadata(&path).is_ok() && !package::is_ours(&path) {
            diags.push(
                Diagnostic::new(&path, "exists and is not a package policysite exported; it was left as it was")
                    .help("move it away, or choose another --output folder"),
            );
            continue;
        }
        written.push(Written {
            module: m,
            path: path.clone(),
            bytes: bytes.len() as u64,
            files: files.len() + 1 + schemas.len(),
        });
        staged.push((path, bytes));
    }
    if !diags.is_empty() {
        return Err(warned(diags));
    }
    write::all_or_none(output, &staged).map_err(|d| warned(d.into()))?;
    Ok((written, warnings))
}
