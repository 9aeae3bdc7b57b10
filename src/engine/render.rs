//! Rendering for every command: each page (Markdown, then its template) and the site-wide files,
//! side by side, into a sink; for `build`, through its memo plan ([`super::memo::Plan`]), which keeps
//! what did not change.

use std::path::Path;

use rayon::prelude::*;

use super::memo;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Page, Site};
use crate::output::Sink;
use crate::render::Renderer;

/// Render every page and site-wide file of `site` into `sink`; with `kept` (`serve`'s full rebuild),
/// the features keep what their later cheap writes need.
/// With `memo` (`build`), what the folder's memo shows unchanged is kept instead of rendered.
pub fn render_site(
    root: &Path,
    site: &Site,
    renderer: &Renderer,
    sink: &dyn Sink,
    kept: Option<&mut crate::feature::Kept>,
    memo: Option<&memo::Plan<'_>>,
) -> Result<usize, Diagnostics> {
    let diags = renderer.check_templates(site);
    if !diags.is_empty() {
        return Err(diags.sorted());
    }
    // Pages, and the files made from the whole site (search index, sitemap, …), side by side: the
    // search index of a large site is a long single-threaded job.
    let site_wide = || match memo {
        Some(m) => m.site_wide(site, |sink, kept| crate::emit::site_wide(root, site, renderer, sink, Some(kept))),
        None => crate::emit::site_wide(root, site, renderer, sink, kept),
    };
    // For the next build, every page's outline, beside them (`build` only); started first, so the
    // notes it copies are let go early, not held while the search index is made (when the other
    // thread takes the index at once, the two overlap only while the notes are written).
    let site_wide = || rayon::join(|| memo.inspect(|m| m.note_outlines(site)), site_wide).1;
    let (mut diags, site_wide) = rayon::join(|| render_pages(root, site, renderer, sink, memo), site_wide);
    diags.extend(site_wide);
    diags.into_result(site.pages.len())
}

fn render_pages(
    root: &Path,
    site: &Site,
    renderer: &Renderer,
    sink: &dyn Sink,
    memo: Option<&memo::Plan<'_>>,
) -> Diagnostics {
    Diagnostics(
        site.pages
            .par_iter()
            .filter_map(|page| {
                let render = |sink: &dyn Sink| render_page_to(root, site, renderer, page, sink);
                match memo {
                    Some(m) => m.page(&page.source.rel, render),
                    None => render(sink),
                }
            })
            .collect(),
    )
}

/// Render one content page (its Markdown, then its template) into `sink`.
pub fn render_page_to(
    root: &Path,
    site: &Site,
    renderer: &Renderer,
    page: &Page,
    sink: &dyn Sink,
) -> Option<Diagnostic> {
    let extra = crate::features::page_context(site, page);
    let html = match site.markdown_html(root, page) {
        Ok(h) => crate::features::page_html(site, page, h),
        Err(d) => return Some(d),
    };
    // A long section's list continues on further pages (`page/2/`, …); the page's own text is on the
    // first only.
    for (k, part) in crate::render::list_parts(page).iter().enumerate() {
        let text = if k == 0 { html.as_str() } else { "" };
        let written = match renderer.render_page_part(site, page, text, &extra, part) {
            Ok(out) => sink.put(&part.output, out.as_bytes()).err().map(|e| {
                Diagnostic::new(&part.output, format!("cannot write: {e}"))
                    .help("check the output folder's permissions and free space")
            }),
            Err(d) => Some(d),
        };
        if written.is_some() {
            return written;
        }
    }
    None
}
