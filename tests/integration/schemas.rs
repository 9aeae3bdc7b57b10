//! The committed `schemas/` folder is what `policysite schema` writes today, and the bundled files
//! point editors at it. (Validation of files against the schemas, with an independent validator, is in
//! tests/browser/schemas.test.mjs.)
use crate::common;

use std::path::Path;
use std::process::Command;

use common::REPO;

const HOW: &str = "regenerate with `cargo run -- schema` (or `POLICYSITE_UPDATE_SCHEMAS=1 cargo test --test integration schemas::`) and commit schemas/";

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn committed_schemas_are_up_to_date() {
    let fresh = tempfile::tempdir().expect("tempdir");
    let o = Command::new(env!("CARGO_BIN_EXE_policysite"))
        .args(["schema", "--output"])
        .arg(fresh.path())
        .output()
        .expect("run policysite schema");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let committed = Path::new(REPO).join("schemas");
    if std::env::var_os("POLICYSITE_UPDATE_SCHEMAS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).expect("mkdir schemas");
        for n in names(fresh.path()) {
            std::fs::copy(fresh.path().join(&n), committed.join(&n)).expect("copy schema");
        }
    }
    assert_eq!(
        names(&committed),
        names(fresh.path()),
        "schemas/ holds other files than `policysite schema` writes; {HOW}"
    );
    for n in names(fresh.path()) {
        let want = std::fs::read_to_string(fresh.path().join(&n)).expect("read fresh");
        let have = std::fs::read_to_string(committed.join(&n)).unwrap_or_default();
        assert!(have == want, "schemas/{n} is stale: the Rust types changed since it was generated; {HOW}");
    }
}

#[test]
fn schemas_forbid_unknown_keys_and_carry_descriptions() {
    for s in policysite::schema::all() {
        let text = policysite::schema::to_text(&s.schema);
        assert!(text.contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""), "{}", s.file_name);
        // Every object with properties forbids other keys, and every property says what it is for.
        let mut stack = vec![&s.schema];
        while let Some(v) = stack.pop() {
            if let Some(map) = v.as_object() {
                if let Some(props) = map.get("properties").and_then(|p| p.as_object()) {
                    assert_eq!(map.get("additionalProperties"), Some(&serde_json::json!(false)), "{}", s.file_name);
                    for (key, prop) in props {
                        let has_doc = prop.get("description").and_then(|d| d.as_str()).is_some_and(|d| !d.is_empty());
                        assert!(
                            has_doc,
                            "{}: `{key}` has no description (add a doc comment to the field)",
                            s.file_name
                        );
                    }
                }
                stack.extend(map.values());
            } else if let Some(items) = v.as_array() {
                stack.extend(items);
            }
        }
    }
}

#[test]
fn bundled_files_name_their_schema_on_the_first_line() {
    let mut files = vec![
        ("site.yaml".to_string(), "schemas/site.schema.json".to_string()),
        ("data/platforms.yaml".into(), "../schemas/platforms.schema.json".into()),
        ("data/directory.yaml".into(), "../schemas/directory.schema.json".into()),
    ];
    for n in names(&Path::new(REPO).join("quizzes")).into_iter().filter(|n| n.ends_with(".yaml")) {
        files.push((format!("quizzes/{n}"), "../schemas/quiz.schema.json".into()));
    }
    for (file, schema) in files {
        let text = std::fs::read_to_string(Path::new(REPO).join(&file)).expect("read bundled file");
        let first = text.lines().next().unwrap_or_default();
        assert_eq!(first, format!("# yaml-language-server: $schema={schema}"), "{file}");
        let target = Path::new(REPO).join(&file).parent().expect("parent").join(&schema);
        assert!(target.is_file(), "{file} points at {schema}, which does not exist");
    }
}

/// `schema --output DIR` replaces the schemas an earlier run wrote, and no other file.
#[test]
fn schema_never_overwrites_a_file_it_did_not_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_policysite"))
            .args(["schema", "--output"])
            .arg(dir.path())
            .output()
            .expect("run")
    };
    assert!(run().status.success());
    assert!(run().status.success(), "its own schemas are replaced");
    std::fs::write(dir.path().join("site.schema.json"), "{\"mine\": true}").expect("write");
    let o = run();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a schema policysite wrote"));
    assert_eq!(std::fs::read_to_string(dir.path().join("site.schema.json")).expect("read"), "{\"mine\": true}");
}
