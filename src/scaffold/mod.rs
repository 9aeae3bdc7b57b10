//! `policysite new`: the files of a new, minimal site. The scaffold (`src/scaffold/files/`) and the
//! default theme (`themes/default/`) are embedded in the binary by `build.rs`, so an installed
//! `policysite` can start a site anywhere. The theme is copied into the new site because the engine
//! finds themes in the site's own `themes/` folder (`SiteConfig::theme_dir`).

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use embedded::{DEFAULT_THEME, SCAFFOLD};

/// What the new site is filled in with.
pub struct Settings {
    pub district: String,
    pub domain: String,
    /// The site's public address (`site.yaml`'s `base_url`), when known; else a commented line.
    pub base_url: Option<String>,
    /// IANA time zone name, checked by [`check_time_zone`].
    pub time_zone: String,
}

/// A site address for `base_url`: an absolute http or https URL with a host, no query or fragment.
pub fn check_base_url(text: &str) -> Result<String, String> {
    let t = text.trim();
    match url::Url::parse(t) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.host().is_some()
                && u.query().is_none()
                && u.fragment().is_none()
                && !t.contains(['"', '\\']) =>
        {
            Ok(u.to_string())
        }
        _ => Err(format!("`{t}` is not a site address: write it like `https://www.example.org/social-media/`")),
    }
}

/// An IANA time zone name the built-in database knows, e.g. `America/Los_Angeles`.
pub fn check_time_zone(name: &str) -> Result<String, String> {
    let name = name.trim();
    crate::date::time_zone(name).map(|_| name.to_string()).map_err(|e| {
        format!("--time-zone: {e}; write the district's zone, e.g. `America/Los_Angeles` or `America/New_York`")
    })
}

/// A district name goes into YAML, Markdown and HTML: letters, digits, spaces and plain punctuation
/// only, so it cannot turn into markup or a shortcode.
pub fn check_district(name: &str) -> Result<String, String> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= 100
        && name.chars().all(|c| c.is_alphanumeric() || c == ' ' || ".,'’&()-".contains(c));
    if ok {
        Ok(name.to_string())
    } else {
        Err(format!(
            "`{name}` is not a district name policysite can use: use letters, digits, spaces and . , ' & ( ) - (at most 100 characters)"
        ))
    }
}

/// Moved to the ground floor ([`crate::layout`]): `site.yaml` checks it too.
pub use crate::layout::check_domain;

/// The files of the new site: relative path and contents.
pub fn files(settings: &Settings) -> Vec<(PathBuf, Vec<u8>)> {
    let quoted_district = serde_json::to_string(&settings.district).unwrap_or_default();
    let mut out = Vec::new();
    for (rel, bytes) in SCAFFOLD {
        let text = String::from_utf8_lossy(bytes);
        let district = if rel.ends_with(".yaml") { quoted_district.as_str() } else { settings.district.as_str() };
        let base_url = match &settings.base_url {
            Some(u) => format!("base_url: \"{u}\""),
            None => "# base_url: https://www.__DOMAIN__/social-media/".to_string(),
        };
        let text = text
            .replace("__BASE_URL__", &base_url)
            .replace("__DISTRICT__", district)
            .replace("__DOMAIN__", &settings.domain)
            .replace("__TIME_ZONE__", &settings.time_zone);
        // Stored without its dot so the embedding does not skip it.
        let rel = if *rel == "gitignore" { ".gitignore" } else { rel };
        out.push((PathBuf::from(rel), text.into_bytes()));
    }
    for (rel, bytes) in DEFAULT_THEME {
        out.push((Path::new("themes/default").join(rel), bytes.to_vec()));
    }
    for s in crate::schema::all() {
        out.push((
            Path::new(crate::layout::SCHEMA_DIR).join(s.file_name),
            crate::schema::to_text(&s.schema).into_bytes(),
        ));
    }
    out
}

/// Create the site in `dir`, which must be missing or empty. Everything is written into a sibling
/// staging folder first and renamed into place, so a failure leaves no half-made site behind.
/// A refusal names the folder or file it is about and says what to do.
pub fn create(dir: &Path, settings: &Settings) -> Result<usize, Diagnostic> {
    const PERMISSIONS: &str = "check the permissions and free space where the site is to be created";
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| Diagnostic::new(dir, format!("cannot read the folder: {e}")).help(PERMISSIONS))?
            .next()
            .is_none();
        if !empty {
            return Err(Diagnostic::new(dir, "is not empty: give a new folder name, or an empty folder"));
        }
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "site".into());
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let cannot_create =
        |p: &Path, e: std::io::Error| Diagnostic::new(p, format!("cannot create the folder: {e}")).help(PERMISSIONS);
    std::fs::create_dir_all(parent).map_err(|e| cannot_create(parent, e))?;
    let stage = parent.join(format!(".{name}.new-{}", std::process::id()));
    let result = (|| {
        let files = files(settings);
        for (rel, bytes) in &files {
            let path = stage.join(rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p).map_err(|e| cannot_create(p, e))?;
            }
            std::fs::write(&path, bytes)
                .map_err(|e| Diagnostic::new(&path, format!("cannot write: {e}")).help(PERMISSIONS))?;
        }
        if dir.exists() {
            std::fs::remove_dir(dir)
                .map_err(|e| Diagnostic::new(dir, format!("cannot replace the empty folder: {e}")).help(PERMISSIONS))?;
        }
        std::fs::rename(&stage, dir)
            .map_err(|e| Diagnostic::new(dir, format!("cannot move the new site here: {e}")).help(PERMISSIONS))?;
        Ok(files.len())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&stage);
    }
    result
}
