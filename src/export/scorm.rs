//! `policysite export scorm`: each training module and its quiz as a SCORM package (1.2 or 2004 4th
//! Edition), so the district's LMS (where staff sign in) records who completed which quiz revision.
//! The package holds the rendered site, `imsmanifest.xml` ([`super::manifest`]), the schema files
//! it names, and the SCORM runtime `assets/scorm.js`, which ships only in packages: the module page
//! loads it there (before `quiz.js`), and a web build neither has it nor names it.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use super::exporter::{Exporter, PackageKind};
use super::manifest::{ScormVersion, manifest};
use super::modules::Module;
use crate::model::Site;

/// The SCORM exporter (registered in [`super::exporters`]).
pub struct Scorm;

/// Where the runtime lands in a package, and its text (`src/export/scorm.js`).
const RUNTIME: (&str, &[u8]) = ("assets/scorm.js", include_bytes!("scorm.js"));

fn version(edition: &str) -> ScormVersion {
    ScormVersion::parse(edition).unwrap_or(ScormVersion::V12)
}

/// The schema files the manifest's `xsi:schemaLocation` names, with the files they import, at the
/// package root (ADL's conformance test suite looks for them there). Authentic copies, unchanged:
/// see `src/export/xsd/README.md` for where they come from and their license notes.
pub fn schemas(version: ScormVersion) -> &'static [(&'static str, &'static [u8])] {
    match version {
        ScormVersion::V12 => &[
            ("adlcp_rootv1p2.xsd", include_bytes!("xsd/scorm12/adlcp_rootv1p2.xsd")),
            ("ims_xml.xsd", include_bytes!("xsd/scorm12/ims_xml.xsd")),
            ("imscp_rootv1p1p2.xsd", include_bytes!("xsd/scorm12/imscp_rootv1p1p2.xsd")),
            ("imsmd_rootv1p2p1.xsd", include_bytes!("xsd/scorm12/imsmd_rootv1p2p1.xsd")),
        ],
        ScormVersion::V2004 => &[
            ("adlcp_v1p3.xsd", include_bytes!("xsd/scorm2004/adlcp_v1p3.xsd")),
            ("imscp_v1p1.xsd", include_bytes!("xsd/scorm2004/imscp_v1p1.xsd")),
            ("xml.xsd", include_bytes!("xsd/scorm2004/xml.xsd")),
        ],
    }
}

impl Exporter for Scorm {
    fn name(&self) -> &'static str {
        "scorm"
    }

    fn about(&self) -> &'static str {
        "one SCORM package (zip) per training module, for upload to an LMS (Canvas, Moodle, …)"
    }

    fn kind(&self) -> PackageKind {
        PackageKind::ZipPerModule
    }

    fn editions(&self) -> &'static [&'static str] {
        &["1.2", "2004"]
    }

    fn edition(&self, given: Option<&str>) -> Result<&'static str, String> {
        match given.map(ScormVersion::parse) {
            Some(Some(ScormVersion::V12)) => Ok("1.2"),
            Some(Some(ScormVersion::V2004)) => Ok("2004"),
            Some(None) => Err(format!(
                "`{}` is not a SCORM version; use {}",
                given.unwrap_or_default(),
                self.editions().join(" or ")
            )),
            None => Err(format!("a SCORM export needs --version; use {}", self.editions().join(" or "))),
        }
    }

    fn page_scripts(&self) -> &'static [&'static str] {
        &[RUNTIME.0]
    }

    fn file_name(&self, edition: &str, module: &Module) -> String {
        format!("{}-{}.zip", module.quiz, version(edition).slug())
    }

    fn package_files(
        &self,
        edition: &str,
        site: &Site,
        module: &Module,
        site_files: &[&str],
    ) -> Vec<(String, Vec<u8>)> {
        let version = version(edition);
        // The manifest lists every file but itself and the schemas: the site and the runtime.
        let listed: BTreeSet<&str> = site_files.iter().copied().chain([RUNTIME.0]).collect();
        let xml = manifest(version, &site.config.title, &site.config.language, module, listed.into_iter());
        let mut out =
            vec![("imsmanifest.xml".to_string(), xml.into_bytes()), (RUNTIME.0.to_string(), RUNTIME.1.to_vec())];
        out.extend(schemas(version).iter().map(|(name, bytes)| (name.to_string(), bytes.to_vec())));
        out
    }

    /// A zip whose manifest's identifier starts with `policysite-`.
    fn is_ours(&self, path: &Path) -> bool {
        let Ok(file) = std::fs::File::open(path) else { return false };
        let Ok(mut zip) = zip::ZipArchive::new(file) else { return false };
        let Ok(mut manifest) = zip.by_name("imsmanifest.xml") else { return false };
        let mut text = String::new();
        io::Read::read_to_string(&mut manifest, &mut text).is_ok()
            && text.contains("<manifest identifier=\"policysite-")
    }
}
