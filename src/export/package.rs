//! The zip container: deterministic (entries sorted by path, fixed 1980-01-01 timestamps, fixed
//! permissions and host system), so exporting twice gives byte-identical packages and a package's
//! checksum only changes when its content does.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

/// The package's bytes and its number of files: the rendered site's `files`, with the format's
/// `own` files (manifest, schemas, runtime) beside them; an own file replaces a rendered one of the
/// same path.
pub fn zip(files: &BTreeMap<String, Vec<u8>>, own: &[(String, Vec<u8>)]) -> zip::result::ZipResult<(Vec<u8>, usize)> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .system(System::Unix);
    let mut entries: BTreeMap<&str, &[u8]> = files.iter().map(|(k, v)| (k.as_str(), v.as_slice())).collect();
    for (name, bytes) in own {
        entries.insert(name, bytes);
    }
    let count = entries.len();
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(name, options)?;
        w.write_all(bytes)?;
    }
    Ok((w.finish()?.into_inner(), count))
}
