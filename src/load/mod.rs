//! Stage 1, **load**: read the site's source files from disk and parse them, reporting every problem
//! with its file and line. Nothing here knows about URLs or HTML.

pub mod content;
pub mod data;
pub mod directory;
pub mod frontmatter;
pub mod noted;
pub mod platforms;
pub mod walk;

/// Reading site files moved to the ground floor ([`crate::fsutil`]); these paths stay for callers
/// written before the move.
pub use crate::fsutil::{check_inside, read_text, slash_path};
