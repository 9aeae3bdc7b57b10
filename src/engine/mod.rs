//! The one engine behind `build`, `check` and `serve`: it owns the site model, the renderer and the
//! record of what is in the output, and it writes only through transactions. `build` is
//! [`Engine::build`] (a staging folder swapped in whole); `serve` keeps an [`Engine`] and calls
//! [`Engine::apply`] with the paths that changed (an overlay moved in only when the whole rebuild
//! succeeded). There is no second rebuild path: an incremental rebuild runs the same page and
//! site-wide steps as a full one, on fewer pages.

pub mod changes;
pub mod incremental;
mod load;
pub mod memo;
mod page_text;
mod reads;
mod recycled;
mod render;
mod report;
pub mod timings;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use changes::{Change, classify};
pub use load::{Sources, load_site, load_sources, model};
pub use render::{render_page_to, render_site};
pub use report::{Leftover, Report};
pub use timings::Timings;

use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::output::overlay::FileHashes;
use crate::output::{BeginError, Contention, OutputLock, Overlay, Staging, Waiting};
use crate::render::Renderer;

/// Turn "cannot use this output folder" reasons into diagnostics with advice.
fn refused(output: &Path, reasons: Vec<String>) -> Diagnostics {
    Diagnostics(
        reasons
            .into_iter()
            .map(|m| {
                // `serve` holds the folder: the folder is fine, only busy; to see whether the sources
                // build while serve runs, `check` renders everything and writes nothing.
                let help = if m.contains(crate::output::guard::SERVE_HOLDS) {
                    "nothing was changed; `serve` already rebuilds this folder on every change. To check the site without writing anything, run `policysite check`"
                } else {
                    "nothing was changed; choose an empty or new --output folder, or move the other files out of it"
                };
                Diagnostic::new(output, m).help(help)
            })
            .collect(),
    )
}

/// What a `serve` rebuild changed, so the browser can do the least disruptive thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing in the output changed.
    Unchanged,
    /// Only stylesheets changed: swap them without reloading the page.
    Css(Vec<String>),
    /// Reload the page.
    Reload,
}

fn outcome(mut changed: Vec<String>) -> Outcome {
    changed.sort();
    changed.dedup();
    if changed.is_empty() {
        Outcome::Unchanged
    } else if changed.iter().all(|c| c.ends_with(".css")) {
        Outcome::Css(changed)
    } else {
        Outcome::Reload
    }
}

/// How `build` uses the memo of the folder it recycles ([`memo`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// Keep the pages and site-wide files whose inputs did not change.
    Changed,
    /// Render everything (`build --render-all`); the memo is still written for the next build.
    All,
}

/// `policysite build`: everything, into a staging folder, swapped in only if all went well.
/// `waiting` is told when another build holds `output` and this one waits for it (the command prints it).
pub fn build(
    root: &Path,
    output: &Path,
    today: Date,
    rendering: Rendering,
    waiting: &dyn Fn(&Waiting<'_>),
) -> Result<Report, Diagnostics> {
    let _lock = crate::output::lock(root, output, "build", Contention::WaitForBuild(waiting))
        .map_err(|r| refused(output, r))?;
    let mut timings = Timings::default();
    let mut t = Instant::now();
    let keep = rendering == Rendering::Changed;
    // Every file of the output folders checked against their manifests while the sources load and
    // the model is built, on whichever core they leave idle: nothing is written before both are done,
    // and a folder that may not be replaced is refused before any error of the sources is shown.
    let (checked, loaded) = rayon::join(
        || crate::output::check_under_lock(output),
        || load_and_model(root, output, today, keep, &mut timings, &mut t),
    );
    // What the check added to the loading's time (nothing, when it ended first).
    timings.lap("check", &mut t);
    // A refused folder and the sources' errors, together (the warnings first, when it loaded).
    let (checked, loaded) = match (checked, loaded) {
        (Ok(checked), Ok(loaded)) => (checked, loaded),
        (Ok(_), Err(d)) => return Err(d),
        (Err(r), Ok(l)) => return Err(refused(output, r).after_warnings(&crate::features::warnings(&l.recycled.site))),
        (Err(r), Err(mut d)) => {
            d.extend(refused(output, r));
            return Err(d.sorted());
        }
    };
    let Loaded { inputs, page_reads, noted_reads, recycled } = loaded;
    let recycled::Recycled { site, keys, previous, site_wide_kept, text, from, notes } = recycled;
    let warnings = crate::features::warnings(&site);
    let warned = |d: Diagnostics| d.after_warnings(&warnings);
    let renderer = Renderer::new(root, &site).map_err(warned)?;
    // Kept from the output as it is now (the recycled folder was made from another structure):
    // copied from it.
    let staging = Staging::begin_recycling(output, previous, checked, from == output).map_err(|e| match e {
        BeginError::Refused(reasons) => warned(refused(output, reasons)),
        BeginError::Io(e) => warned(Diagnostics::from(
            Diagnostic::new(output, format!("cannot create the staging folder: {e}"))
                .help("check permissions on the output's parent folder"),
        )),
    })?;
    let plan = keys.zip(inputs).map(|(keys, inputs)| {
        let plan = memo::Plan::new(&staging, keys, keep, site_wide_kept, from);
        let reads = reads::PageReads { inputs, reads: page_reads, noted: noted_reads };
        plan.with_text(text).with_notes(notes).with_reads(reads)
    });
    let (pages, kept, text_updated) = match render_site(root, &site, &renderer, &staging, None, plan.as_ref()) {
        Ok(n) => (n, plan.as_ref().map_or(0, |p| p.kept_pages()), plan.and_then(|p| p.text_updated())),
        Err(d) => {
            drop(plan);
            staging.abort();
            return Err(warned(d));
        }
    };
    timings.lap("render+write", &mut t);
    let files = staging.files.load(std::sync::atomic::Ordering::Relaxed);
    let bytes = staging.bytes.load(std::sync::atomic::Ordering::Relaxed);
    staging.commit().map_err(|e| {
        warned(Diagnostics::from(Diagnostic::new(output, format!("cannot replace the output folder: {e}"))))
    })?;
    timings.lap("swap", &mut t);
    Ok(Report { pages, kept, text_updated, files, bytes, timings, warnings, leftover: Leftover::new(site, renderer) })
}

/// What a build read before it renders: the sources' stamps, how each page's file was read (now and
/// as the recycled folder noted it), and the model with what the recycled folder lets it keep.
struct Loaded {
    inputs: Option<memo::Inputs>,
    page_reads: Vec<(String, crate::load::noted::Read)>,
    noted_reads: crate::output::notes::Notes,
    recycled: recycled::Recycled,
}

/// Stamp, load and model the site for a build (the stages `stamp`, `load`, `memo`, `model` of
/// `timings`).
fn load_and_model(
    root: &Path,
    output: &Path,
    today: Date,
    keep: bool,
    timings: &mut Timings,
    t: &mut Instant,
) -> Result<Loaded, Diagnostics> {
    // The sources stamped before any is read (a source edited during the build then differs from
    // its stamp); the notes of how the recycled folder read them, beside the stamping.
    let (inputs, noted_reads) = rayon::join(|| memo::Inputs::stamp(root), || recycled::reads(output, keep));
    timings.lap("stamp", t);
    let before = inputs.as_ref().map(|inputs| reads::Before { inputs, notes: &noted_reads });
    let before = before.as_ref().map(|b| b as &dyn crate::load::noted::ReadBefore);
    let mut sources = load_sources(root, today, recycled::bodies(&noted_reads, keep), before)?;
    let page_reads = std::mem::take(&mut sources.reads);
    timings.lap("load", t);
    let recycled = recycled::model(root, output, today, keep, inputs.as_ref(), sources, timings, t)?;
    timings.lap("model", t);
    Ok(Loaded { inputs, page_reads, noted_reads, recycled })
}

/// `policysite check`: everything `build` does, nothing written, and then every internal link and
/// anchor of the rendered pages (templates included). Returns the page count, the links found and
/// the warnings for the command to show ([`crate::features::warnings`]).
pub fn check(root: &Path, today: Date) -> Result<(usize, crate::links::LinkIndex, Vec<Diagnostic>), Diagnostics> {
    let site = load_site(root, today)?;
    let warnings = crate::features::warnings(&site);
    let warned = |d: Diagnostics| d.after_warnings(&warnings);
    let renderer = Renderer::new(root, &site).map_err(warned)?;
    let index = crate::links::LinkIndex::default();
    let pages = render_site(root, &site, &renderer, &index, None, None).map_err(warned)?;
    let links = index.check_internal(&site.config.base_path, &crate::links::sources_by_output(&site));
    links.into_result(()).map_err(warned)?;
    Ok((pages, index, warnings))
}

pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}

/// The live site behind `serve`: the model kept in memory between rebuilds, and the output it holds.
pub struct Engine {
    pub root: PathBuf,
    pub output: PathBuf,
    site: Option<Site>,
    renderer: Option<Renderer>,
    /// Every file in the output, with the hash of its bytes (0: written before this session).
    files: FileHashes,
    /// What the last rebuild covered, for the terminal ("everything", "2 pages", …).
    pub last_scope: String,
    /// The build date (`--today`), fixed for the session.
    today: Date,
    /// The once-per-session warnings (unpublished quiz revisions) last shown: each is shown once until it changes.
    warned: BTreeSet<String>,
    /// What the features keep between rebuilds so a page edit costs in proportion to the page
    /// ([`crate::feature::Kept`]).
    kept: crate::feature::Kept,
    /// Warnings of the last rebuilds not yet taken by the session loop ([`Engine::take_warnings`]).
    unshown: Vec<Diagnostic>,
    _lock: OutputLock,
}

impl Engine {
    /// Take the output folder for a preview session: refused if it holds files policysite did not
    /// write, or if another policysite is writing it.
    pub fn open(root: &Path, output: &Path, today: Date) -> Result<Engine, Diagnostics> {
        let lock = crate::output::prepare(root, output, "serve", Contention::Refuse).map_err(|r| refused(output, r))?;
        let files =
            crate::output::guard::read_manifest(output).unwrap_or_default().into_iter().map(|f| (f, 0)).collect();
        Ok(Engine {
            root: root.to_path_buf(),
            output: output.to_path_buf(),
            site: None,
            renderer: None,
            files,
            last_scope: String::new(),
            today,
            warned: BTreeSet::new(),
            kept: Default::default(),
            unshown: Vec::new(),
            _lock: lock,
        })
    }

    pub fn theme(&self) -> String {
        self.site.as_ref().map_or_else(|| "default".into(), |s| s.config.theme.clone())
    }

    /// Load and render everything; the output changes only if all of it succeeded.
    pub fn full(&mut self) -> Result<Outcome, Diagnostics> {
        self.site = None;
        self.renderer = None;
        self.kept = Default::default();
        let site = load_site(&self.root, self.today)?;
        // Warnings of the checks (modules to review): after every full rebuild. The others (unpublished
        // quiz revisions): each once per session until it changes (a rebuild after every save would
        // otherwise repeat it). One that goes away and comes back is shown again.
        let (every, once) = crate::features::warnings_split(&site);
        self.unshown.extend(every);
        let once: std::collections::BTreeMap<String, Diagnostic> =
            once.into_iter().map(|w| (w.to_string(), w)).collect();
        self.unshown.extend(once.iter().filter(|(text, _)| !self.warned.contains(*text)).map(|(_, w)| w.clone()));
        self.warned = once.into_keys().collect();
        let renderer = Renderer::new(&self.root, &site)?;
        let previous = std::mem::take(&mut self.files);
        let result = match Overlay::begin(&self.output, &previous) {
            Ok(overlay) => match render_site(&self.root, &site, &renderer, &overlay, Some(&mut self.kept), None) {
                Ok(_) => overlay.commit(true).map_err(|e| write_failed(&self.output, e)),
                Err(d) => {
                    overlay.abort();
                    Err(d)
                }
            },
            Err(e) => Err(write_failed(&self.output, e)),
        };
        match result {
            Ok(done) => {
                self.files = done.files;
                self.site = Some(site);
                self.renderer = Some(renderer);
                self.last_scope = "everything".into();
                Ok(outcome(done.changed))
            }
            Err(d) => {
                self.files = previous;
                Err(d)
            }
        }
    }

    /// Rebuild after `paths` changed, doing only what they require. All or nothing: when any part
    /// fails, the output is left as it was and the next change rebuilds everything.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Outcome, Diagnostics> {
        let theme = self.theme();
        let changes: Vec<Change> = paths
            .iter()
            .map(|p| classify(&self.root, &self.output, &theme, p))
            .filter(|c| *c != Change::Ignore)
            .collect();
        if changes.is_empty() {
            return Ok(Outcome::Unchanged);
        }
        let everything = changes.contains(&Change::Everything) || self.static_set_changed(paths, &theme);
        let (Some(site), Some(renderer)) = (self.site.as_mut(), self.renderer.as_mut()) else { return self.full() };
        if everything {
            return self.full();
        }
        let previous = std::mem::take(&mut self.files);
        let overlay = match Overlay::begin(&self.output, &previous) {
            Ok(o) => o,
            Err(e) => {
                self.files = previous;
                return Err(write_failed(&self.output, e));
            }
        };
        let step = incremental::apply(&self.root, site, renderer, &changes, &overlay, render_page_to, &mut self.kept);
        let result = match step {
            Ok(Some(scope)) => match overlay.commit(false) {
                Ok(done) => Ok((scope, done)),
                Err(e) => Err(write_failed(&self.output, e)),
            },
            Ok(None) => {
                overlay.abort();
                self.files = previous;
                return self.full();
            }
            Err(d) => {
                overlay.abort();
                Err(d)
            }
        };
        match result {
            Ok((scope, done)) => {
                self.files = done.files;
                self.last_scope = scope;
                Ok(outcome(done.changed))
            }
            Err(d) => {
                // The model may hold part of the change; the next rebuild starts from the sources.
                self.files = previous;
                self.site = None;
                self.renderer = None;
                Err(d)
            }
        }
    }
}

impl Engine {
    /// The warnings of the rebuilds since the last call, for the session loop to show.
    pub fn take_warnings(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.unshown)
    }

    /// Whether a static file was added or removed: that changes which files the output holds (and a
    /// new one may collide with a page, which only a full build checks), so it is not a copy.
    fn static_set_changed(&self, paths: &[PathBuf], theme: &str) -> bool {
        let dirs = [self.root.join("static"), self.root.join("themes").join(theme).join("static")];
        paths.iter().any(|p| {
            dirs.iter().any(|d| {
                p.starts_with(d) && (!p.is_file() || !self.files.contains_key(&crate::fsutil::slash_path(d, p)))
            })
        })
    }
}

fn write_failed(output: &Path, e: std::io::Error) -> Diagnostics {
    Diagnostics::from(
        Diagnostic::new(output, format!("cannot write the rebuilt files: {e}"))
            .help("check the output folder's permissions and free space"),
    )
}

/// A small site for the engine's tests in `root`: the bundled settings (without their required
/// training, so no quiz or training module is needed, as the integration tests' minimal site), the
/// bundled data, and the pages `pages` (path below `content/`, text).
#[cfg(test)]
pub(crate) fn test_site(root: &Path, pages: &[(&str, &str)]) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = std::fs::read_to_string(repo.join("site.yaml")).expect("site.yaml");
    let settings = settings.split("required_training:").next().unwrap_or_default();
    std::fs::write(root.join("site.yaml"), settings).expect("site.yaml");
    std::fs::create_dir_all(root.join("data")).expect("data");
    for f in ["platforms.yaml", "directory.yaml"] {
        std::fs::copy(repo.join("data").join(f), root.join("data").join(f)).expect("data");
    }
    for (rel, text) in pages {
        let path = root.join(crate::load::content::CONTENT_DIR).join(rel);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("content");
        std::fs::write(path, text).expect("page");
    }
}
