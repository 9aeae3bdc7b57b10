//! JSON Schemas (draft 2020-12) for every file an admin edits, generated from the Rust types the build
//! deserializes into, so a schema cannot drift from what the build accepts: `deny_unknown_fields`
//! becomes `additionalProperties: false`, doc comments become descriptions, `#[serde(default)]` keys
//! are optional. Editors using the YAML language server validate as you type once a file names its
//! schema on its first line (`# yaml-language-server: $schema=schemas/site.schema.json`).

use std::path::Path;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

/// The folder the bundled site (and every `policysite new` site) keeps its schemas in.
pub use crate::layout::SCHEMA_DIR;

/// One schema: the file it is written to, which files it describes, and the schema itself.
pub struct SchemaFile {
    pub file_name: &'static str,
    /// Which site files it describes, said when `policysite schema` writes it.
    pub describes: &'static str,
    pub schema: Value,
}

fn generate<T: JsonSchema>(file_name: &'static str, describes: &'static str, title: &str) -> SchemaFile {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    drop_nonstandard_formats(&mut schema);
    if let Value::Object(map) = &mut schema {
        map.insert("title".into(), Value::String(title.to_string()));
    }
    SchemaFile { file_name, describes, schema }
}

/// schemars marks Rust integer widths as `format: uint32` and the like. Those are not JSON Schema
/// formats: strict validators (ajv) refuse them and editors ignore them, and `minimum: 0` already says
/// what matters. Standard formats such as `date` stay.
fn drop_nonstandard_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let nonstandard = map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| f.starts_with("int") || f.starts_with("uint") || f == "float" || f == "double");
            if nonstandard {
                map.remove("format");
            }
            map.values_mut().for_each(drop_nonstandard_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nonstandard_formats),
        _ => {}
    }
}

/// Every schema, in a fixed order.
pub fn all() -> Vec<SchemaFile> {
    vec![
        generate::<crate::config::SiteConfig>("site.schema.json", "site.yaml", "policysite site.yaml"),
        generate::<crate::load::frontmatter::FrontMatter>(
            "front-matter.schema.json",
            "content/**/*.md (the YAML between the --- lines)",
            "policysite page front matter",
        ),
        generate::<crate::policy::revisions::RevisionFront>(
            "revision.schema.json",
            "content/<page>/YYYY-MM-DD.md (a policy revision file's front matter)",
            "policysite policy revision",
        ),
        generate::<crate::quiz::QuizFile>("quiz.schema.json", "quizzes/*.yaml", "policysite quiz"),
        generate::<crate::load::data::Platforms>(
            "platforms.schema.json",
            "data/platforms.yaml",
            "policysite platform list",
        ),
        generate::<crate::request::directory::Directory>(
            "directory.schema.json",
            "data/directory.yaml",
            "policysite directory of official accounts",
        ),
        generate::<crate::request::schema::Request>(
            "account-request.schema.json",
            "account request files (policysite/account-request, version 1)",
            "policysite account request",
        ),
        generate::<crate::request::schema::Renewal>(
            "training-renewal.schema.json",
            "training renewal files for `policysite request renew` (policysite/training-renewal, version 1)",
            "policysite training renewal",
        ),
    ]
}

/// The text written for a schema: pretty JSON with a final newline, so the committed files diff well.
pub fn to_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Write every schema into `dir` (created if missing); returns the paths written.
pub fn write_all(dir: &Path) -> std::io::Result<Vec<(std::path::PathBuf, &'static str)>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let schemas = all();
    // Check every file first: replace only schemas an earlier run wrote, and then all of them.
    for s in &schemas {
        let path = dir.join(s.file_name);
        if path.exists() && !is_ours(&path) {
            return Err(std::io::Error::other(format!(
                "`{}` exists and is not a schema policysite wrote; nothing was written",
                path.display()
            )));
        }
    }
    for s in schemas {
        let path = dir.join(s.file_name);
        crate::fsutil::write_atomic(&path, to_text(&s.schema).as_bytes())?;
        written.push((path, s.describes));
    }
    Ok(written)
}

/// Whether `path` holds a schema this command wrote (JSON with `$schema` and a `policysite …` title).
fn is_ours(path: &Path) -> bool {
    std::fs::read(path).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok()).is_some_and(|v| {
        v.get("$schema").is_some()
            && v.get("title").and_then(|t| t.as_str()).is_some_and(|t| t.starts_with("policysite "))
    })
}
