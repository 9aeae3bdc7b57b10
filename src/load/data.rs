//! Load `data/*.yaml`: structured files that pages and templates read. Files with a known meaning
//! (`platforms.yaml`, `directory.yaml`) are checked against their schema; any other data file is
//! available to templates as `data.<file stem>`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Diagnostics, display_path};
use crate::request::directory::Directory;

pub const DATA_DIR: &str = "data";
pub const PLATFORMS_FILE: &str = "data/platforms.yaml";

/// The platform list of Regulation 6973.1R, footnotes 1 and 2. One file feeds the regulation's
/// footnotes, the `/platforms/` page, the request form and `request check`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Platforms {
    /// Footnote 1's sentence before the list.
    pub approved_intro: String,
    /// Approved platforms (footnote 1), in the regulation's order.
    pub approved: Vec<Platform>,
    /// Footnote 2, the reason certain platforms are barred, in the regulation's words.
    pub barred_statement: String,
    /// Platforms that may not be used for District accounts (footnote 2); each needs a `reason`.
    pub barred: Vec<Platform>,
}

/// One platform of the list, approved or barred.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    /// Stable id used in request files, e.g. `facebook`.
    pub id: String,
    /// The platform's name as staff know it, e.g. `Facebook`.
    pub name: String,
    /// How the regulation writes it ("blogs", "Snap Chat"), when that differs from `name`.
    #[serde(default)]
    pub as_written: Option<String>,
    /// The platform's home page.
    #[serde(default)]
    pub url: Option<String>,
    /// A remark shown with the platform on the `/platforms/` page.
    #[serde(default)]
    pub note: Option<String>,
    /// Barred platforms: why, citing the regulation.
    #[serde(default)]
    pub reason: Option<String>,
}

impl Platform {
    pub fn regulation_name(&self) -> &str {
        self.as_written.as_deref().unwrap_or(&self.name)
    }
}

impl Platforms {
    /// Footnote 1 as the regulation words it: "…: Facebook, Twitter, … Flickr and blogs."
    pub fn approved_sentence(&self) -> String {
        let names: Vec<&str> = self.approved.iter().map(Platform::regulation_name).collect();
        format!("{} {}.", self.approved_intro.trim_end(), join_and(&names))
    }

    pub fn find(&self, id: &str) -> Option<(&Platform, bool)> {
        let id = id.trim().to_ascii_lowercase();
        self.approved
            .iter()
            .map(|p| (p, true))
            .chain(self.barred.iter().map(|p| (p, false)))
            .find(|(p, _)| p.id == id || p.name.eq_ignore_ascii_case(&id))
    }

    fn validate(&self, text: &str) -> Result<(), Diagnostic> {
        let mut seen = std::collections::BTreeSet::new();
        for p in self.approved.iter().chain(&self.barred) {
            if !seen.insert(p.id.as_str()) {
                let line = text.lines().position(|l| l.contains(&format!("id: {}", p.id))).map_or(1, |i| i + 1);
                return Err(Diagnostic::new(PLATFORMS_FILE, format!("platform id `{}` appears twice", p.id))
                    .at(line, None)
                    .help("each platform needs its own id"));
            }
        }
        for p in &self.barred {
            if p.reason.is_none() {
                let line = text.lines().position(|l| l.contains(&format!("id: {}", p.id))).map_or(1, |i| i + 1);
                return Err(Diagnostic::new(PLATFORMS_FILE, format!("barred platform `{}` has no `reason`", p.id))
                    .at(line, None)
                    .help("say why, in the regulation's words; staff see it on the request form"));
            }
        }
        Ok(())
    }
}

/// "a, b and c", the way the regulation lists things.
pub fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// Everything in `data/`.
#[derive(Debug, Clone)]
pub struct Data {
    pub platforms: Platforms,
    pub directory: Directory,
    /// Every data file by stem, for templates.
    pub all: BTreeMap<String, serde_json::Value>,
}

pub fn load(root: &Path) -> Result<Data, Diagnostics> {
    let dir = root.join(DATA_DIR);
    let mut diags = Diagnostics::default();
    let mut all = BTreeMap::new();
    let mut platforms = None;
    let mut directory = Directory::default();
    let mut entries: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            return Err(Diagnostic::new(DATA_DIR, format!("cannot read the data folder: {e}"))
                .help("create `data/` with at least `platforms.yaml`")
                .into());
        }
    };
    entries.sort();
    for path in entries {
        let is_yaml = path.extension().is_some_and(|x| x == "yaml" || x == "yml");
        if !is_yaml || !path.is_file() {
            continue;
        }
        let shown = display_path(root, &path);
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let text = match super::read_text(&path, root) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let parsed: Result<serde_json::Value, Diagnostic> = match stem.as_str() {
            "platforms" => crate::yaml::parse::<Platforms>(&text, &shown, 1).and_then(|p| {
                p.validate(&text)?;
                let v = serde_json::to_value(&p).unwrap_or_default();
                platforms = Some(p);
                Ok(v)
            }),
            "directory" => crate::yaml::parse::<Directory>(&text, &shown, 1).map(|d| {
                let v = serde_json::to_value(&d).unwrap_or_default();
                directory = d;
                v
            }),
            _ => crate::yaml::parse::<serde_json::Value>(&text, &shown, 1),
        };
        match parsed {
            Ok(v) => {
                all.insert(stem, v);
            }
            Err(d) => diags.push(d),
        }
    }
    let Some(platforms) = platforms else {
        if diags.is_empty() {
            diags.push(
                Diagnostic::new(PLATFORMS_FILE, "the platform list is missing")
                    .help("create data/platforms.yaml (see the README's authoring guide)"),
            );
        }
        return Err(diags.sorted());
    };
    diags.into_result(Data { platforms, directory, all })
}
