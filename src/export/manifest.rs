//! `imsmanifest.xml` for SCORM 1.2 and SCORM 2004 4th Edition: one organization with one item and
//! one SCO resource (the module page) listing every file of the package.
//!
//! The quiz revision is carried where an LMS shows or keeps it: the manifest `version`, the
//! identifiers, the titles, the SCORM 1.2 metadata (IMS MD 1.2.1 `lifecycle/version`), and the item's launch data (`adlcp:datafromlms` / `adlcp:dataFromLMS`,
//! which the SCO reads back as `cmi.launch_data`). No sequencing elements: a single SCO needs only the
//! LMS's default sequencing, and the SCO reports its own pass/fail.

use super::{Module, ScormVersion};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

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

/// The manifest of `module`'s package, listing `files` (the rendered site, sorted).
pub fn manifest<'a>(
    version: ScormVersion,
    site_title: &str,
    language: &str,
    module: &Module,
    files: impl Iterator<Item = &'a str>,
) -> String {
    // Stable across revisions (README, "Replacing a package with the next revision"): an LMS such as
    // Moodle keeps learners' tracking data only for items whose identifier is unchanged.
    let id = ncname(&module.quiz);
    // The SCO's edition, so scorm.js uses this edition's API first (item `parameters`, which the LMS
    // appends to the launch URL).
    let edition = match version {
        ScormVersion::V12 => "?scorm=1.2",
        ScormVersion::V2004 => "?scorm=2004",
    };
    let title = esc(&clip(&format!("{} (revision {})", module.title, module.revision)));
    let org_title = esc(&clip(&format!("{site_title}: {} (revision {})", module.title, module.revision)));
    let launch_data = esc(&format!("quiz={}&revision={}", module.quiz, module.revision));
    let file_list: String = files.map(|f| format!("      <file href=\"{}\"/>\n", esc(&href(f)))).collect();
    let launch = esc(&href(&module.launch));
    let rev = module.revision;
    let lang = esc(language);
    let quiz = esc(&module.quiz);
    match version {
        ScormVersion::V12 => format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{id}" version="{rev}"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
    <imsmd:lom>
      <imsmd:general>
        <imsmd:identifier>{id}</imsmd:identifier>
        <imsmd:title><imsmd:langstring xml:lang="{lang}">{title}</imsmd:langstring></imsmd:title>
        <imsmd:description><imsmd:langstring xml:lang="{lang}">Training module and quiz {quiz}, revision {rev}. A learner passes by answering every question correctly.</imsmd:langstring></imsmd:description>
      </imsmd:general>
      <imsmd:lifecycle>
        <imsmd:version><imsmd:langstring xml:lang="{lang}">{rev}</imsmd:langstring></imsmd:version>
      </imsmd:lifecycle>
    </imsmd:lom>
  </metadata>
  <organizations default="{id}-org">
    <organization identifier="{id}-org">
      <title>{org_title}</title>
      <item identifier="{id}-item" identifierref="{id}-sco" isvisible="true" parameters="{edition}">
        <title>{title}</title>
        <adlcp:datafromlms>{launch_data}</adlcp:datafromlms>
        <adlcp:masteryscore>100</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="{id}-sco" type="webcontent" adlcp:scormtype="sco" href="{launch}">
{file_list}    </resource>
  </resources>
</manifest>
"#
        ),
        ScormVersion::V2004 => format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{id}" version="{rev}"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="{id}-org">
    <organization identifier="{id}-org">
      <title>{org_title}</title>
      <item identifier="{id}-item" identifierref="{id}-sco" parameters="{edition}">
        <title>{title}</title>
        <adlcp:dataFromLMS>{launch_data}</adlcp:dataFromLMS>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="{id}-sco" type="webcontent" adlcp:scormType="sco" href="{launch}">
{file_list}    </resource>
  </resources>
</manifest>
"#
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_and_ids_are_escaped() {
        assert_eq!(href("a b/c&d.html"), "a%20b/c%26d.html");
        assert_eq!(ncname("q:1 r2"), "policysite-q-1-r2");
        assert_eq!(esc("a&<\""), "a&amp;&lt;&quot;");
        assert_eq!(clip(&"x".repeat(300)).chars().count(), 200);
    }
}
