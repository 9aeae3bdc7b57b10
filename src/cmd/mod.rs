//! One module per command, each a thin layer over the library.

pub mod build;
pub mod check;
pub mod request;
pub mod serve;
pub mod verify;

use crate::diag::Diagnostics;

/// Print every diagnostic to stderr.
pub fn report(diags: &Diagnostics) {
    eprintln!("{diags}");
}
