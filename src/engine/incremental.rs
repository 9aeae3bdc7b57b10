//! The work an incremental rebuild does for each kind of change. Each step writes into the rebuild's
//! sink (an overlay that is committed only when every step succeeded) and says what it covered.
//! `Ok(None)` means the change is bigger than it looked (a page added or removed, front matter
//! edited) and needs a full rebuild.

use std::collections::HashSet;
use std::path::Path;

use super::changes::Change;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Page, Site};
use crate::output::Sink;
use crate::render::Renderer;

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// How one content page is rendered into a sink: the engine's own step, passed in (this module sits
/// below the engine and does not reach up for it).
pub type RenderPage = fn(&Path, &Site, &Renderer, &Page, &dyn Sink) -> Option<Diagnostic>;

/// Apply `changes` (none of them `Everything`) to `site` and write what they touch into `sink`, each
/// page with `render_page`.
pub fn apply(
    root: &Path,
    site: &mut Site,
    renderer: &mut Renderer,
    changes: &[Change],
    sink: &dyn Sink,
    render_page: RenderPage,
    kept: &mut crate::feature::Kept,
) -> Result<Option<String>, Diagnostics> {
    let mut scope = Vec::new();
    let mut targets: HashSet<usize> = HashSet::new();
    let mut site_wide = false;
    if changes.contains(&Change::Data) {
        let Some(pages) = update_data(root, site, renderer)? else { return Ok(None) };
        scope.push(format!("data: {}", plural(pages.len(), "page")));
        targets.extend(pages);
        site_wide = true;
    }
    let rels: HashSet<&String> =
        changes.iter().filter_map(|c| if let Change::Page(r) = c { Some(r) } else { None }).collect();
    if !rels.is_empty() {
        let Some(pages) = update_pages(root, site, &rels)? else { return Ok(None) };
        scope.push(plural(pages.len(), "page"));
        targets.extend(pages);
    }
    let mut targets: Vec<usize> = targets.into_iter().collect();
    targets.sort_unstable();
    let mut diags =
        Diagnostics(targets.iter().filter_map(|&i| render_page(root, site, renderer, &site.pages[i], sink)).collect());
    if site_wide {
        // The feed holds the platform list's history, site-data.js the quizzes' facts, …; a feature
        // that kept state writes only what the pages that read the data (and any edited pages) touch.
        diags.extend(crate::emit::generated_after_data(site, renderer, sink, &targets, kept));
    } else if !rels.is_empty() {
        // The search index holds every page's text: only what the edited pages touch is written
        // anew, unless an edit numbers the sections after it anew (said, as it takes longer).
        if !crate::features::page_text_fits(site, &targets, kept) {
            scope.push("search index made whole".into());
        }
        diags.extend(crate::features::write_page_text(site, &targets, sink, kept));
    }
    if changes.contains(&Change::Static) {
        diags.extend(crate::emit::copy_static(root, site, sink));
        scope.push("static files".into());
    }
    diags.into_result(Some(scope.join(", ")))
}

/// Reload `data/` into the model and list the pages that read it: pages whose template (with its
/// parents and includes) reads `data`, `platforms` or `directory`, and pages whose shortcodes draw on
/// the platform list (their first Markdown pass runs again too).
fn update_data(root: &Path, site: &mut Site, renderer: &mut Renderer) -> Result<Option<Vec<usize>>, Diagnostics> {
    let data = crate::load::data::load(root)?;
    let old = site.replace_data(data);
    let changed: Vec<String> = site
        .data
        .all
        .keys()
        .chain(old.all.keys())
        .filter(|k| site.data.all.get(*k) != old.all.get(*k))
        .cloned()
        .collect();
    let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
    let mut vars = vec!["data"];
    let platforms_changed = changed.contains(&"platforms");
    if platforms_changed {
        vars.push("platforms");
    }
    vars.extend(crate::features::data_vars(&changed));
    renderer.refresh_globals(site);
    let content = root.join(crate::load::content::CONTENT_DIR);
    let shortcode_pages: Vec<usize> = (0..site.pages.len())
        .filter(|&i| platforms_changed && site.pages[i].shortcodes.iter().any(|s| s.starts_with("platforms.")))
        .collect();
    for &i in &shortcode_pages {
        let path = content.join(&site.pages[i].source.rel);
        let src = crate::load::content::load_one(root, &content, &path)?;
        site.replace_body(root, i, src)?;
    }
    Ok(Some(
        (0..site.pages.len())
            .filter(|i| {
                shortcode_pages.contains(i)
                    || renderer.template_reads(&Renderer::template_for(&site.pages[*i]), &vars)
                    || crate::features::page_reads_data(site, &site.pages[*i], &changed)
            })
            .collect(),
    ))
}

/// Re-read pages whose body alone changed.
fn update_pages(root: &Path, site: &mut Site, rels: &HashSet<&String>) -> Result<Option<Vec<usize>>, Diagnostics> {
    let content = root.join(crate::load::content::CONTENT_DIR);
    let mut updated = Vec::new();
    for rel in rels {
        let path = content.join(rel);
        let Some(&idx) = site.by_rel.get(*rel) else { return Ok(None) };
        // A page whose text a feature supplies (a policy page's revision files), or shows on other
        // pages (the regulation's headings, on the request form): rebuild all.
        if crate::features::owns_page_text(site, rel) || crate::features::shows_text_of(&site.pages[idx].source) {
            return Ok(None);
        }
        if !path.is_file() {
            return Ok(None);
        }
        let src = crate::load::content::load_one(root, &content, &path)?;
        let old = &site.pages[idx].source;
        if src.front_text != old.front_text || src.front.draft {
            return Ok(None);
        }
        site.replace_body(root, idx, src)?;
        updated.push(idx);
    }
    // What the features check between pages (a module page's headings are its quiz's targets).
    let refs = crate::features::recheck(root, site);
    if !refs.is_empty() {
        return Err(refs.sorted());
    }
    Ok(Some(updated))
}
