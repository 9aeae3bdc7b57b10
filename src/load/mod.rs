//! Stage 1, **load**: read the site's source files from disk and parse them, reporting every problem
//! with its file and line. Nothing here knows about URLs or HTML.

pub mod content;
pub mod data;
pub mod directory;
pub mod frontmatter;
pub mod platforms;

use std::path::Path;

use crate::diag::{Diagnostic, display_path};

/// The one rule for every file the build reads from the site: a symbolic link (the file or a folder
/// on its way) that leads out of the site folder is refused with its path, so a build never publishes
/// what lies elsewhere on the machine (a home folder, /etc). Links that stay inside are followed.
/// Themes (`themes/`) are shared code and may be linked from elsewhere (examples/revised-site does).
pub fn check_inside(path: &Path, root: &Path) -> Result<(), Diagnostic> {
    if path.starts_with(root.join("themes")) {
        return Ok(());
    }
    let Ok(real) = path.canonicalize() else { return Ok(()) }; // a missing file is reported when read
    let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if real.starts_with(&inside) {
        return Ok(());
    }
    Err(Diagnostic::new(display_path(root, path), format!("is a link to {}, outside the site folder", real.display()))
        .help("copy the file into the site folder instead of linking to it, or remove the link"))
}

/// Read a whole file as UTF-8, with errors that name the file and say what to do. A link out of the
/// site folder is refused ([`check_inside`]).
pub fn read_text(path: &Path, root: &Path) -> Result<String, Diagnostic> {
    let shown = display_path(root, path);
    check_inside(path, root)?;
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(&shown, format!("cannot read file: {e}")).help("check that the file exists and is readable")
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = &e.as_bytes()[..offset];
        let text = String::from_utf8_lossy(valid);
        let (line, col) = crate::diag::line_col(&text, offset);
        Diagnostic::new(&shown, "file is not valid UTF-8")
            .at(line, Some(col))
            .help("save the file as UTF-8 (most editors: \"Save with encoding\")")
    })
}

/// `path` below `base` as a `/`-separated string (`regulation/6973-1r.md`), the form used for
/// content paths, template names and output paths on every platform.
pub fn slash_path(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
