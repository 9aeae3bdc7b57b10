//! Load `data/*.yaml`: structured files that pages and templates read. Files with a known meaning
//! (`platforms.yaml`, `directory.yaml`) are checked against their schema; any other data file is
//! available to templates as `data.<file stem>`.

use std::collections::BTreeMap;
use std::path::Path;

use super::directory::Directory;
use crate::diag::{Diagnostic, Diagnostics, display_path};

pub const DATA_DIR: &str = "data";
pub use super::directory::DIRECTORY_FILE;
pub use super::platforms::{PLATFORMS_FILE, Platform, PlatformChange, Platforms, join_and};

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
    let mut directory_text = String::new();
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
        let text = match crate::fsutil::read_text(&path, root) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let parsed: Result<serde_json::Value, Diagnostic> = match stem.as_str() {
            "platforms" => crate::yaml::parse::<Platforms>(&text, &shown, 1).map(|mut p| {
                if let Err(d) = p.validate(&text) {
                    diags.extend(d);
                }
                let v = serde_json::to_value(&p).unwrap_or_default();
                platforms = Some(p);
                v
            }),
            "directory" => crate::yaml::parse::<Directory>(&text, &shown, 1).map(|d| {
                let v = serde_json::to_value(&d).unwrap_or_default();
                directory = d;
                directory_text = text.clone();
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
    diags.extend(check_directory(&directory, &platforms, &directory_text));
    diags.into_result(Data { platforms, directory, all })
}

/// Where an account's keys are in `data/directory.yaml`, from the YAML parser (a second, lenient read).
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct AccountSpans {
    request_id: Option<serde_saphyr::Spanned<String>>,
    handle: Option<serde_saphyr::Spanned<String>>,
    account_type: Option<serde_saphyr::Spanned<String>>,
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct DirectorySpans {
    accounts: Vec<AccountSpans>,
}

/// Hand edits `request approve` would never write: an account type outside the list, two active
/// accounts for one platform and handle, two accounts from one request id. Each names its line.
fn check_directory_entries(directory: &Directory, text: &str) -> Diagnostics {
    use std::collections::HashMap;
    let spans: DirectorySpans = serde_saphyr::from_str(text).unwrap_or_default();
    let line = |i: usize, pick: fn(&AccountSpans) -> Option<&serde_saphyr::Spanned<String>>| {
        spans.accounts.get(i).and_then(pick).map_or(1, |s| s.referenced.line() as usize)
    };
    let mut diags = Diagnostics::default();
    let mut by_handle: HashMap<(String, String), usize> = HashMap::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let types: Vec<&str> = crate::accounts::ACCOUNT_TYPES.iter().map(|t| t.id).collect();
    for (i, a) in directory.accounts.iter().enumerate() {
        if !types.contains(&a.account_type.as_str()) {
            diags.push(
                Diagnostic::new(
                    DIRECTORY_FILE,
                    format!(
                        "account {}: `account_type: {}` is not an account type",
                        a.handle,
                        a.account_type.escape_default()
                    ),
                )
                .at(line(i, |s| s.account_type.as_ref()), None)
                .help(format!("use one of: {}", types.join(", "))),
            );
        }
        if let Some(d) = crate::ident::check(
            &a.request_id,
            "request id",
            std::path::Path::new(DIRECTORY_FILE),
            line(i, |s| s.request_id.as_ref()),
        ) {
            diags.push(d);
        }
        if let Some(first) = by_id.insert(a.request_id.as_str(), i) {
            diags.push(
                Diagnostic::new(
                    DIRECTORY_FILE,
                    format!(
                        "request id `{}` appears twice (also at line {})",
                        a.request_id,
                        line(first, |s| s.request_id.as_ref())
                    ),
                )
                .at(line(i, |s| s.request_id.as_ref()), None)
                .help("each approved request is one account: remove the copy, or give the entry its own request's id"),
            );
        }
        if a.status == super::directory::Status::Active {
            let key = (a.platform.clone(), super::directory::normalise_handle(&a.handle));
            if let Some(first) = by_handle.insert(key, i) {
                diags.push(
                    Diagnostic::new(
                        DIRECTORY_FILE,
                        format!(
                            "{} on `{}` is listed twice as active (also at line {})",
                            a.handle,
                            a.platform,
                            line(first, |s| s.handle.as_ref())
                        ),
                    )
                    .at(line(i, |s| s.handle.as_ref()), None)
                    .help("one account, one entry: remove the copy, or retire one (`policysite request revoke`)"),
                );
            }
        }
    }
    diags
}

/// Check what the directory publishes, also after a hand edit: every account's platform is a
/// platform id of the list, and every address is an `https:` (or `http:`) URL on that platform's
/// hosts. The `/directory/` page links to these addresses, so a `javascript:` URL would be stored
/// cross-site scripting.
pub fn check_directory(directory: &Directory, platforms: &Platforms, text: &str) -> Diagnostics {
    let mut diags = Diagnostics::default();
    // The line of `key:` of account `i` (else of its `request_id:`), from the parser: read only when
    // an account has a problem (a large directory is a long parse).
    let keys = std::cell::OnceCell::new();
    let line_of = |i: usize, key: &str| {
        let keys = keys.get_or_init(|| crate::yaml::KeyPositions::read(text));
        let at = |k: &str| keys.as_ref().and_then(|keys| keys.item_key(&["accounts"], i, k));
        at(key).or_else(|| at("request_id")).map_or(1, |(line, _)| line)
    };
    diags.extend(check_directory_entries(directory, text));
    for (i, a) in directory.accounts.iter().enumerate() {
        if !super::directory::valid_handle(&a.handle) {
            diags.push(
                Diagnostic::new(DIRECTORY_FILE, format!("`{}` is not a handle", a.handle.escape_default()))
                    .at(line_of(i, "handle"), None)
                    .help("an optional `@`, then ASCII letters, digits, `.`, `_` and `-`, as the platform shows it"),
            );
        }
        let platform = platforms.by_id(&a.platform);
        if platform.is_none() && platforms.removal_of(&a.platform).is_some() {
            // A platform that has left both lists: its hosts are gone, but the address must still
            // be a web address (`request audit` reports the account).
            if let Some(url) = a.url.as_deref()
                && !url::Url::parse(url.trim()).is_ok_and(|u| matches!(u.scheme(), "https" | "http"))
            {
                diags.push(
                    Diagnostic::new(DIRECTORY_FILE, format!("account {}: `{url}` is not an https: address", a.handle))
                        .at(line_of(i, "url"), None)
                        .help("correct the address or remove the `url:` line; /directory/ links to it"),
                );
            }
            continue;
        }
        let Some(platform) = platform else {
            diags.push(
                Diagnostic::new(DIRECTORY_FILE, format!("`{}` is not a platform id of {PLATFORMS_FILE}", a.platform))
                    .at(line_of(i, "platform"), None)
                    .help(match platforms.find(&a.platform) {
                        Some((p, _)) => format!("write the platform's id, `{}`", p.id),
                        None => "use a platform id from data/platforms.yaml".to_string(),
                    }),
            );
            continue;
        };
        if let Some(url) = a.url.as_deref()
            && let Err(why) = platform.check_account_url(url)
        {
            diags.push(
                Diagnostic::new(DIRECTORY_FILE, format!("account {} ({}): {why}", a.handle, a.request_id))
                    .at(line_of(i, "url"), None)
                    .help("correct the address or remove the `url:` line; /directory/ links to it"),
            );
        }
    }
    diags
}
