//! The zip container: deterministic (entries sorted by path, fixed 1980-01-01 timestamps, fixed
//! permissions and host system), so exporting twice gives byte-identical packages and a package's
//! checksum only changes when its content does.

use std::collections::BTreeMap;
use std::io::{self, Cursor, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::ScormVersion;

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

/// The package's bytes: `imsmanifest.xml` and the schema files at the root beside the rendered site.
pub fn zip(
    manifest: &str,
    files: &BTreeMap<String, Vec<u8>>,
    schemas: &[(&str, &[u8])],
) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .system(System::Unix);
    let mut entries: BTreeMap<&str, &[u8]> = files.iter().map(|(k, v)| (k.as_str(), v.as_slice())).collect();
    entries.insert("imsmanifest.xml", manifest.as_bytes());
    for (name, bytes) in schemas {
        entries.insert(name, bytes);
    }
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(name, options)?;
        w.write_all(bytes)?;
    }
    Ok(w.finish()?.into_inner())
}

/// Whether `path` is a package an earlier export wrote (a zip whose manifest's identifier starts
/// with `policysite-`), and so may be replaced.
pub fn is_ours(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else { return false };
    let Ok(mut zip) = zip::ZipArchive::new(file) else { return false };
    let Ok(mut manifest) = zip.by_name("imsmanifest.xml") else { return false };
    let mut text = String::new();
    io::Read::read_to_string(&mut manifest, &mut text).is_ok() && text.contains("<manifest identifier=\"policysite-")
}
