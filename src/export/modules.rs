//! The training modules an export packages: a page with `quiz:` whose quiz exists, and the choice
//! `--module` makes among them.

use crate::diag::Diagnostic;
use crate::model::Site;

/// One training module to package: its quiz and its page.
#[derive(Debug, Clone)]
pub struct Module {
    pub quiz: String,
    pub title: String,
    pub revision: u32,
    /// The launch file inside the package (the module page), e.g. `training/public-records/index.html`.
    pub launch: String,
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
pub fn select(site: &Site, wanted: Option<&str>) -> Result<Vec<Module>, Diagnostic> {
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
