//! The pipeline's entry points, kept under their long-standing names: they are the engine's
//! ([`crate::engine`]); there is no second path.

pub use crate::emit::{generated_files, put_files, special_pages as render_special_pages};
pub use crate::engine::{Report, Timings, build, check, default_output, load_site, render_page_to, render_site};
