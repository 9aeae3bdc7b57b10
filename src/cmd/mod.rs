//! One module per command, each a thin layer over the library.

pub mod build;
pub mod check;
pub mod export;
pub mod new;
pub mod publish;
pub mod request;
pub mod revise;
pub mod schema;
pub mod serve;
pub mod verify;

use crate::diag::Diagnostics;

/// clap value parser for `--today` and other dates (on the ground floor, [`crate::date`], so the
/// library's own argument groups use it without importing the commands).
pub use crate::date::parse_arg as parse_date;

/// Print every diagnostic to stderr.
pub fn report(diags: &Diagnostics) {
    eprintln!("{diags}");
}

/// Print warnings and notes to stderr, one after the other (the command goes on).
pub fn show(diags: &[crate::diag::Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}
