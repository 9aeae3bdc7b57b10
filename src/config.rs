//! `site.yaml`: the site-wide settings an admin edits.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;

/// `site.yaml`: the site-wide settings. Unknown keys are errors (they are nearly always typos).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Shown in the header and in every `<title>`.
    pub title: String,
    /// The district's name, shown in the header and footer, e.g. "Tacoma Public Schools".
    pub district: String,
    /// The district's postal address, one line (e.g. "601 South 8th Street, Tacoma, WA 98405"): printed
    /// with the district's name at the top of every printed page's first sheet. Optional.
    #[serde(default)]
    pub district_address: Option<String>,
    /// One sentence about the site, for the home page's `<meta name="description">`.
    #[serde(default)]
    pub description: String,
    /// Language of the content as a BCP 47 tag, for `<html lang>` (default `en`).
    #[serde(default = "default_language")]
    pub language: String,
    /// Where the site lives on its host ("/" or "/policies/social-media/"). Pages link relatively and work
    /// anywhere; only `404.html`, which is served at arbitrary paths, needs to know this.
    #[serde(default = "default_base_path")]
    pub base_path: String,
    /// Absolute URL of the published site, for `sitemap.xml` and the feed's links. Optional: without
    /// it no sitemap is written (the sitemap protocol takes absolute URLs only).
    #[serde(default)]
    pub base_url: Option<String>,
    /// Domains staff email addresses must be in (e.g. `tacoma.k12.wa.us`), without `@`. At least one.
    pub email_domains: Vec<String>,
    /// The Communications Department, which receives account requests and keeps the directory.
    pub communications: Contact,
    /// Link pattern for policies this site does not publish, with `{number}` in it,
    /// e.g. `https://www.example.org/policies/{number}`.
    #[serde(default)]
    pub policy_url: Option<String>,
    /// How many days a training completion code stays valid (default 365).
    #[serde(default = "default_validity")]
    pub code_validity_days: u32,
    /// Theme folder below `themes/` (default `default`).
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Settings of the `/directory/` page of official accounts.
    #[serde(default)]
    pub directory: DirectorySettings,
    /// Quiz ids every account administrator needs a current completion code for.
    #[serde(default)]
    pub required_training: Vec<String>,
    /// (req) Column names of the learning management system's completion report (CSV), read by
    /// `policysite request check --lms-report FILE`. Flags override single columns.
    #[serde(default)]
    pub lms_report: LmsReportColumns,
}

/// (req) Which columns of an LMS completion export hold what; Canvas, Moodle and the others name
/// them differently. Column names compare without case.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LmsReportColumns {
    /// The learner's email address (default `email`).
    #[serde(default = "lms_email")]
    pub email: String,
    /// The module or course: the quiz id, or its title (default `module`).
    #[serde(default = "lms_module")]
    pub module: String,
    /// Completion status (default `status`); see `passed_values`.
    #[serde(default = "lms_status")]
    pub status: String,
    /// Completion date, `YYYY-MM-DD` (a time may follow) or `MM/DD/YYYY` (default `completed`).
    #[serde(default = "lms_completed")]
    pub completed: String,
    /// Optional score column, shown when a row is not a pass.
    #[serde(default)]
    pub score: Option<String>,
    /// Optional quiz revision column; without it the module name must say "revision N".
    #[serde(default)]
    pub revision: Option<String>,
    /// Status values that mean passed (default `passed`, `pass`).
    #[serde(default)]
    pub passed_values: Vec<String>,
}

impl Default for LmsReportColumns {
    fn default() -> Self {
        LmsReportColumns {
            email: lms_email(),
            module: lms_module(),
            status: lms_status(),
            completed: lms_completed(),
            score: None,
            revision: None,
            passed_values: Vec::new(),
        }
    }
}

fn lms_email() -> String {
    "email".into()
}
fn lms_module() -> String {
    "module".into()
}
fn lms_status() -> String {
    "status".into()
}
fn lms_completed() -> String {
    "completed".into()
}

/// A department's contact details.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name shown to staff, e.g. "Communications Department".
    pub name: String,
    /// Email address requests are sent to.
    pub email: String,
    /// Optional phone number, shown as written.
    #[serde(default)]
    pub phone: Option<String>,
}

/// How the directory of official accounts is published.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectorySettings {
    /// Show account managers' names on `/directory/` (an intranet build) or hide them (a public build).
    #[serde(default)]
    pub show_managers: bool,
}

fn default_language() -> String {
    "en".into()
}
fn default_base_path() -> String {
    "/".into()
}
fn default_validity() -> u32 {
    365
}
fn default_theme() -> String {
    "default".into()
}

pub const CONFIG_FILE: &str = "site.yaml";

impl SiteConfig {
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        if !path.exists() {
            return Err(Diagnostic::new(CONFIG_FILE, format!("no site.yaml in {}", root.display()))
                .help("run policysite in the site's folder, or pass --root DIR"));
        }
        let text = crate::load::read_text(&path, root)?;
        let mut cfg: SiteConfig = crate::yaml::parse(&text, Path::new(CONFIG_FILE), 1)?;
        cfg.normalise();
        cfg.validate(&text)?;
        Ok(cfg)
    }

    fn normalise(&mut self) {
        if !self.base_path.starts_with('/') {
            self.base_path.insert(0, '/');
        }
        if !self.base_path.ends_with('/') {
            self.base_path.push('/');
        }
        for d in &mut self.email_domains {
            *d = d.trim().trim_start_matches('@').to_ascii_lowercase();
        }
    }

    fn validate(&self, text: &str) -> Result<(), Diagnostic> {
        let at = |key: &str| crate::yaml::key_line(text, key, 1).unwrap_or(1);
        if !crate::model::valid_slug(&self.theme) {
            return Err(Diagnostic::new(
                CONFIG_FILE,
                format!("`theme: {}` is not a folder name below themes/", self.theme),
            )
            .at(at("theme"), None)
            .help("give the name of one folder in themes/, e.g. `theme: default`"));
        }
        if self.email_domains.is_empty() {
            return Err(Diagnostic::new(CONFIG_FILE, "`email_domains` is empty")
                .at(at("email_domains"), None)
                .help("list the district's email domain(s), e.g. `email_domains: [tacoma.k12.wa.us]`"));
        }
        if let Some(p) = &self.policy_url
            && !p.contains("{number}")
        {
            return Err(Diagnostic::new(CONFIG_FILE, "`policy_url` has no `{number}` placeholder")
                .at(at("policy_url"), None)
                .help("write it like `https://example.org/policies/{number}`"));
        }
        // Both become links on every page that cites a policy or is shared: only web addresses.
        for (key, value) in [("policy_url", &self.policy_url), ("base_url", &self.base_url)] {
            if let Some(v) = value
                && !is_web_url(&v.replace("{number}", "1000"))
            {
                return Err(Diagnostic::new(CONFIG_FILE, format!("`{key}` is not an http or https address: `{v}`"))
                    .at(at(key), None)
                    .help("write a full web address, e.g. `https://example.org/policies/{number}`"));
            }
        }
        if self.communications.email.parse::<email_address::EmailAddress>().is_err() {
            return Err(Diagnostic::new(
                CONFIG_FILE,
                format!("`communications.email` is not an email address: `{}`", self.communications.email),
            )
            .at(at("communications"), None)
            .help("write the department's address, e.g. `communications@tacoma.k12.wa.us`"));
        }
        Ok(())
    }

    pub fn theme_dir(&self, root: &Path) -> PathBuf {
        root.join("themes").join(&self.theme)
    }
}

/// An absolute `http:` or `https:` address with a host.
fn is_web_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}
