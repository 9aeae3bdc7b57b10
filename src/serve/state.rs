//! The live site behind `serve`: the model kept in memory, and rebuilds that do only the work a change
//! needs. The output is always what a clean `build` of the same files would produce (tested).

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::build;
use crate::diag::Diagnostics;
use crate::model::Site;
use crate::output::Sink;
use crate::render::Renderer;

/// What a rebuild changed, so the browser can do the least disruptive thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing in the output changed.
    Unchanged,
    /// Only stylesheets changed: swap them without reloading the page.
    Css(Vec<String>),
    /// Reload the page.
    Reload,
}

/// What kind of source a changed path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A Markdown page below `content/`, by its path there.
    Page(String),
    /// A file below the theme's or the site's `static/`.
    Static,
    /// A data file: re-render the pages whose templates or shortcodes read it.
    Data,
    /// Anything that can affect every page: templates, `site.yaml`, data, quizzes, added or removed pages.
    Everything,
    /// Not a source (the output, editor swap files, the quiz lock).
    Ignore,
}

pub fn classify(root: &Path, output: &Path, theme: &str, path: &Path) -> Change {
    let Ok(rel) = path.strip_prefix(root) else { return Change::Ignore };
    if path.starts_with(output) {
        return Change::Ignore;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Editors' temporary and swap files, and files we write ourselves.
    if name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.contains(".tmp-")
        || name == "4913"
        || (name.starts_with('.') && name != ".")
        || rel == Path::new(crate::quiz::LOCK_FILE)
    {
        return Change::Ignore;
    }
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
    match parts.next().as_deref() {
        Some("content") if name.ends_with(".md") => Change::Page(parts.collect::<Vec<_>>().join("/")),
        Some("content") => Change::Ignore,
        Some("static") => Change::Static,
        Some("themes") => {
            let in_theme_static = rel.starts_with(Path::new("themes").join(theme).join("static"));
            if in_theme_static {
                Change::Static
            } else if rel.starts_with(Path::new("themes").join(theme)) {
                Change::Everything
            } else {
                Change::Ignore
            }
        }
        Some("data") if name.ends_with(".yaml") || name.ends_with(".yml") => Change::Data,
        Some("templates") | Some("data") | Some("quizzes") => Change::Everything,
        Some("site.yaml") => Change::Everything,
        _ => Change::Ignore,
    }
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Writes a file only when its bytes changed, replacing it atomically so the server never serves a
/// half-written page, and remembers what it wrote.
struct DiffSink<'a> {
    output: &'a Path,
    previous: &'a HashMap<String, u64>,
    written: Mutex<HashMap<String, u64>>,
    changed: Mutex<Vec<String>>,
}

impl<'a> DiffSink<'a> {
    fn new(output: &'a Path, previous: &'a HashMap<String, u64>) -> Self {
        DiffSink { output, previous, written: Mutex::default(), changed: Mutex::default() }
    }

    /// What was written (path → hash) and which paths actually changed on disk.
    fn finish(self) -> (HashMap<String, u64>, Vec<String>) {
        (
            self.written.into_inner().unwrap_or_else(|e| e.into_inner()),
            self.changed.into_inner().unwrap_or_else(|e| e.into_inner()),
        )
    }
}

impl Sink for DiffSink<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let h = hash(bytes);
        if self.previous.get(rel) != Some(&h) {
            let path = self.output.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            replace_file(&path, bytes)?;
            self.changed.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
        }
        self.written.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string(), h);
        Ok(())
    }
}

fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

pub struct LiveSite {
    pub root: PathBuf,
    pub output: PathBuf,
    site: Option<Site>,
    renderer: Option<Renderer>,
    /// Output path → hash of the bytes on disk.
    files: HashMap<String, u64>,
    /// What the last rebuild did, for the terminal ("everything", "2 pages", …).
    pub last_scope: String,
}

impl LiveSite {
    pub fn new(root: &Path, output: &Path) -> LiveSite {
        LiveSite {
            root: root.to_path_buf(),
            output: output.to_path_buf(),
            site: None,
            renderer: None,
            files: HashMap::new(),
            last_scope: String::new(),
        }
    }

    pub fn theme(&self) -> String {
        self.site.as_ref().map_or_else(|| "default".into(), |s| s.config.theme.clone())
    }

    /// Load everything and render everything; write what changed, delete what is gone.
    pub fn full(&mut self) -> Result<Outcome, Diagnostics> {
        let site = build::load_site(&self.root)?;
        let renderer = Renderer::new(&self.root, &site)?;
        if self.files.is_empty() && self.output.is_dir() {
            // First build of this session: treat whatever is on disk as unknown, so stale files go.
            for e in walkdir::WalkDir::new(&self.output)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
            {
                self.files.insert(crate::load::slash_path(&self.output, e.path()), 0);
            }
        }
        std::fs::create_dir_all(&self.output).map_err(|e| {
            Diagnostics::from(crate::diag::Diagnostic::new(&self.output, format!("cannot create: {e}")))
        })?;
        let sink = DiffSink::new(&self.output, &self.files);
        build::render_site(&self.root, &site, &renderer, &sink)?;
        let (written, mut changed) = sink.finish();
        let stale: Vec<String> = self.files.keys().filter(|k| !written.contains_key(*k)).cloned().collect();
        for rel in &stale {
            let _ = std::fs::remove_file(self.output.join(rel));
            changed.push(rel.clone());
        }
        crate::output::remove_empty_dirs(&self.output);
        let _ = crate::quiz::record_lock(&self.root, &site.quizzes);
        self.files = written;
        self.site = Some(site);
        self.renderer = Some(renderer);
        self.last_scope = "everything".into();
        Ok(outcome(changed))
    }

    /// Rebuild after `paths` changed, doing only what they require.
    pub fn apply(&mut self, paths: &[PathBuf]) -> Result<Outcome, Diagnostics> {
        let theme = self.theme();
        let changes: Vec<Change> = paths.iter().map(|p| classify(&self.root, &self.output, &theme, p)).collect();
        let changes: Vec<Change> = changes.into_iter().filter(|c| *c != Change::Ignore).collect();
        if changes.is_empty() {
            return Ok(Outcome::Unchanged);
        }
        if self.site.is_none() || changes.contains(&Change::Everything) {
            return self.full();
        }
        let mut changed = Vec::new();
        if changes.contains(&Change::Data) {
            match self.update_data()? {
                Some(mut c) => changed.append(&mut c),
                None => return self.full(),
            }
        }
        let pages: HashSet<String> =
            changes.iter().filter_map(|c| if let Change::Page(r) = c { Some(r.clone()) } else { None }).collect();
        if !pages.is_empty() {
            match self.update_pages(&pages)? {
                Some(mut c) => changed.append(&mut c),
                None => return self.full(),
            }
        }
        if changes.contains(&Change::Static) {
            changed.extend(self.copy_static()?);
        }
        Ok(outcome(changed))
    }

    /// Reload `data/` and re-render what reads it: pages whose template (with its parents and
    /// includes) reads `data`, `platforms` or `directory`, pages whose shortcodes draw on it, and the
    /// site-wide generated files. `None` when a full rebuild is needed instead.
    fn update_data(&mut self) -> Result<Option<Vec<String>>, Diagnostics> {
        let data = crate::load::data::load(&self.root)?;
        let Some(site) = self.site.as_mut() else { return Ok(None) };
        let old = site.replace_data(data);
        let changed_files: Vec<&String> =
            site.data.all.keys().chain(old.all.keys()).filter(|k| site.data.all.get(*k) != old.all.get(*k)).collect();
        let mut vars = vec!["data"];
        if changed_files.iter().any(|k| *k == "platforms") {
            vars.push("platforms");
        }
        if changed_files.iter().any(|k| *k == "directory") {
            vars.push("directory");
        }
        let platforms_changed = vars.contains(&"platforms");
        let renderer = match Renderer::new(&self.root, site) {
            Ok(r) => r,
            Err(d) => {
                site.replace_data(old);
                return Err(d);
            }
        };
        // Pages whose Markdown expands platform shortcodes: their text changed, so run their first
        // pass again too.
        let content = self.root.join(crate::load::content::CONTENT_DIR);
        let shortcode_pages: Vec<usize> = site
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| platforms_changed && p.shortcodes.iter().any(|s| s.starts_with("platforms.")))
            .map(|(i, _)| i)
            .collect();
        for &i in &shortcode_pages {
            let path = content.join(&site.pages[i].source.rel);
            let src = crate::load::content::load_one(&self.root, &content, &path).map_err(Diagnostics::from)?;
            site.replace_body(i, src)?;
        }
        let targets: Vec<usize> = (0..site.pages.len())
            .filter(|i| {
                shortcode_pages.contains(i) || renderer.template_reads(&Renderer::template_for(&site.pages[*i]), &vars)
            })
            .collect();
        self.last_scope = format!("data: {} page{}", targets.len(), if targets.len() == 1 { "" } else { "s" });
        self.renderer = Some(renderer);
        let Some(renderer) = self.renderer.as_ref() else { return Ok(None) };
        let site = self.site.as_ref().unwrap_or_else(|| unreachable!("checked above"));
        let sink = DiffSink::new(&self.output, &self.files);
        let mut diags = Diagnostics(
            targets
                .iter()
                .filter_map(|&i| build::render_page_to(&self.root, site, renderer, &site.pages[i], &sink))
                .collect(),
        );
        diags.extend(build::render_special_pages(site, renderer, &sink));
        diags.extend(build::put_files(&sink, build::generated_files(site)));
        diags.extend(crate::search::put(site, &sink));
        let (written, changed) = sink.finish();
        self.files.extend(written);
        diags.into_result(Some(changed))
    }

    /// Re-render pages whose body alone changed. `None` when something bigger changed (a page added or
    /// removed, or its front matter edited), which needs a full rebuild.
    fn update_pages(&mut self, rels: &HashSet<String>) -> Result<Option<Vec<String>>, Diagnostics> {
        let (Some(site), Some(renderer)) = (self.site.as_mut(), self.renderer.as_ref()) else { return Ok(None) };
        let content = self.root.join(crate::load::content::CONTENT_DIR);
        let mut updated = Vec::new();
        for rel in rels {
            let path = content.join(rel);
            let Some(&idx) = site.by_rel.get(rel) else { return Ok(None) };
            if !path.is_file() {
                return Ok(None);
            }
            let src = crate::load::content::load_one(&self.root, &content, &path).map_err(Diagnostics::from)?;
            let old = &site.pages[idx].source;
            if src.front_text != old.front_text || src.front.draft {
                return Ok(None);
            }
            site.replace_body(idx, src)?;
            updated.push(idx);
        }
        self.last_scope = format!("{} page{}", updated.len(), if updated.len() == 1 { "" } else { "s" });
        let sink = DiffSink::new(&self.output, &self.files);
        let mut diags = Diagnostics(
            updated
                .iter()
                .filter_map(|&i| build::render_page_to(&self.root, site, renderer, &site.pages[i], &sink))
                .collect(),
        );
        // The search index holds every page's text.
        diags.extend(crate::search::put(site, &sink));
        let (written, changed) = sink.finish();
        self.files.extend(written);
        diags.into_result(Some(changed))
    }

    /// Copy the static folders again; only changed files are written.
    fn copy_static(&mut self) -> Result<Vec<String>, Diagnostics> {
        let Some(site) = self.site.as_ref() else { return Ok(Vec::new()) };
        let sink = DiffSink::new(&self.output, &self.files);
        for dir in [site.config.theme_dir(&self.root).join("static"), self.root.join("static")] {
            crate::output::copy_tree(&dir, "", &sink)
                .map_err(|e| Diagnostics::from(crate::diag::Diagnostic::new(&dir, format!("cannot copy: {e}"))))?;
        }
        let (written, changed) = sink.finish();
        self.files.extend(written);
        Ok(changed)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_sources_and_ignores_noise() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        let c = |p: &str| classify(root, out, "default", Path::new(p));
        assert_eq!(c("/site/content/regulation/6973-1r.md"), Change::Page("regulation/6973-1r.md".into()));
        assert_eq!(c("/site/content/.6973-1r.md.swp"), Change::Ignore);
        assert_eq!(c("/site/content/6973-1r.md~"), Change::Ignore);
        assert_eq!(c("/site/content/4913"), Change::Ignore);
        assert_eq!(c("/site/public/index.html"), Change::Ignore);
        assert_eq!(c("/site/themes/default/static/assets/style.css"), Change::Static);
        assert_eq!(c("/site/themes/default/templates/page.html"), Change::Everything);
        assert_eq!(c("/site/themes/other/templates/page.html"), Change::Ignore);
        assert_eq!(c("/site/site.yaml"), Change::Everything);
        assert_eq!(c("/site/data/platforms.yaml"), Change::Data);
        assert_eq!(c("/site/quizzes/revisions.lock"), Change::Ignore);
        assert_eq!(c("/site/quizzes/public-records.yaml"), Change::Everything);
    }
}
