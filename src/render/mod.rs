//! Stage 3, **render**: Tera templates from the theme (overridable by the site's own `templates/`),
//! fed with a context built from the model. Template errors point at the template file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{Context, ErrorKind, Tera};

use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::model::{Page, Site};

pub const SITE_TEMPLATES: &str = "templates";

static REPORT_LOCATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"-->\s+(\S+?):(\d+):(\d+)").unwrap_or_else(|e| panic!("bad regex: {e}"))
});

pub struct Renderer {
    tera: Tera,
    /// Template name → the file it came from, for error messages.
    files: BTreeMap<String, PathBuf>,
    /// Context shared by every page (site settings, data files).
    globals: Context,
    /// The main navigation in each form pages take ([`NavCache`]).
    navs: NavCache,
}

/// Every template file: the theme's, then the site's own `templates/` with the same names replacing them.
pub fn template_sources(root: &Path, theme_dir: &Path) -> Result<BTreeMap<String, (PathBuf, String)>, Diagnostics> {
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::default();
    for dir in [theme_dir.join("templates"), root.join(SITE_TEMPLATES)] {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
            // A linked template is read like any other (a link out of the site is refused there);
            // a link to a folder or to nothing is reported, not skipped.
            if entry.path_is_symlink() && !entry.path().is_file() {
                diags.push(
                    Diagnostic::new(
                        display_path(root, entry.path()),
                        "is a link to a folder or to nothing: templates are read as files",
                    )
                    .help("replace the link with the template file, or remove it"),
                );
                continue;
            }
            if !entry.file_type().is_file() && !entry.path_is_symlink() {
                continue;
            }
            let name = crate::fsutil::slash_path(&dir, entry.path());
            match crate::fsutil::read_text(entry.path(), root) {
                Ok(text) => {
                    out.insert(name, (display_path(root, entry.path()), text));
                }
                Err(d) => diags.push(d),
            }
        }
    }
    diags.into_result(out)
}

fn tera_diagnostic(e: &tera::Error, files: &BTreeMap<String, PathBuf>, fallback: &Path) -> Diagnostic {
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let file = files.get(r.filename()).cloned().unwrap_or_else(|| PathBuf::from(r.filename()));
            Diagnostic::new(file, format!("template error: {}", r.message()))
                .at(r.span().start_line, Some(r.span().start_col + 1))
        }
        ErrorKind::TemplateNotFound(name) => Diagnostic::new(fallback, format!("template `{name}` not found"))
            .help("templates live in themes/<theme>/templates/ or the site's templates/"),
        ErrorKind::MissingParent { current, parent } => {
            let file = files.get(current).cloned().unwrap_or_else(|| PathBuf::from(current));
            Diagnostic::new(file, format!("extends `{parent}`, which does not exist"))
                .help("check the name in `{% extends %}` against the theme's templates")
        }
        other => {
            let mut msg = other.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            // Checks Tera runs across templates (blocks, includes) come back as text reports:
            // `error: MESSAGE` then ` --> NAME:LINE:COL`. Point at that file and line.
            if let Some(c) = REPORT_LOCATION.captures(&msg)
                && let Some(file) = files.get(&c[1])
            {
                let first = msg.lines().next().unwrap_or_default().trim_start_matches("error: ").to_string();
                let line = c[2].parse().unwrap_or(1);
                let col = c[3].parse::<usize>().unwrap_or(0) + 1;
                return Diagnostic::new(file, format!("template error: {first}")).at(line, Some(col));
            }
            Diagnostic::new(fallback, format!("template error: {msg}"))
        }
    }
}

impl Renderer {
    pub fn new(site_root: &Path, site: &Site) -> Result<Renderer, Diagnostics> {
        let theme_dir = site.config.theme_dir(site_root);
        if !theme_dir.is_dir() {
            return Err(Diagnostic::new(
                crate::config::CONFIG_FILE,
                format!("theme folder `{}` does not exist", display_path(site_root, &theme_dir).display()),
            )
            .help("set `theme:` in site.yaml to a folder below themes/")
            .into());
        }
        let sources = template_sources(site_root, &theme_dir)?;
        let files: BTreeMap<String, PathBuf> = sources.iter().map(|(n, (f, _))| (n.clone(), f.clone())).collect();

        // Parse each template alone first so every syntax error is reported, not only the first.
        let mut diags = Diagnostics::default();
        for (name, (file, text)) in &sources {
            let mut t = Tera::new();
            if let Err(e) = t.add_raw_template(name, text)
                && !matches!(e.kind(), ErrorKind::MissingParent { .. })
            {
                diags.push(tera_diagnostic(&e, &files, file));
            }
        }
        if !diags.is_empty() {
            return Err(diags.sorted());
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_str()))) {
            return Err(tera_diagnostic(&e, &files, &theme_dir).into());
        }

        Ok(Renderer { tera, files, globals: globals(site), navs: NavCache::default() })
    }

    /// Take the variables every template sees from `site` again (after a data file changed): the
    /// templates themselves are not read again.
    pub fn refresh_globals(&mut self, site: &Site) {
        self.globals = globals(site);
        self.navs.clear();
    }

    /// Add a variable every template sees: an export's `package` (what its packages add to a page).
    pub fn insert_global(&mut self, name: &'static str, value: &impl serde::Serialize) {
        self.globals.insert(name, value);
    }

    /// Whether `template` (with its parents and includes) may read any of `vars`. When Tera cannot
    /// tell, the answer is yes.
    pub fn template_reads(&self, template: &str, vars: &[&str]) -> bool {
        self.tera.get_template_variables(template).map_or(true, |used| vars.iter().any(|v| used.contains(v)))
    }

    /// Which template a page uses.
    pub fn template_for(page: &Page) -> String {
        if let Some(t) = &page.source.front.template {
            return t.clone();
        }
        if page.source.rel == "_index.md" {
            "index.html".into()
        } else if page.is_section() {
            "section.html".into()
        } else {
            "page.html".into()
        }
    }

    /// Check up front that every page's template exists, so a typo is reported at the front matter.
    pub fn check_templates(&self, site: &Site) -> Diagnostics {
        let mut diags = Diagnostics::default();
        for p in &site.pages {
            let t = Self::template_for(p);
            if !self.tera.contains_template(&t) {
                let available: Vec<&str> = self
                    .files
                    .keys()
                    .map(String::as_str)
                    .filter(|n| !n.starts_with('_') && *n != "base.html")
                    .collect();
                diags.push(
                    Diagnostic::new(&p.source.file, format!("template `{t}` not found"))
                        .at(p.source.key_line("template"), None)
                        .help(format!("available templates: {}", available.join(", "))),
                );
            }
        }
        diags
    }

    /// Render one part of a page: the page itself, or one of the extra pages of a long section list
    /// ([`list_parts`]), each with its own `../` prefix, slice of children and pager.
    pub fn render_page_part(
        &self,
        site: &Site,
        page: &Page,
        content: &str,
        extra: &[(&'static str, tera::Value)],
        part: &ListPart,
    ) -> Result<String, Diagnostic> {
        let template = Self::template_for(page);
        let root = part.root.as_str();
        let mut ctx = self.globals.clone();
        ctx.insert("root", root);
        ctx.insert("page", &PageContext::new(site, page, content));
        ctx.insert_value("nav", self.navs.nav(site, page, root));
        ctx.insert("nav_truncated", &(page.url.is_empty() && nav_truncated(site)));
        ctx.insert("breadcrumbs", &breadcrumbs(site, page, root));
        ctx.insert(
            "children",
            &page.children[part.children.clone()]
                .iter()
                .map(|&i| link(&site.pages[i], root, false))
                .collect::<Vec<_>>(),
        );
        if let Some(pager) = &part.pager {
            ctx.insert("pager", pager);
        }
        for (k, v) in extra {
            ctx.insert_value(*k, v.clone());
        }
        self.tera.render(&template, &ctx).map_err(|e| {
            let mut d = tera_diagnostic(&e, &self.files, &page.source.file);
            d.message = format!("{} (rendering {})", d.message, page.source.file.display());
            d
        })
    }
}

/// The variables every template sees: the site's settings and data, and every feature's
/// ([`crate::features::globals`]: the directory, the account types, the training lists, …).
fn globals(site: &Site) -> Context {
    let mut globals = Context::new();
    globals.insert("site", &site.config);
    globals.insert("data", &site.data.all);
    globals.insert("platforms", &site.data.platforms);
    for (k, v) in crate::features::globals(site) {
        globals.insert_value(k, v);
    }
    globals
}

/// The templates the features render with (search, 404, compare views): the renderer itself.
impl crate::feature::Templates for Renderer {
    fn has_template(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Render a page that is not a content page (search, 404, compare views) with `extra` (an object,
    /// or null) on top of the shared context.
    fn render_generated(
        &self,
        site: &Site,
        template: &str,
        root: &str,
        extra: &serde_json::Value,
    ) -> Result<String, Diagnostic> {
        let mut ctx = self.globals.clone();
        ctx.insert("root", root);
        let home = site.home();
        ctx.insert("nav", &home.map(|h| nav_from(site, h, root)).unwrap_or_default());
        if let serde_json::Value::Object(map) = extra {
            for (k, v) in map {
                ctx.insert(k.clone(), v);
            }
        }
        self.tera.render(template, &ctx).map_err(|e| tera_diagnostic(&e, &self.files, Path::new(template)))
    }
}

mod context;
mod lists;

use context::PageContext;
pub use lists::{LIST_PAGE_SIZE, ListPart, NAV_MAX, list_parts};
use lists::{NavCache, breadcrumbs, link, nav_from, nav_truncated};
