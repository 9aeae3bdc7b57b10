//! `imsmanifest.xml` for SCORM 1.2 and SCORM 2004 4th Edition: one organization with one item and
//! one SCO resource (the module page) listing every file of the package.
//!
//! The quiz revision is carried where an LMS shows or keeps it: the manifest `version`, the
//! identifiers, the titles, the SCORM 1.2 metadata (IMS MD 1.2.1 `lifecycle/version`), and the item's launch data (`adlcp:datafromlms` / `adlcp:dataFromLMS`,
//! which the SCO reads back as `cmi.launch_data`). No sequencing elements: a single SCO needs only the
//! LMS's default sequencing, and the SCO reports its own pass/fail.

use super::modules::Module;

/// A file path as an `href` (xsd:anyURI): unreserved characters and `/` kept, the rest percent-encoded.
fn href(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// SCORM 1.2 titles are at most 200 characters (imscp_rootv1p1p2.xsd).
fn clip(s: &str) -> String {
    if s.chars().count() <= 200 { s.to_string() } else { s.chars().take(199).chain(['…']).collect() }
}

/// An xsd:ID (NCName): letters, digits, `-`, `_`, `.`; starts with a letter.
fn ncname(s: &str) -> String {
    let body: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '-' }).collect();
    format!("policysite-{body}")
}

/// The two SCORM editions LMSs import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScormVersion {
    /// SCORM 1.2 (Canvas, Moodle and nearly every LMS).
    V12,
    /// SCORM 2004 4th Edition.
    V2004,
}

impl ScormVersion {
    pub fn parse(s: &str) -> Option<ScormVersion> {
        match s {
            "1.2" | "12" => Some(ScormVersion::V12),
            "2004" | "2004-4" => Some(ScormVersion::V2004),
            _ => None,
        }
    }

    /// Used in package file names: `scorm12`, `scorm2004`.
    pub fn slug(self) -> &'static str {
        match self {
            ScormVersion::V12 => "scorm12",
            ScormVersion::V2004 => "scorm2004",
        }
    }
}

/// The names `module`'s manifest gives its parts.
struct Names {
    id: String,
    rev: String,
    title: String,
    org_title: String,
}

/// The manifest of `module`'s package, listing `files` (every file of the package but the manifest
/// and the schemas, sorted).
pub fn manifest<'a>(
    version: ScormVersion,
    site_title: &str,
    language: &str,
    module: &Module,
    files: impl Iterator<Item = &'a str>,
) -> String {
    let n = Names {
        // Stable across revisions (README, "Replacing a package with the next revision"): an LMS such
        // as Moodle keeps learners' tracking data only for items whose identifier is unchanged.
        id: ncname(&module.quiz),
        rev: module.revision.to_string(),
        title: clip(&format!("{} (revision {})", module.title, module.revision)),
        org_title: clip(&format!("{site_title}: {} (revision {})", module.title, module.revision)),
    };
    let v12 = matches!(version, ScormVersion::V12);
    let mut x = crate::xml::Doc::new("UTF-8");
    let mut root: Vec<(&str, &str)> = vec![("identifier", &n.id), ("version", &n.rev)];
    root.extend(namespaces(v12));
    x.open("manifest", &root).ws("\n  ").open("metadata", &[]).ws("\n    ");
    x.leaf("schema", &[], "ADL SCORM").ws("\n    ");
    x.leaf("schemaversion", &[], if v12 { "1.2" } else { "2004 4th Edition" }).ws("\n  ");
    if v12 {
        lom(&mut x, language, module, &n);
    }
    x.close("metadata").ws("\n  ");
    organizations(&mut x, v12, module, &n);
    resources(&mut x, v12, module, &n, files);
    x.close("manifest").ws("\n");
    x.finish()
}

/// The root element's namespaces and schema locations.
fn namespaces(v12: bool) -> Vec<(&'static str, &'static str)> {
    if v12 {
        vec![
            ("xmlns", "http://www.imsproject.org/xsd/imscp_rootv1p1p2"),
            ("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_rootv1p2"),
            ("xmlns:imsmd", "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd",
            ),
        ]
    } else {
        vec![
            ("xmlns", "http://www.imsglobal.org/xsd/imscp_v1p1"),
            ("xmlns:adlcp", "http://www.adlnet.org/xsd/adlcp_v1p3"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd",
            ),
        ]
    }
}

/// SCORM 1.2's IMS MD 1.2.1 metadata: identifier, title, description and the revision as version.
fn lom(x: &mut crate::xml::Doc, language: &str, module: &Module, n: &Names) {
    let lang = [("xml:lang", language)];
    let description = format!(
        "Training module and quiz {}, revision {}. A learner passes by answering every question correctly.",
        module.quiz, n.rev
    );
    x.ws("  ").open("imsmd:lom", &[]).ws("\n      ").open("imsmd:general", &[]).ws("\n        ");
    x.leaf("imsmd:identifier", &[], &n.id).ws("\n        ");
    x.open("imsmd:title", &[]).leaf("imsmd:langstring", &lang, &n.title).close("imsmd:title").ws("\n        ");
    x.open("imsmd:description", &[]).leaf("imsmd:langstring", &lang, &description).close("imsmd:description");
    x.ws("\n      ").close("imsmd:general").ws("\n      ").open("imsmd:lifecycle", &[]).ws("\n        ");
    x.open("imsmd:version", &[]).leaf("imsmd:langstring", &lang, &n.rev).close("imsmd:version");
    x.ws("\n      ").close("imsmd:lifecycle").ws("\n    ").close("imsmd:lom").ws("\n  ");
}

/// One organization with one item: the SCO, its edition and its launch data.
fn organizations(x: &mut crate::xml::Doc, v12: bool, module: &Module, n: &Names) {
    let (org, item, sco) = (format!("{}-org", n.id), format!("{}-item", n.id), format!("{}-sco", n.id));
    // The SCO's edition, so scorm.js uses this edition's API first (item `parameters`, which the LMS
    // appends to the launch URL).
    let edition = if v12 { "?scorm=1.2" } else { "?scorm=2004" };
    let launch_data = format!("quiz={}&revision={}", module.quiz, module.revision);
    x.open("organizations", &[("default", &org)]).ws("\n    ");
    x.open("organization", &[("identifier", &org)]).ws("\n      ");
    x.leaf("title", &[], &n.org_title).ws("\n      ");
    let mut item_attrs = vec![("identifier", item.as_str()), ("identifierref", sco.as_str())];
    if v12 {
        item_attrs.push(("isvisible", "true"));
    }
    item_attrs.push(("parameters", edition));
    x.open("item", &item_attrs).ws("\n        ");
    x.leaf("title", &[], &n.title).ws("\n        ");
    if v12 {
        x.leaf("adlcp:datafromlms", &[], &launch_data).ws("\n        ");
        x.leaf("adlcp:masteryscore", &[], "100").ws("\n      ");
    } else {
        x.leaf("adlcp:dataFromLMS", &[], &launch_data).ws("\n      ");
    }
    x.close("item").ws("\n    ").close("organization").ws("\n  ").close("organizations").ws("\n  ");
}

/// The SCO resource (the module page) listing every file of the package.
fn resources<'a>(x: &mut crate::xml::Doc, v12: bool, module: &Module, n: &Names, files: impl Iterator<Item = &'a str>) {
    let sco = format!("{}-sco", n.id);
    let launch = href(&module.launch);
    x.open("resources", &[]).ws("\n    ");
    let scorm_type = if v12 { "adlcp:scormtype" } else { "adlcp:scormType" };
    x.open("resource", &[("identifier", &sco), ("type", "webcontent"), (scorm_type, "sco"), ("href", &launch)]);
    x.ws("\n");
    for f in files {
        x.ws("      ").empty("file", &[("href", &href(f))]).ws("\n");
    }
    x.ws("    ").close("resource").ws("\n  ").close("resources").ws("\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_and_ids_are_escaped() {
        assert_eq!(href("a b/c&d.html"), "a%20b/c%26d.html");
        assert_eq!(ncname("q:1 r2"), "policysite-q-1-r2");
        assert_eq!(clip(&"x".repeat(300)).chars().count(), 200);
    }
}
