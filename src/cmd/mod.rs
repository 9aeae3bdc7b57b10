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

use crate::date::Date;
use crate::diag::Diagnostics;

/// clap value parser for `--today` and other dates.
pub fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

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
