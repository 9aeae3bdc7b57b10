//! The pipeline, end to end: **load → model → render → write**. `build`, `check` and `serve` all run
//! through here; they differ only in the [`Sink`] the files go to.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Page, Site};
use crate::output::{Sink, Staging};
use crate::render::Renderer;

/// Time spent per stage, for `--timings` and the benchmark.
#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, Duration, Option<u64>)>);

impl Timings {
    fn lap(&mut self, name: &'static str, since: &mut Instant) {
        self.0.push((name, since.elapsed(), peak_rss_kib()));
        *since = Instant::now();
    }
}

/// The process's peak resident memory so far (Linux), for `--timings`.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(n, d, m)| {
                let mem = m.map(|k| format!(" (peak {} MiB)", k / 1024)).unwrap_or_default();
                format!("{n} {:.0} ms{mem}", d.as_secs_f64() * 1000.0)
            })
            .collect();
        write!(f, "{}", parts.join(", "))
    }
}

/// Load every source and build the model, collecting the problems of all files together.
pub fn load_site(root: &Path) -> Result<Site, Diagnostics> {
    let config = SiteConfig::load(root)?;
    let (content, (data, quizzes)) = rayon::join(
        || crate::load::content::load_all(root),
        || rayon::join(|| crate::load::data::load(root), || crate::quiz::load_all(root)),
    );
    let mut diags = content.diagnostics;
    let data = data.map_err(|d| diags.extend(d)).ok();
    let quizzes = quizzes.map_err(|d| diags.extend(d)).ok();
    let Some(data) = data else {
        return Err(diags.sorted());
    };
    // Go on to the model even if some pages failed to load, so their neighbours' problems are
    // reported in the same run.
    let site = Site::new(config, data, content.pages, &content.failed);
    let mut site = match site {
        Ok(s) => s,
        Err(d) => {
            diags.extend(d);
            return Err(diags.sorted());
        }
    };
    if let Some(q) = quizzes {
        site.quizzes = q;
        diags.extend(crate::quiz::check_references(root, &site));
    }
    diags.into_result(site)
}

/// Render every page and generated file of `site` into `sink`.
pub fn render_site(root: &Path, site: &Site, renderer: &Renderer, sink: &dyn Sink) -> Result<usize, Diagnostics> {
    let diags = renderer.check_templates(site);
    if !diags.is_empty() {
        return Err(diags.sorted());
    }
    // Pages, and the files made from the whole site (search index, sitemap, …), side by side: the
    // search index of a large site is a long single-threaded job.
    let (mut diags, site_files) =
        rayon::join(|| render_pages(root, site, renderer, sink), || render_site_files(root, site, renderer, sink));
    diags.extend(site_files);
    diags.into_result(site.pages.len())
}

fn io_err(what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(what, format!("cannot write: {e}")).help("check the output folder's permissions and free space")
}

fn render_pages(root: &Path, site: &Site, renderer: &Renderer, sink: &dyn Sink) -> Diagnostics {
    Diagnostics(site.pages.par_iter().filter_map(|page| render_page_to(root, site, renderer, page, sink)).collect())
}

/// Render one content page (its Markdown, then its template) into `sink`. Used by `build` for every
/// page and by `serve` for the pages a change touches.
pub fn render_page_to(
    root: &Path,
    site: &Site,
    renderer: &Renderer,
    page: &Page,
    sink: &dyn Sink,
) -> Option<Diagnostic> {
    let extra = crate::quiz::page_context(site, page);
    let html = match site.markdown_html(root, page) {
        Ok(h) => h,
        Err(d) => return Some(d),
    };
    match renderer.render_page(site, page, &html, &extra) {
        Ok(html) => sink.put(&page.output_path(), html.as_bytes()).err().map(|e| io_err(&page.output_path(), e)),
        Err(d) => Some(d),
    }
}

/// Write generated files into `sink`, reporting each that cannot be written.
pub fn put_files(sink: &dyn Sink, files: Vec<(String, Vec<u8>)>) -> Diagnostics {
    Diagnostics(
        files.into_iter().filter_map(|(name, bytes)| sink.put(&name, &bytes).err().map(|e| io_err(&name, e))).collect(),
    )
}

fn render_site_files(root: &Path, site: &Site, renderer: &Renderer, sink: &dyn Sink) -> Diagnostics {
    let mut diags = render_special_pages(site, renderer, sink);
    diags.extend(put_files(sink, generated_files(site)));
    // The search index is written file by file (search helper): its section texts are large.
    diags.extend(crate::search::put(site, sink));
    let theme_static = site.config.theme_dir(root).join("static");
    for dir in [theme_static, root.join("static")] {
        if let Err(e) = crate::output::copy_tree(&dir, "", sink) {
            diags
                .push(Diagnostic::new(crate::diag::display_path(root, &dir), format!("cannot copy static files: {e}")));
        }
    }
    diags
}

/// The pages that are not content pages: the search page and `404.html`.
pub fn render_special_pages(site: &Site, renderer: &Renderer, sink: &dyn Sink) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for (template, out, page_root) in
        [("search.html", "search/index.html", "../"), ("404.html", "404.html", site.config.base_path.as_str())]
    {
        if !renderer.has_template(template) {
            continue;
        }
        match renderer.render_special(site, template, page_root) {
            Ok(html) => {
                if let Err(e) = sink.put(out, html.as_bytes()) {
                    diags.push(io_err(out, e));
                }
            }
            Err(d) => diags.push(d),
        }
    }
    diags
}

/// Files generated from the whole site rather than from one template (the search index aside: see
/// [`crate::search::put`]).
pub fn generated_files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![("sitemap.xml".to_string(), sitemap(site).into_bytes())];
    files.extend(crate::request::site_files(site));
    files.extend(crate::quiz::site_files(site));
    files
}

fn sitemap(site: &Site) -> String {
    let base = match &site.config.base_url {
        Some(u) if u.ends_with('/') => u.clone(),
        Some(u) => format!("{u}/"),
        None => site.config.base_path.clone(),
    };
    let mut pages: Vec<_> = site.pages.iter().collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in pages {
        s.push_str(&format!(
            "  <url><loc>{}{}</loc>",
            crate::markdown::escape_text(&base),
            crate::markdown::escape_text(&p.url)
        ));
        if let Some(d) = p.source.front.revised.or(p.source.front.approved) {
            s.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

pub struct Report {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub timings: Timings,
}

/// `policysite build`: everything, into a staging folder, swapped in only if all went well.
pub fn build(root: &Path, output: &Path) -> Result<Report, Diagnostics> {
    crate::output::check_output_location(root, output).map_err(|m| Diagnostics::from(Diagnostic::new(output, m)))?;
    let mut timings = Timings::default();
    let mut t = Instant::now();
    let site = load_site(root)?;
    timings.lap("load+model", &mut t);
    let renderer = Renderer::new(root, &site)?;
    let staging = Staging::begin(output).map_err(|e| {
        Diagnostics::from(
            Diagnostic::new(output, format!("cannot create the staging folder: {e}"))
                .help("check permissions on the output's parent folder"),
        )
    })?;
    let pages = match render_site(root, &site, &renderer, &staging) {
        Ok(n) => n,
        Err(d) => {
            staging.abort();
            return Err(d);
        }
    };
    timings.lap("render+write", &mut t);
    let files = staging.files.load(std::sync::atomic::Ordering::Relaxed);
    let bytes = staging.bytes.load(std::sync::atomic::Ordering::Relaxed);
    staging
        .commit()
        .map_err(|e| Diagnostics::from(Diagnostic::new(output, format!("cannot replace the output folder: {e}"))))?;
    timings.lap("swap", &mut t);
    crate::quiz::record_lock(root, &site.quizzes).map_err(|e| {
        Diagnostics::from(Diagnostic::new(crate::quiz::LOCK_FILE, format!("cannot record the new quiz revisions: {e}")))
    })?;
    Ok(Report { pages, files, bytes, timings })
}

/// `policysite check`: everything `build` does, nothing written, and then every internal link and
/// anchor of the rendered pages (templates included) is checked.
/// Returns the number of pages and the links found, for `--external`.
pub fn check(root: &Path) -> Result<(usize, crate::links::LinkIndex), Diagnostics> {
    let site = load_site(root)?;
    let renderer = Renderer::new(root, &site)?;
    let index = crate::links::LinkIndex::default();
    let pages = render_site(root, &site, &renderer, &index)?;
    index.check_internal(&site.config.base_path, &crate::links::sources_by_output(&site)).into_result(())?;
    Ok((pages, index))
}

pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}
