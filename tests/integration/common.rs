//! Test sites built in temporary folders with the real `policysite` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

/// Copy a folder; symbolic links (the example site's `themes/`) are left out.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        if entry.path_is_symlink() {
            continue;
        }
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

impl TestSite {
    /// A copy of the bundled site (content, data, quizzes, theme, site.yaml).
    pub fn bundled() -> TestSite {
        TestSite::copy_of(Path::new(REPO))
    }

    /// An empty temporary folder (for `policysite new`).
    pub fn empty() -> TestSite {
        TestSite { dir: tempfile::tempdir().expect("tempdir") }
    }

    /// A copy of the sources of the site in `from` (content, data, quizzes, themes, static and
    /// templates when present, site.yaml), not its output: for the clean build a test compares
    /// `serve`'s output with.
    pub fn copy_of(from: &Path) -> TestSite {
        let dir = tempfile::tempdir().expect("tempdir");
        for d in policysite::layout::SOURCE_DIRS {
            if from.join(d).is_dir() {
                copy_dir(&from.join(d), &dir.path().join(d));
            }
        }
        std::fs::copy(from.join("site.yaml"), dir.path().join("site.yaml")).expect("site.yaml");
        // The published policy revisions, so a test that edits one sees the build refuse it.
        if from.join("policy-revisions.lock").is_file() {
            std::fs::copy(from.join("policy-revisions.lock"), dir.path().join("policy-revisions.lock"))
                .expect("policy-revisions.lock");
        }
        TestSite { dir }
    }

    /// A copy of `examples/revised-site` (a regulation with revisions) with the repository's current
    /// theme (the example's `themes/` is a link to it) and its `policy-revisions.lock`.
    pub fn revised_example() -> TestSite {
        let from = Path::new(REPO).join("examples/revised-site");
        let dir = tempfile::tempdir().expect("tempdir");
        for d in ["content", "data", "quizzes"] {
            copy_dir(&from.join(d), &dir.path().join(d));
        }
        copy_dir(&Path::new(REPO).join("themes"), &dir.path().join("themes"));
        for f in ["site.yaml", "policy-revisions.lock"] {
            std::fs::copy(from.join(f), dir.path().join(f)).expect(f);
        }
        TestSite { dir }
    }

    /// A small site: the bundled theme, data and quizzes, and a few pages written for the test.
    pub fn minimal() -> TestSite {
        let site = TestSite::bundled();
        std::fs::remove_dir_all(site.path().join("content")).expect("rm content");
        std::fs::remove_dir_all(site.path().join("quizzes")).expect("rm quizzes");
        // Its pages are not the bundled regulation, whose published revisions the lock keeps.
        let _ = std::fs::remove_file(site.path().join("policy-revisions.lock"));
        let cfg = site.read("site.yaml");
        let cfg = cfg.split("required_training:").next().expect("config").to_string();
        site.write("site.yaml", &cfg);
        site.write(
            "content/_index.md",
            "---\ntitle: Home\n---\nWelcome. See [the policy](@/policy/one.md#second-part).\n",
        );
        site.write("content/policy/_index.md", "---\ntitle: Policies\n---\n");
        site.write(
            "content/policy/one.md",
            "---\ntitle: Policy One\nnumber: \"1234\"\nweight: 2\n---\n\n## First part\n\nText[^a] citing Policy 9999 and Regulation 5678R.\n\n## Second part\n\n## Second part\n\n### Deeper\n\nBack to [home](@/_index.md) and [platforms](@/platforms.md).\n\n[^a]: A footnote.\n",
        );
        site.write(
            "content/policy/two.md",
            "---\ntitle: Policy Two\nweight: 1\n---\n\nSee Policy 1234, section [first](@/policy/one.md#first-part).\n",
        );
        site.write("content/platforms.md", "---\ntitle: Platforms\ntemplate: platforms.html\n---\n\nFootnote text: {{ platforms.approved_sentence }}\n");
        site
    }

    /// [`TestSite::minimal`] whose regulation (`content/policy/one.md`) has its text in its own
    /// file, with the heading "Maintaining Professional Boundaries", and a request form.
    pub fn regulation_without_revisions() -> TestSite {
        let site = TestSite::minimal();
        let reg = "content/policy/one.md";
        site.write(reg, &site.read(reg).replacen("weight: 2\n", "weight: 2\ntemplate: regulation.html\n", 1));
        site.write(reg, &format!("{}\n## Maintaining Professional Boundaries\n\nBe professional.\n", site.read(reg)));
        site.write("content/request.md", "---\ntitle: Request\ntemplate: request.html\n---\n\nAsk.\n");
        site
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn out(&self) -> PathBuf {
        self.path().join("public")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// The 1-based number of the first line of `rel` containing `needle`.
    pub fn line_of(&self, rel: &str, needle: &str) -> usize {
        self.read(rel)
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("{needle} in {rel}"))
    }

    /// Replace the first `from` in `site.yaml` with `to` (which must be there).
    pub fn set_config(&self, from: &str, to: &str) {
        let cfg = self.read("site.yaml");
        assert!(cfg.contains(from), "site.yaml has no `{from}`");
        self.write("site.yaml", &cfg.replacen(from, to, 1));
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_policysite"))
            .arg("--root")
            .arg(self.path())
            .args(args)
            .output()
            .expect("run policysite")
    }

    pub fn build(&self) -> Output {
        self.run(&["build", "--output", self.out().to_str().expect("utf8 path")])
    }

    /// Build and require success; returns stderr.
    pub fn build_ok(&self) -> String {
        let o = self.build();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "build failed:\n{err}");
        err
    }

    /// Build and require failure (exit 1); returns stderr.
    pub fn build_err(&self) -> String {
        let o = self.build();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "expected exit 1, got {:?}:\n{err}", o.status.code());
        err
    }

    pub fn html(&self, rel: &str) -> String {
        self.read(&format!("public/{rel}"))
    }
}

/// Write a notes file of an output folder (`.policysite-notes`, `-reads`, `-state`), read as JSON
/// and changed by a test, sealed as policysite seals notes (`src/output/notes.rs`): the text ends
/// with `,"sum":"…"}`, the hash of all before it. `pretty`: with line breaks, as policysite never
/// writes a note.
pub fn write_sealed_notes(path: &Path, json: &serde_json::Value, pretty: bool) {
    let mut json = json.clone();
    json.as_object_mut().expect("notes are an object").remove("sum");
    let text = if pretty { serde_json::to_string_pretty(&json) } else { serde_json::to_string(&json) };
    let text = text.expect("json");
    let body = text.strip_suffix('}').expect("an object");
    let sum = xxhash_rust::xxh3::xxh3_128(body.as_bytes());
    std::fs::write(path, format!("{body},\"sum\":\"{sum:032x}\"}}")).expect("write notes");
}

/// Every file below `dir` with its bytes, for comparing whole outputs; the build memo and notes are
/// left out (the memo's stamps of the files differ from build to build, `src/output/memo.rs`; the
/// notes hold keys of the inputs, and only `build` writes either).
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && ![".policysite-memo", ".policysite-notes", ".policysite-reads", ".policysite-state"]
                    .contains(&e.file_name().to_str().unwrap_or(""))
        })
        .map(|e| {
            (e.path().strip_prefix(dir).expect("prefix").display().to_string(), std::fs::read(e.path()).expect("read"))
        })
        .collect();
    files.sort();
    files
}

/// A page's text: tags replaced by spaces, the entities the renderer writes decoded.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'")
}

/// `data/platforms.yaml` text with the approved platform `id` (the entry up to the next one, `next`)
/// moved under `former:`, as an admin retires a platform; the caller adds the history entry.
pub fn retire_platform(text: &str, id: &str, next: &str) -> String {
    let start = text.find(&format!("  - id: {id}\n")).expect("the platform's entry");
    let end = start + text[start..].find(&format!("  - id: {next}\n")).expect("the next entry");
    let entry = &text[start..end];
    format!("{}{}", &text[..start], &text[end..]).replace("history:\n", &format!("former:\n{entry}history:\n"))
}
