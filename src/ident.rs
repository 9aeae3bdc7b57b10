//! One rule for every identifier an admin writes (quiz ids, question ids, platform ids, account
//! ids): the slug rule. Identifiers end up in file names (`export scorm` names packages after quiz
//! ids), in JavaScript and HTML attributes and in completion codes, so an id is one plain path
//! segment: ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most
//! [`MAX_LEN`] characters. That refuses empty ids, `..`, `/`, `\`, quotes, spaces and control
//! characters.

use crate::diag::Diagnostic;

pub const MAX_LEN: usize = 100;

/// Whether `id` follows the identifier rule.
pub fn valid(id: &str) -> bool {
    id.len() <= MAX_LEN && crate::layout::valid_slug(id)
}

/// The error for a `what` (e.g. "quiz id") that breaks the rule, at `file:line`; `None` when it is valid.
pub fn check(id: &str, what: &str, file: &std::path::Path, line: usize) -> Option<Diagnostic> {
    if valid(id) {
        return None;
    }
    let why = if id.is_empty() {
        "is empty".to_string()
    } else if id.len() > MAX_LEN {
        format!("is longer than {MAX_LEN} characters")
    } else {
        "is not a plain identifier".to_string()
    };
    Some(Diagnostic::new(file, format!("{what} {id:?} {why}")).at(line, None).help(
        "use only ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit (e.g. `public-records`); ids name files, links and completion codes, so `/`, `\\`, quotes and spaces cannot be used",
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_identifier_rule() {
        for ok in ["public-records", "q1", "a.b_c", "X"] {
            assert!(super::valid(ok), "{ok}");
        }
        for bad in ["", "../../X", "/tmp/x", "a/b", "a\"b", "a\\b", ".hidden", "-x", "a b", "é", &"x".repeat(101)] {
            assert!(!super::valid(bad), "{bad}");
        }
    }
}
