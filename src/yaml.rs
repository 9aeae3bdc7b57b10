//! The one place YAML is parsed, so every YAML problem carries file, line and column.
//!
//! We use `serde-saphyr` (pure Rust, no unsafe, budgets against hostile input) rather than the archived
//! `serde_yaml` or the unsound `serde_yml`.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diag::Diagnostic;

/// Parse `text` (which starts at line `first_line` of `file`) into `T`.
pub fn parse<T: DeserializeOwned>(text: &str, file: &Path, first_line: usize) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(text).map_err(|e| {
        let plain = e.without_snippet().to_string();
        let message = match plain.rfind(" at line ") {
            Some(i) => plain[..i].to_string(),
            None => plain,
        };
        let message = plain_words(message);
        let help = hint_for(&message);
        let mut d = Diagnostic::new(file, message);
        if let Some(loc) = e.location() {
            let line = loc.line() as usize + first_line - 1;
            d = d.at(line, Some(loc.column() as usize));
        }
        match help {
            Some(h) => d.help(h),
            None => d,
        }
    })
}

/// serde's words for number types, said the way an admin would.
fn plain_words(message: String) -> String {
    for (rust, plain) in [
        ("invalid i64", "expected a whole number"),
        ("invalid u64", "expected a whole number, 0 or more"),
        ("invalid u32", "expected a whole number, 0 or more"),
        ("invalid u16", "expected a whole number, 0 or more"),
    ] {
        if message.starts_with(rust) {
            return plain.to_string();
        }
    }
    // serde-saphyr's advice on a repeated key is for programmers ("set DuplicateKeyPolicy in Options"),
    // not for someone editing the file: the help line says what to do instead.
    let message = match message.split_once(", set DuplicateKeyPolicy") {
        Some((head, _)) => head.replace("duplicate mapping key: ", "the key `") + "` appears twice",
        None => message,
    };
    message.replace("expected i64", "expected a whole number").replace("expected u32", "expected a whole number")
}

/// What to check, for every kind of YAML problem: a type or key problem names the key's fix, anything
/// else is a syntax problem on this line or the one before.
fn hint_for(message: &str) -> Option<String> {
    Some(if message.starts_with("unknown field") {
        "this key is not recognised (a typo?); the README's authoring guide lists the keys".into()
    } else if message.starts_with("missing field") {
        "add the required key".into()
    } else if message.ends_with("` appears twice") {
        "remove one of the two entries".into()
    } else if message.starts_with("invalid type") || message.starts_with("expected") {
        "the value has the wrong type here; quote text that looks like a number or date, and write lists as `- item` lines".into()
    } else if message.starts_with("unknown variant") {
        "use one of the values listed".into()
    } else {
        "YAML syntax: check the quotes, the indentation (spaces only, the same for every key of one block) and the `key: value` shape of this line and the one before it".into()
    })
}

/// The 1-based line of `key:` at the top level of a YAML block, for errors found after parsing.
pub fn key_line(text: &str, key: &str, first_line: usize) -> Option<usize> {
    text.lines()
        .position(|l| l.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':')))
        .map(|i| i + first_line)
}
