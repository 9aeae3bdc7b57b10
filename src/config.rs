//! `site.yaml`: the site-wide settings an admin edits.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Diagnostics};

mod lms_report;

pub use lms_report::LmsReportColumns;

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
    /// (req) Days between periodic reviews of an official account, counted from its approval or last
    /// review (`policysite request review`); `request audit` lists the accounts due (default 365).
    #[serde(default = "default_review_every")]
    pub review_every_days: u32,
    /// Theme folder below `themes/` (default `default`).
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Settings of the `/directory/` page of official accounts.
    #[serde(default)]
    pub directory: DirectorySettings,
    /// Quiz ids every account administrator needs a current completion code for.
    #[serde(default)]
    pub required_training: Vec<String>,
    /// The district's time zone, by IANA name (e.g. `America/Los_Angeles`): "today" for every command
    /// (which policy revision is current, whether a completion code has expired, the date an approval or
    /// a publication is recorded on) is the date there, so a change dated tomorrow takes effect at local
    /// midnight. Default `UTC` (sites made before this setting; `check` reminds you to set it).
    #[serde(default)]
    pub time_zone: Option<String>,
    /// (req) Column names of the learning management system's completion report (CSV), read by
    /// `policysite request check --lms-report FILE`. Flags override single columns.
    #[serde(default)]
    pub lms_report: LmsReportColumns,
    /// The line of each top-level key, from the parser, for problems found after loading (not in
    /// the file).
    #[serde(skip)]
    #[schemars(skip)]
    key_lines: std::collections::BTreeMap<String, usize>,
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

fn default_review_every() -> u32 {
    365
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
    /// Load and check `site.yaml`. Every problem of the file is reported, not only the first: every
    /// unknown key (with the known key it is nearest to), and, when the file reads once those are
    /// fixed, every value the checks after the parse refuse.
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        if !path.exists() {
            return Err(Diagnostic::new(CONFIG_FILE, format!("no site.yaml in {}", root.display()))
                .help("run policysite in the site's folder, or pass --root DIR")
                .into());
        }
        let text = crate::fsutil::read_text(&path, root)?;
        let fixed = crate::yaml::parse_fixing_keys::<SiteConfig>(&text, Path::new(CONFIG_FILE), 1);
        let mut diags = fixed.diags;
        let Some(mut cfg) = fixed.value else { return Err(diags.sorted()) };
        cfg.normalise();
        let text = fixed.text.unwrap_or(text);
        diags.extend(cfg.validate(&text));
        if let Some(keys) = crate::yaml::KeyPositions::read(&text) {
            cfg.key_lines = keys.top_level().map(|(k, (line, _))| (k.to_string(), line)).collect();
        }
        diags.into_result(cfg)
    }

    /// The line of a top-level key of `site.yaml` (1 when it is not there), from the parser.
    pub fn key_line(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
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

    /// The checks after the parse, each problem with the line of its value.
    fn validate(&self, text: &str) -> Diagnostics {
        // Lines from the YAML parser's spans (a second, lenient read of the same text).
        let spans: ConfigSpans = serde_saphyr::from_str(text).unwrap_or_default();
        let mut out = Found { text, diags: Diagnostics::default() };
        self.check_folders(&spans, &mut out);
        self.check_addresses(&spans, &mut out);
        self.check_text(&spans, &mut out);
        out.diags
    }

    /// `theme`, `email_domains` and `base_path`: names and paths.
    fn check_folders(&self, spans: &ConfigSpans, out: &mut Found) {
        if !crate::layout::valid_slug(&self.theme) {
            out.err(
                (spans.theme.as_ref(), "theme"),
                format!("`theme: {}` is not a folder name below themes/", self.theme),
                "give the name of one folder in themes/, e.g. `theme: default`",
            );
        }
        let domain_spans = spans.email_domains.as_ref().map(|s| s.value.as_slice()).unwrap_or_default();
        if self.email_domains.is_empty() {
            let line = spans.email_domains.as_ref().map(|s| s.referenced.line() as usize);
            out.err_at(
                line.unwrap_or_else(|| out.key_line("email_domains")),
                "`email_domains` is empty".into(),
                "list the district's email domain(s), e.g. `email_domains: [tacoma.k12.wa.us]`",
            );
        }
        for (i, d) in self.email_domains.iter().enumerate() {
            if crate::layout::check_domain(d).is_err() {
                out.err(
                    (domain_spans.get(i), "email_domains"),
                    format!("`email_domains` entry `{}` is not a domain name", d.escape_default()),
                    "write the part after `@` of staff addresses, e.g. `tacoma.k12.wa.us`",
                );
            }
        }
        if let Err(why) = check_base_path(&self.base_path) {
            out.err(
                (spans.base_path.as_ref(), "base_path"),
                format!("`base_path: {}` {why}", self.base_path.escape_default()),
                "write the path the site is published under on its own host, e.g. `/` or `/policies/social-media/`",
            );
        }
    }

    /// `policy_url`, `base_url`, `communications.email` and `time_zone`.
    fn check_addresses(&self, spans: &ConfigSpans, out: &mut Found) {
        if let Some(p) = &self.policy_url
            && !p.contains("{number}")
        {
            out.err(
                (spans.policy_url.as_ref(), "policy_url"),
                "`policy_url` has no `{number}` placeholder".into(),
                "write it like `https://example.org/policies/{number}`",
            );
        }
        // Both become links on every page that cites a policy or is shared: only web addresses.
        for (key, value, span) in [
            ("policy_url", &self.policy_url, spans.policy_url.as_ref()),
            ("base_url", &self.base_url, spans.base_url.as_ref()),
        ] {
            let Some(v) = value else { continue };
            let parsed = url::Url::parse(&v.replace("{number}", "1000"));
            if !parsed.as_ref().is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some()) {
                out.err(
                    (span, key),
                    format!("`{key}` is not an http or https address: `{v}`"),
                    "write a full web address, e.g. `https://example.org/policies/{number}`",
                );
            } else if parsed.as_ref().is_ok_and(|u| !u.username().is_empty() || u.password().is_some()) {
                out.err(
                    (span, key),
                    format!("`{key}` carries a user name or password before the host: `{v}`"),
                    "remove the `user:password@` part; every reader of the site would see it",
                );
            }
        }
        if self.communications.email.parse::<email_address::EmailAddress>().is_err() {
            out.err(
                (spans.communications.email.as_ref(), "communications"),
                format!("`communications.email` is not an email address: `{}`", self.communications.email),
                "write the department's address, e.g. `communications@tacoma.k12.wa.us`",
            );
        }
        if let Some(tz) = &self.time_zone
            && let Err(why) = crate::date::time_zone(tz)
        {
            out.err(
                (spans.time_zone.as_ref(), "time_zone"),
                format!("`time_zone`: {why}"),
                "write the district's zone as the tz database names it, e.g. `America/Los_Angeles` or `America/Chicago`",
            );
        }
    }

    /// Text that reaches feed.xml, the sitemap or a SCORM manifest: only characters XML can carry.
    fn check_text(&self, spans: &ConfigSpans, out: &mut Found) {
        for (value, key, span) in [
            (&self.title, "title", spans.title.as_ref()),
            (&self.description, "description", spans.description.as_ref()),
            (&self.district, "district", spans.district.as_ref()),
            (&self.communications.name, "communications", spans.communications.name.as_ref()),
        ] {
            if let Err(why) = crate::xml::check_text(value) {
                out.err((span, key), format!("`{key}` {why}"), crate::xml::CHAR_HELP);
            }
        }
    }

    /// A note for `check` about settings that have a default but should be set.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.time_zone.is_none() {
            notes.push(
                "site.yaml has no `time_zone`, so \"today\" is the date in UTC (a revision dated tomorrow becomes current in the afternoon of a district in the Americas): add e.g. `time_zone: America/Los_Angeles`".to_string(),
            );
        }
        notes
    }

    /// Warnings for `check` about settings a part of the site needs: the change feed's absolute links
    /// (it is how staff hear of a new revision).
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if self.base_url.is_none() {
            out.push(
                Diagnostic::new(CONFIG_FILE, "`base_url` is not set, so feed.xml carries relative links, which feed readers cannot follow")
                    .help("set `base_url:` to the site's public address, e.g. `base_url: https://www.example.org/social-media/`")
                    .warning(),
            );
        }
        out
    }

    /// The site's time zone (`time_zone`, checked at load; UTC when not set).
    pub fn tz(&self) -> jiff::tz::TimeZone {
        self.time_zone.as_deref().and_then(|n| crate::date::time_zone(n).ok()).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// "Today" for this site: `given` (a `--today` flag), else [`crate::date::today`] in the site's
    /// time zone.
    pub fn today(&self, given: Option<crate::date::Date>) -> Result<crate::date::Date, Diagnostic> {
        today_in(&self.tz(), given)
    }

    pub fn theme_dir(&self, root: &Path) -> PathBuf {
        root.join("themes").join(&self.theme)
    }
}

/// [`crate::date::today`] with its error as a diagnostic.
pub fn today_in(tz: &jiff::tz::TimeZone, given: Option<crate::date::Date>) -> Result<crate::date::Date, Diagnostic> {
    crate::date::today(given, tz).map_err(|e| {
        Diagnostic::new("SOURCE_DATE_EPOCH", e).help("reproducible builds set it to whole seconds since 1970")
    })
}

/// The problems [`SiteConfig::validate`] found, and the text it reads their lines from.
struct Found<'a> {
    text: &'a str,
    diags: Diagnostics,
}

impl Found<'_> {
    /// The line of a top-level key, for a value the spans did not cover.
    fn key_line(&self, key: &str) -> usize {
        crate::yaml::key_line(self.text, key, 1).unwrap_or(1)
    }

    /// A problem with the value of `key`, at the line of its span (else of the key).
    fn err(&mut self, (span, key): (Option<&Spanned<String>>, &str), msg: String, help: &str) {
        let line = span.map_or_else(|| self.key_line(key), |s| s.referenced.line() as usize);
        self.err_at(line, msg, help);
    }

    fn err_at(&mut self, line: usize, msg: String, help: &str) {
        self.diags.push(Diagnostic::new(CONFIG_FILE, msg).at(line, None).help(help.to_string()));
    }
}

/// Where the keys of `site.yaml` are, for errors found after parsing (unknown keys are ignored here;
/// the typed parse reports them).
#[derive(Default, Deserialize)]
#[serde(default)]
struct ConfigSpans {
    title: Option<Spanned<String>>,
    district: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    base_path: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    policy_url: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    time_zone: Option<Spanned<String>>,
    email_domains: Option<Spanned<Vec<Spanned<String>>>>,
    communications: CommunicationsSpans,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct CommunicationsSpans {
    name: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
}

/// `base_path` (already starting and ending with `/`) is a path on the site's own host: `404.html`
/// puts it in front of every link, so `//host/` would send them to another host.
fn check_base_path(p: &str) -> Result<(), String> {
    let inner = &p[1..p.len().saturating_sub(1).max(1)];
    if p == "/" {
        return Ok(());
    }
    for seg in inner.split('/') {
        if seg.is_empty() {
            return Err("has an empty segment (`//`): a path starting with `//` names another host".into());
        }
        if seg == "." || seg == ".." {
            return Err("has a `.` or `..` segment".into());
        }
        if let Some(c) = seg.chars().find(|c| !(c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=@".contains(*c))) {
            return Err(format!("contains `{}`, which a URL path cannot hold as written", c.escape_default()));
        }
    }
    Ok(())
}
