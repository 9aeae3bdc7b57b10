//! The one place YAML is parsed, so every YAML problem carries file, line and column.
//!
//! We use `serde-saphyr` (pure Rust, no unsafe, budgets against hostile input) rather than the archived
//! `serde_yaml` or the unsound `serde_yml`.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Diagnostics};

/// Parse `text` (which starts at line `first_line` of `file`) into `T`.
pub fn parse<T: DeserializeOwned>(text: &str, file: &Path, first_line: usize) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(text).map_err(|e| diagnostic(&e, file, first_line))
}

/// Parse a whole file like [`parse`], but report every unknown key, not only the first, each with
/// the nearest known key ("did you mean `district`?"): after an unknown key the parse goes on
/// without it (its line and the block below it are blanked, so line numbers stay). The first
/// problem of another kind ends the search.
pub fn parse_all<T: DeserializeOwned>(text: &str, file: &Path) -> Result<T, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut lines: Vec<String> = text.split('\n').map(String::from).collect();
    // Each round removes one key; a file has only so many lines.
    for _ in 0..=lines.len() {
        let current = lines.join("\n");
        let e = match serde_saphyr::from_str::<T>(&current) {
            Ok(v) if diags.is_empty() => return Ok(v),
            Ok(_) => return Err(diags),
            Err(e) => e,
        };
        let d = diagnostic(&e, file, 1);
        // "unknown field `distrct`, expected one of title, district, …"
        let unknown = d.message.strip_prefix("unknown field `").and_then(|r| r.split_once('`')).map(|(k, rest)| {
            let expected: Vec<&str> = rest
                .split_once("expected ")
                .map(|(_, list)| list.trim_start_matches("one of ").split(", ").map(|k| k.trim_matches('`')).collect())
                .unwrap_or_default();
            (k.to_string(), nearest(k, &expected).map(str::to_string))
        });
        let (Some((key, near)), Some(loc)) = (unknown, e.location()) else {
            // After a key was taken out, another problem may be its consequence (a required key
            // misspelt is now missing, a block emptied): the next run, with the keys fixed, says.
            if diags.is_empty() {
                diags.push(d);
            }
            return Err(diags);
        };
        let d = match near {
            Some(n) => d.help(format!("did you mean `{n}`? (keys are listed in the README's authoring guide)")),
            None => d,
        };
        diags.push(d);
        // Blank the key's line and the more indented block under it, then parse again.
        let row = (loc.line() as usize).saturating_sub(1);
        let Some(line) = lines.get(row) else { return Err(diags) };
        let indent = line.len() - line.trim_start().len();
        if !line.trim_start().starts_with(key.as_str()) {
            // A key after `- ` or in a flow mapping: removing it would change the structure.
            return Err(diags);
        }
        lines[row].clear();
        for l in lines.iter_mut().skip(row + 1) {
            let t = l.trim_start();
            if t.is_empty() || t.starts_with('#') || l.len() - t.len() > indent {
                l.clear();
            } else {
                break;
            }
        }
    }
    Err(diags)
}

/// The known key nearest to a mistyped one, when it is near enough to be a typo.
fn nearest<'a>(typed: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(typed, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

fn diagnostic(e: &serde_saphyr::Error, file: &Path, first_line: usize) -> Diagnostic {
    {
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
    }
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
    Some(if message.starts_with("unexpected character") && message.contains("\\u{") {
        "a control character (often pasted from a word processor or PDF) cannot be in a YAML file; delete it".into()
    } else if message.starts_with("unknown field") {
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
