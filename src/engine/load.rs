//! Loading for every command that renders: the sources first ([`load_sources`]), then the model
//! built and checked from them ([`model`]). `build` works out its memo keys between the two, so a
//! build that keeps its search index makes no search sections ([`super::memo`]).

use std::path::Path;

use crate::config::SiteConfig;
use crate::date::Date;
use crate::diag::Diagnostics;
use crate::load::content::Bodies;
use crate::load::noted::{Read, ReadBefore};
use crate::model::{Reading, Site};

/// Load every source and build the model, collecting the problems of all files together.
/// `today` decides which policy revisions are current and which upcoming ([`crate::policy::build_date`]).
/// Every feature loads its own sources beside the content, changes the pages before the model is
/// built, and checks the model ([`crate::features`]).
pub fn load_site(root: &Path, today: Date) -> Result<Site, Diagnostics> {
    model(root, load_sources(root, today, Bodies::Kept, None)?, Reading::Full)
}

/// The sources as read, before the model: what [`load_site`] builds it from, and what `build` works
/// out its memo keys from first ([`memo::Keys`]).
pub struct Sources {
    config: SiteConfig,
    data: crate::load::data::Data,
    pub pages: Vec<crate::load::content::SourcePage>,
    /// Content paths that did not load (links to them are not reported again).
    failed_pages: Vec<String>,
    features: crate::model::FeatureData,
    /// Features whose sources did not load (their checks are skipped).
    failed_features: Vec<&'static str>,
    /// Problems found so far; the model goes on, so its own are reported in the same run.
    diags: Diagnostics,
    /// How each page was loaded, when loading was given what the build before read
    /// ([`crate::load::content::Loaded::reads`]), for the build to note.
    pub reads: Vec<(String, Read)>,
}

/// Read every source: settings, content, data and what the features load (they change the pages
/// here: a policy page takes its revision's text). `bodies`: whether the pages' bodies are kept for
/// the model's first pass, or only hashed (a build that will take most pages from its notes);
/// `before`: what the build before read of each page's file, to take where the file is unchanged
/// ([`crate::load::content::load_all`]).
pub fn load_sources(
    root: &Path,
    today: Date,
    bodies: Bodies,
    before: Option<&dyn ReadBefore>,
) -> Result<Sources, Diagnostics> {
    let config = SiteConfig::load(root)?;
    let (content, (data, (mut features, feature_diags, failed_features))) = rayon::join(
        || crate::load::content::load_all(root, bodies, before),
        || rayon::join(|| crate::load::data::load(root), || crate::features::load(root)),
    );
    let mut diags = content.diagnostics;
    let data = data.map_err(|d| diags.extend(d)).ok();
    diags.extend(feature_diags);
    let Some(data) = data else {
        return Err(diags.sorted());
    };
    let pages = crate::features::prepare(root, today, content.pages, &mut features, &mut diags);
    Ok(Sources {
        config,
        data,
        pages,
        failed_pages: content.failed,
        features,
        failed_features,
        diags,
        reads: content.reads,
    })
}

/// Build the model from `sources` and check it; `reading` says whether the first pass makes search
/// sections, and which pages' outlines a build before noted ([`Reading`]).
pub fn model(root: &Path, sources: Sources, reading: Reading<'_>) -> Result<Site, Diagnostics> {
    let Sources { config, data, pages, failed_pages, features, failed_features, mut diags, reads: _ } = sources;
    // Go on to the model even if some pages failed to load, so their neighbours' problems are
    // reported in the same run.
    let reserved = crate::emit::reserved_paths();
    let mut site = match Site::new(root, config, data, pages, &failed_pages, features, &reserved, reading) {
        Ok(s) => s,
        Err(d) => {
            diags.extend(d);
            return Err(diags.sorted());
        }
    };
    diags.extend(crate::emit::static_collisions(root, &site));
    diags.extend(crate::emit::static_links(root, &site));
    diags.extend(crate::features::check(root, &mut site, &failed_features));
    // A load that fails after the checks still shows the checks' warnings, before its errors.
    if !diags.is_empty() {
        return Err(diags.after_warnings(&crate::features::warnings_split(&site).0));
    }
    Ok(site)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page edited after a build loaded only its hash, before the first pass read it again, fails
    /// the build with its own error alone: the pages that link to its headings are not reported as
    /// linking to missing anchors as well.
    #[test]
    fn a_page_edited_after_loading_its_hash_fails_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let link = "See [the rules](@/a.md#rules).\n";
        crate::engine::test_site(
            root,
            &[
                ("_index.md", "---\ntitle: Home\n---\n"),
                ("a.md", "---\ntitle: A\n---\n## Rules\n\nText.\n"),
                ("b.md", &format!("---\ntitle: B\n---\n{link}")),
                ("c.md", &format!("---\ntitle: C\n---\n{link}")),
            ],
        );
        let a = root.join("content/a.md");
        let today = Date::parse("2026-12-06").expect("date");
        // Every body read in the first pass.
        let kept = load_sources(root, today, Bodies::Kept, None).unwrap_or_else(|d| panic!("{d:?}"));
        model(root, kept, Reading::Full).unwrap_or_else(|d| panic!("{d:?}"));
        let sources = load_sources(root, today, Bodies::Hashed, None).unwrap_or_else(|d| panic!("{d:?}"));
        std::fs::write(&a, "---\ntitle: A\n---\n## Rulez\n\nText.\n").expect("edit a, the same length");
        let Err(problems) = model(root, sources, Reading::Full) else { panic!("built from a page edited meanwhile") };
        assert_eq!(problems.0.len(), 1, "{problems:?}");
        assert!(problems.0[0].message.contains("changed while the site was being built"), "{problems:?}");
        assert!(problems.0[0].file.ends_with("content/a.md"), "{problems:?}");
    }
}
