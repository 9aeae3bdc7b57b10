//! Stage 1, **load**: read the site's source files from disk and parse them, reporting every problem
//! with its file and line. Nothing here knows about URLs or HTML.

pub mod content;
pub mod data;
pub mod directory;
pub mod frontmatter;
pub mod platforms;

use std::path::Path;

use crate::diag::{Diagnostic, display_path};

/// Read a whole file as UTF-8, with errors that name the file and say what to do.
pub fn read_text(path: &Path, root: &Path) -> Result<String, Diagnostic> {
    let shown = display_path(root, path);
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
