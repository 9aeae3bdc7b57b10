//! The site an export packages, rendered the way `build` renders it: through `build`'s own sink (a
//! [`Staging`] folder, here in a private temporary folder), so the same checks hold (a path that could
//! leave the output or hide its manifest, a file two sources make, a planted link) and a site `build`
//! refuses is refused here too. Which files go into a package is the exporter's rule over each
//! file's [`Reach`], declared by the code that makes it.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use super::exporter::Exporter;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::output::{BeginError, Contention, Reach, Sink, Staging};
use crate::render::Renderer;

/// The staging sink, with where each file it took means something.
struct Recorded<'a> {
    staging: &'a Staging,
    reach: Mutex<BTreeMap<String, Reach>>,
}

impl Sink for Recorded<'_> {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.put_for(rel, bytes, Reach::Anywhere)
    }

    fn put_for(&self, rel: &str, bytes: &[u8], reach: Reach) -> io::Result<()> {
        self.staging.put(rel, bytes)?;
        self.reach.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string(), reach);
        Ok(())
    }

    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        self.staging.previous(rel)
    }
}

/// A problem with the temporary folder the site is rendered into (nothing was exported).
fn cannot(at: &Path, what: &str, e: impl std::fmt::Display) -> Diagnostics {
    Diagnostics::from(
        Diagnostic::new(at, format!("cannot {what}: {e}"))
            .help("check that the temporary folder (TMPDIR) is writable and has free space, then export again"),
    )
}

/// Render `site` as `build` does and return the files `exporter` takes, by output path (sorted, so
/// packages are deterministic).
pub fn render(
    root: &Path,
    site: &Site,
    renderer: &Renderer,
    exporter: &dyn Exporter,
) -> Result<BTreeMap<String, Vec<u8>>, Diagnostics> {
    let dir = tempfile::Builder::new()
        .prefix("policysite-export-")
        .tempdir()
        .map_err(|e| cannot(&std::env::temp_dir(), "create a folder to render the site in", e))?;
    let out = dir.path().join("site");
    let _lock = crate::output::prepare(root, &out, "export", Contention::Refuse)
        .map_err(|r| cannot(&out, "render the site", r.join("; ")))?;
    let staging = Staging::begin(&out).map_err(|e| match e {
        BeginError::Refused(reasons) => cannot(&out, "render the site", reasons.join("; ")),
        BeginError::Io(e) => cannot(&out, "create the staging folder", e),
    })?;
    let sink = Recorded { staging: &staging, reach: Mutex::default() };
    let rendered = crate::engine::render_site(root, site, renderer, &sink, None, None);
    let reach = sink.reach.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Err(d) = rendered {
        staging.abort();
        return Err(d);
    }
    staging.commit().map_err(|e| cannot(&out, "finish rendering the site", e))?;
    let mut files = BTreeMap::new();
    for (rel, _) in reach.into_iter().filter(|(_, r)| exporter.takes(*r)) {
        let bytes =
            std::fs::read(out.join(&rel)).map_err(|e| cannot(&out.join(&rel), "read the rendered file back", e))?;
        files.insert(rel, bytes);
    }
    Ok(files)
}
