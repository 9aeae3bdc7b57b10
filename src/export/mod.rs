//! `policysite export FORMAT`: each training module and its quiz as a package for another system
//! (SCORM for the district's LMS, where staff sign in and which records who completed which quiz
//! revision — evidence a completion code cannot give; see README, "Completion codes and their threat
//! model").
//!
//! Every format is an [`Exporter`] registered in [`exporters`]; the pipeline here is the same for
//! all. The site is rendered through the normal pipeline and `build`'s own sink and checks
//! ([`site::render`]), so the launch page is exactly the site's module page (same templates, theme and
//! quiz script) plus the format's runtime (`package.scripts`). Every rendered file that means
//! something outside a web server goes into each package, so the module's links to the regulation,
//! the platform list and the request form keep working inside the LMS and nothing is loaded from
//! another host.

mod exporter;
mod manifest;
mod modules;
mod package;
mod scorm;
mod site;
mod write;

use std::path::{Path, PathBuf};

pub use exporter::{Exporter, PackageKind};
pub use modules::{Module, modules};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;

/// Every package format `policysite export` knows. A new format is one module and one line here.
pub fn exporters() -> &'static [&'static dyn Exporter] {
    &[&scorm::Scorm]
}

/// The registered format called `name`, or an error that lists them.
pub fn find(name: &str) -> Result<&'static dyn Exporter, String> {
    exporters().iter().copied().find(|e| e.name() == name).ok_or_else(|| {
        let known: Vec<String> = exporters().iter().map(|e| format!("`{}` ({})", e.name(), e.about())).collect();
        format!("`{name}` is not an export format; the formats are: {}", known.join(", "))
    })
}

/// What to export: the format, its edition (`--version`), where, which module, as of which date.
pub struct Request<'a> {
    pub exporter: &'static dyn Exporter,
    pub edition: Option<&'a str>,
    pub output: &'a Path,
    pub module: Option<&'a str>,
    pub today: Option<crate::date::Date>,
}

/// A package written to disk.
#[derive(Debug, Clone)]
pub struct Written {
    pub module: Module,
    pub path: PathBuf,
    pub bytes: u64,
    pub files: usize,
}

/// What a template sees as `package` while an export renders: the format and its runtime scripts.
#[derive(serde::Serialize)]
struct PackageContext {
    format: &'static str,
    edition: &'static str,
    scripts: &'static [&'static str],
}

/// Build the site and write one package per selected module into `output`: all of them or none
/// (nothing unless the whole site builds and every package can be written). With the packages
/// written, the warnings for the command to show ([`crate::features::warnings`]).
pub fn export(root: &Path, req: &Request) -> Result<(Vec<Written>, Vec<Diagnostic>), Diagnostics> {
    let exporter = req.exporter;
    let edition = exporter.edition(req.edition).map_err(|m| Diagnostics::from(Diagnostic::new("--version", m)))?;
    let output = req.output;
    crate::output::check_output_location(root, output).map_err(|m| Diagnostics::from(Diagnostic::new(output, m)))?;
    let site = crate::engine::load_site(root, crate::policy::build_date(root, req.today)?)?;
    // As build says: a package of a quiz revision not yet published carries codes no lock can verify later.
    let warnings = crate::features::warnings(&site);
    let written = packages(root, req, edition, &site).map_err(|d| d.after_warnings(&warnings))?;
    Ok((written, warnings))
}

/// Render the loaded site and write the packages of the selected modules.
fn packages(root: &Path, req: &Request, edition: &'static str, site: &Site) -> Result<Vec<Written>, Diagnostics> {
    let (exporter, output) = (req.exporter, req.output);
    let selected = modules::select(site, req.module).map_err(Diagnostics::from)?;
    let mut renderer = crate::render::Renderer::new(root, site)?;
    let package = PackageContext { format: exporter.name(), edition, scripts: exporter.page_scripts() };
    renderer.insert_global("package", &package);
    let files = site::render(root, site, &renderer, exporter)?;
    launch_pages_load_the_runtime(exporter, &selected, &files)?;
    let (written, staged) = match exporter.kind() {
        PackageKind::ZipPerModule => zips(exporter, edition, site, selected, &files, output)?,
    };
    // All or nothing: every package is made and checked before any is written, then written
    // together (src/export/write.rs); on any failure no package of this run remains.
    write::all_or_none(output, &staged).map_err(Diagnostics::from)?;
    Ok(written)
}

/// Every launch page loads the format's scripts: a theme whose `module.html` does not load
/// `package.scripts` (README, "Training in an LMS") would make packages that never talk to the LMS.
fn launch_pages_load_the_runtime(
    exporter: &dyn Exporter,
    selected: &[Module],
    files: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::default();
    for m in selected {
        let page = files.get(&m.launch).map(|b| String::from_utf8_lossy(b)).unwrap_or_default();
        for script in exporter.page_scripts() {
            if !page.contains(&format!("{script}\"")) {
                diags.push(
                    Diagnostic::new(&m.launch, format!("the module page of `{}` does not load `{script}`", m.quiz)).help(
                        "the theme's templates/module.html must load the scripts of `package.scripts` before quiz.js, as themes/default does",
                    ),
                );
            }
        }
    }
    diags.into_result(())
}

type Staged = (Vec<Written>, Vec<(PathBuf, Vec<u8>)>);

/// One zip per module, each checked against what is already in its place.
fn zips(
    exporter: &dyn Exporter,
    edition: &str,
    site: &Site,
    selected: Vec<Module>,
    files: &std::collections::BTreeMap<String, Vec<u8>>,
    output: &Path,
) -> Result<Staged, Diagnostics> {
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    let (mut written, mut staged, mut diags) = (Vec::new(), Vec::new(), Diagnostics::default());
    for m in selected {
        let own = exporter.package_files(edition, site, &m, &names);
        let (bytes, count) = match package::zip(files, &own) {
            Ok(b) => b,
            Err(e) => {
                diags.push(Diagnostic::new(output, format!("cannot make the package for `{}`: {e}", m.quiz)));
                continue;
            }
        };
        let path = output.join(exporter.file_name(edition, &m));
        if std::fs::symlink_metadata(&path).is_ok() && !exporter.is_ours(&path) {
            diags.push(
                Diagnostic::new(&path, "exists and is not a package policysite exported; it was left as it was")
                    .help("move it away, or choose another --output folder"),
            );
            continue;
        }
        written.push(Written { module: m, path: path.clone(), bytes: bytes.len() as u64, files: count });
        staged.push((path, bytes));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok((written, staged))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_finds_each_format_by_name_and_lists_them_for_an_unknown_one() {
        let names: Vec<&str> = exporters().iter().map(|e| e.name()).collect();
        assert!(names.contains(&"scorm"), "{names:?}");
        for name in &names {
            assert_eq!(find(name).map(|e| e.name()), Ok(*name));
            assert_eq!(names.iter().filter(|n| *n == name).count(), 1, "`{name}` registered twice");
        }
        let err = find("cmi5").err().unwrap_or_default();
        assert!(err.starts_with("`cmi5` is not an export format"), "{err}");
        for name in &names {
            assert!(err.contains(&format!("`{name}`")), "{err}");
        }
    }
}
