//! `data/platforms.yaml`: the platform list of Regulation 6973.1R (footnotes 1 and 2), the hosts an
//! account address may use on each platform, and the dated history of the approved list.
//!
//! One file feeds the regulation's footnotes, the `/platforms/` page, the request form, `request check`
//! (is the platform approved, is the account's address on it) and `request audit` (accounts on
//! platforms that have left the list). The history is also what the change feed reads
//! ([`Platforms::changes`]).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::diag::{Diagnostic, Diagnostics};

mod account_url;

pub const PLATFORMS_FILE: &str = "data/platforms.yaml";

/// A problem in `data/platforms.yaml` at `line`, with what to do.
fn err(line: usize, msg: String, help: &str) -> Diagnostic {
    Diagnostic::new(PLATFORMS_FILE, msg).at(line, None).help(help.to_string())
}

/// The platform list. Unknown keys are errors (a typo would otherwise silently drop a setting).
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
    /// Platforms that have left the approved list (recorded in `history`), kept with their name and
    /// hosts so the history, old directory entries and `request audit` still name them.
    #[serde(default)]
    pub former: Vec<Platform>,
    /// Platforms staff ask about that the regulation does not list (TikTok, Threads, …): never
    /// approved, named so that search can say so ("TikTok is not on the approved list") and point to
    /// `/platforms/` and the request process. Each may carry `aliases` and a `note`.
    #[serde(default)]
    pub not_listed: Vec<Platform>,
    /// Dated additions to and removals from the approved list, oldest first.
    #[serde(default)]
    pub history: Vec<PlatformChange>,
}

/// One platform of the list, approved, barred or former.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    /// Stable id used in request files and the directory, e.g. `facebook`.
    pub id: String,
    /// The platform's name as staff know it, e.g. `Facebook`.
    pub name: String,
    /// How the regulation writes it ("blogs", "Snap Chat"), when that differs from `name`.
    #[serde(default)]
    pub as_written: Option<String>,
    /// Other names people type for it (`snap`, `Snap Chat`, `twitter`, `x`): search finds the
    /// platform by any of them, case and spacing aside.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The platform's home page.
    #[serde(default)]
    pub url: Option<String>,
    /// Hosts an account's address may be on (`instagram.com` also allows `www.instagram.com`).
    /// Without it, the host of `url` (less a leading `www.`) is the only one.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// A remark shown with the platform on the `/platforms/` page.
    #[serde(default)]
    pub note: Option<String>,
    /// Barred platforms: why, citing the regulation.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One dated change of the approved list. `added_names`, `removed_names` and `date_long` are
/// filled in after loading, for templates; they cannot be written in the file.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformChange {
    /// The day the approved list changed (YYYY-MM-DD).
    pub date: Date,
    /// Platform ids that joined the approved list on `date`.
    #[serde(default)]
    pub added: Vec<String>,
    /// Platform ids that left the approved list on `date`.
    #[serde(default)]
    pub removed: Vec<String>,
    /// Why the list changed, shown on `/platforms/` and in the change feed.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub added_names: Vec<String>,
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub removed_names: Vec<String>,
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    pub date_long: String,
}

/// Where the platforms' keys are, from the YAML parser (a second, lenient read).
#[derive(Default, Deserialize)]
#[serde(default)]
struct PlatformSpans {
    approved: Vec<PlatformSpan>,
    barred: Vec<PlatformSpan>,
    former: Vec<PlatformSpan>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct PlatformSpan {
    url: Option<serde_saphyr::Spanned<String>>,
}

impl Platform {
    pub fn regulation_name(&self) -> &str {
        self.as_written.as_deref().unwrap_or(&self.name)
    }
}

impl Platform {
    /// Whether `what` (trimmed) names this platform: its id, name or the regulation's spelling
    /// (letter case aside), or one of its aliases as search compares them ([`alias_key`]).
    fn is_named(&self, what: &str) -> bool {
        self.id.eq_ignore_ascii_case(what)
            || self.name.eq_ignore_ascii_case(what)
            || self.as_written.as_deref().is_some_and(|w| w.eq_ignore_ascii_case(what))
            || self.aliases.iter().any(|a| alias_key(a) == alias_key(what))
    }
}

/// How search compares platform names and aliases: lower case, runs of spaces and hyphens as one space.
pub fn alias_key(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Platforms {
    /// Footnote 1 as the regulation words it: "…: Facebook, Twitter, … Flickr and blogs."
    pub fn approved_sentence(&self) -> String {
        let names: Vec<&str> = self.approved.iter().map(Platform::regulation_name).collect();
        format!("{} {}.", self.approved_intro.trim_end(), join_and(&names))
    }

    /// A platform by id, name, the regulation's spelling ("Blogs", "blog", "Snap Chat") or one of its
    /// aliases ("x", "ig": each names one platform, `validate_aliases`), and whether it is
    /// approved. Callers store `platform.id`, never what the user typed.
    pub fn find(&self, id: &str) -> Option<(&Platform, bool)> {
        let id = id.trim();
        let approved = self.approved.iter().map(|p| (p, true));
        approved.chain(self.barred.iter().map(|p| (p, false))).find(|(p, _)| p.is_named(id))
    }

    /// Any platform of the file by its exact id: approved, barred or former.
    pub fn by_id(&self, id: &str) -> Option<&Platform> {
        self.approved.iter().chain(&self.barred).chain(&self.former).find(|p| p.id == id)
    }

    /// A former platform by id, name, the regulation's spelling or an alias.
    pub fn find_former(&self, id: &str) -> Option<&Platform> {
        self.former.iter().find(|p| p.is_named(id.trim()))
    }

    /// The dated changes of the approved list, oldest first (for the change feed and `/platforms/`).
    pub fn changes(&self) -> &[PlatformChange] {
        &self.history
    }

    /// The most recent history entry that removed `id`, if any.
    pub fn removal_of(&self, id: &str) -> Option<&PlatformChange> {
        self.history.iter().rev().find(|c| c.removed.iter().any(|r| r == id))
    }

    /// Display name for an id, also for platforms that have left both lists.
    pub fn name_of(&self, id: &str) -> String {
        self.by_id(id).map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    /// Check the list and fill in the history's display fields. Every problem is reported.
    pub(crate) fn validate(&mut self, text: &str) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::default();
        let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).map_or(1, |i| i + 1);
        // A platform that joins the approved (or barred) list needs no other edit: its `not_listed`
        // entry, now stale, is dropped.
        let listed: BTreeSet<String> =
            self.approved.iter().chain(&self.barred).chain(&self.former).map(|p| p.id.clone()).collect();
        self.not_listed.retain(|p| !listed.contains(&p.id));
        self.validate_ids(&line_of, &mut diags);
        self.validate_urls(text, &line_of, &mut diags);
        self.validate_aliases(&line_of, &mut diags);
        for p in self.barred.iter().filter(|p| p.reason.is_none()) {
            diags.push(err(
                line_of(&format!("id: {}", p.id)),
                format!("barred platform `{}` has no `reason`", p.id),
                "say why, in the regulation's words; staff see it on the request form",
            ));
        }
        for p in self.former.iter().filter(|p| self.removal_of(&p.id).is_none()) {
            diags.push(err(
                line_of(&format!("id: {}", p.id)),
                format!("former platform `{}` has no removal in `history`", p.id),
                "add `- date: YYYY-MM-DD` with `removed: [id]` to the history for the day it left the list",
            ));
        }
        self.validate_history(text, &mut diags);
        diags.into_result(())
    }

    /// Every id a valid identifier, and no id on two entries (of any list).
    fn validate_ids(&self, line_of: &dyn Fn(&str) -> usize, diags: &mut Diagnostics) {
        let mut seen = BTreeSet::new();
        for p in self.approved.iter().chain(&self.barred).chain(&self.former).chain(&self.not_listed) {
            let line = line_of(&format!("id: {}", p.id));
            if let Some(d) = crate::ident::check(&p.id, "platform id", std::path::Path::new(PLATFORMS_FILE), line) {
                diags.push(d);
            }
            if !seen.insert(p.id.as_str()) {
                diags.push(err(
                    line,
                    format!("platform id `{}` appears twice", p.id),
                    "each platform needs its own id",
                ));
            }
        }
    }

    /// A platform's `url` is a link on /platforms/ and the request form: only web addresses, reported
    /// at the `url:` line when the parser gives it.
    fn validate_urls(&self, text: &str, line_of: &dyn Fn(&str) -> usize, diags: &mut Diagnostics) {
        let spans: PlatformSpans = serde_saphyr::from_str(text).unwrap_or_default();
        let url_spans = spans.approved.iter().chain(&spans.barred).chain(&spans.former);
        for (p, span) in self
            .approved
            .iter()
            .chain(&self.barred)
            .chain(&self.former)
            .zip(url_spans.map(Some).chain(std::iter::repeat(None)))
        {
            let Some(u) = &p.url else { continue };
            let ok = url::Url::parse(u).is_ok_and(|x| {
                matches!(x.scheme(), "http" | "https")
                    && x.host().is_some()
                    && x.username().is_empty()
                    && x.password().is_none()
            });
            if !ok {
                let line = span
                    .and_then(|s| s.url.as_ref())
                    .map_or_else(|| line_of(&format!("id: {}", p.id)), |s| s.referenced.line() as usize);
                diags.push(err(
                    line,
                    format!("platform `{}`: `url: {}` is not an http or https address", p.id, u.escape_default()),
                    "write the platform's home page, e.g. `https://www.facebook.com/` (no user name or password)",
                ));
            }
        }
    }

    /// An alias names one platform: search would otherwise not know which entry a query means, and a
    /// request naming its platform by an alias would get another platform than the one meant (an
    /// approved `x` with the alias `twitter` beside a former `twitter`).
    fn validate_aliases(&self, line_of: &dyn Fn(&str) -> usize, diags: &mut Diagnostics) {
        let mut names: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
        let all = || self.approved.iter().chain(&self.barred).chain(&self.former).chain(&self.not_listed);
        for p in all() {
            for own in [Some(&p.id), Some(&p.name), p.as_written.as_ref()].into_iter().flatten() {
                names.insert(alias_key(own), &p.id);
            }
        }
        for p in all() {
            for alias in &p.aliases {
                let key = alias_key(alias);
                if let Some(other) = names.insert(key, &p.id)
                    && other != p.id
                {
                    diags.push(err(
                        line_of(alias),
                        format!("alias `{alias}` of `{}` also names `{other}`", p.id),
                        "give each alias to one platform only, and none that is another platform's id or name",
                    ));
                }
            }
        }
    }

    /// History rules: dates in order, each entry changes something or says why it is there, nothing
    /// is added twice or removed while not approved, and every platform the history added that is
    /// no longer approved has a recorded removal.
    fn validate_history(&mut self, text: &str, diags: &mut Diagnostics) {
        if self.history.is_empty() {
            return;
        }
        let history_start = crate::yaml::key_line(text, "history", 1).unwrap_or(1);
        let entry_line = |i: usize| {
            text.lines()
                .enumerate()
                .skip(history_start)
                .filter(|(_, l)| l.trim_start().starts_with("- date:"))
                .nth(i)
                .map_or(history_start, |(n, _)| n + 1)
        };
        let help = "the history lists, oldest first, each date the approved list changed: `- date: YYYY-MM-DD`, `added: [id]`, `removed: [id]`, `note: …`";
        let mut listed: BTreeSet<String> = BTreeSet::new();
        let mut previous: Option<Date> = None;
        for (i, c) in self.history.iter().enumerate() {
            let at = |msg: String| Diagnostic::new(PLATFORMS_FILE, msg).at(entry_line(i), None).help(help);
            if previous.is_some_and(|p| c.date < p) {
                diags.push(at(format!("history entry {} is dated before the one above it", c.date)));
            }
            previous = Some(c.date);
            if c.added.is_empty() && c.removed.is_empty() && c.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                diags.push(at(format!("history entry {} adds nothing, removes nothing and has no note", c.date)));
            }
            for id in &c.added {
                if !listed.insert(id.clone()) {
                    diags.push(at(format!("history entry {} adds `{id}`, which is already approved then", c.date)));
                }
            }
            for id in &c.removed {
                if !listed.remove(id) {
                    diags.push(at(format!("history entry {} removes `{id}`, which is not approved then", c.date)));
                }
            }
        }
        // A platform approved but never added is taken as approved before the recorded history
        // (adding one without a history entry stays possible). A platform the history added that is
        // no longer approved must have its removal recorded: `request audit` and the feed rely on it.
        let approved: BTreeSet<String> = self.approved.iter().map(|p| p.id.clone()).collect();
        for id in listed.difference(&approved) {
            diags.push(
                Diagnostic::new(PLATFORMS_FILE, format!("the history adds `{id}`, but it is not in `approved`"))
                    .at(history_start, None)
                    .help("record its removal (`removed: [id]` with the date), or put it back in `approved`"),
            );
        }
        let names: Vec<(Vec<String>, Vec<String>)> = self
            .history
            .iter()
            .map(|c| {
                (
                    c.added.iter().map(|id| self.name_of(id)).collect(),
                    c.removed.iter().map(|id| self.name_of(id)).collect(),
                )
            })
            .collect();
        for (c, (added, removed)) in self.history.iter_mut().zip(names) {
            c.added_names = added;
            c.removed_names = removed;
            c.date_long = c.date.long();
        }
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
