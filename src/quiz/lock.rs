//! `quizzes/revisions.lock`: the published revision of every quiz, kept in the site's sources (commit
//! it; it is never copied into the published site). Written only by `policysite publish`; `build` and
//! `serve` only read it.
//!
//! Per published revision it keeps the per-question fingerprints (so a build can say *which*
//! question changed), how many editorial declarations its text covers, the retraining window it
//! opened for the revision before it, and the quiz key: the verification material `verify` needs to
//! check codes of that revision once it has been superseded (the answers that derive it are gone from
//! the quiz file by then).
//!
//! The file is JSON. A lock written by the first policysite versions (a header, then lines `id
//! revision fingerprint`) is still read, strictly; `publish` rewrites it in this format. Anything else
//! is an error ([`crate::lockfile`]), and `publish` never drops an entry ([`dropped`]).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::fingerprint::QuestionPrint;
use super::types::{LOCK_FILE, MAX_REVISION};
use crate::date::Date;
use crate::diag::Diagnostic;

pub const FORMAT: &str = "policysite/quiz-revisions";

/// One published revision of one quiz.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    pub revision: u32,
    /// The day `publish` recorded it (`None` for entries of the old lock format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    /// Until when codes of the revision before this one count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrain_by: Option<Date>,
    /// How many `editorial:` entries of the quiz file the recorded text covers.
    #[serde(default)]
    pub editorial: usize,
    /// The quiz key (hex): checks codes of this revision after it is superseded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default)]
    pub questions: Vec<QuestionPrint>,
    /// Fingerprint from the old lock format, when that is all there is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy: Option<String>,
}

impl Published {
    /// The quiz key, when this entry has one.
    pub fn key_bytes(&self) -> Option<[u8; 32]> {
        let hex = self.key.as_deref()?;
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(out)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub about: Vec<String>,
    /// Quiz id → its published revisions, oldest first.
    #[serde(default, deserialize_with = "unique_keys")]
    pub quizzes: BTreeMap<String, Vec<Published>>,
}

/// A map whose keys appear once (JSON allows a key twice; a hand-resolved merge may produce it, and
/// reading the last one only would forget the first one's entries).
pub(crate) fn unique_keys<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Visit<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
        type Value = BTreeMap<String, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map with each key once")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, V>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format!("`{k}` appears twice")));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit(std::marker::PhantomData))
}

impl Lock {
    pub fn entries(&self, quiz: &str) -> &[Published] {
        self.quizzes.get(quiz).map_or(&[], Vec::as_slice)
    }
}

/// The first line the first lock format (written by `policysite build`) began with.
const LEGACY_HEADER: [&str; 3] = [
    "# Quiz revision lock, written by `policysite build`. Commit it.",
    "# One line per published revision: quiz id, revision, fingerprint of its questions and answers.",
    "# A build fails if a quiz's questions or answers change while its revision stays the same.",
];

/// Read the lock; a missing lock is an empty one, a damaged one an error (see [`crate::lockfile`]).
pub fn read(root: &Path) -> Result<Lock, Diagnostic> {
    crate::fsutil::check_inside(&root.join(LOCK_FILE), root)?;
    let bytes = match std::fs::read(root.join(LOCK_FILE)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Lock::default()),
        Err(e) => {
            return Err(Diagnostic::new(LOCK_FILE, format!("cannot read: {e}")).help("check the file's permissions"));
        }
    };
    parse_bytes(&bytes)
}

/// Parse a lock's bytes: exactly what `publish` writes (JSON), or the first format, strictly.
pub fn parse_bytes(bytes: &[u8]) -> Result<Lock, Diagnostic> {
    parse(crate::lockfile::text(LOCK_FILE, bytes, b"{#")?)
}

fn restore_help() -> String {
    format!(
        "restore it from version control (`git checkout -- {LOCK_FILE}`): it is written only by `policysite publish`"
    )
}

/// The line of `"<quiz id>":` in the JSON text (for messages), or 1.
fn quiz_line(text: &str, id: &str) -> usize {
    let key = format!("{}:", serde_json::Value::String(id.to_string()));
    text.lines().position(|l| l.trim_start().starts_with(&key)).map_or(1, |i| i + 1)
}

pub fn parse(text: &str) -> Result<Lock, Diagnostic> {
    if text.starts_with('#') {
        return parse_legacy(text);
    }
    let lock: Lock =
        crate::lockfile::parse_json(LOCK_FILE, text, FORMAT, |l: &Lock| l.format.as_str(), &restore_help())?;
    for (id, entries) in &lock.quizzes {
        let at = |msg: String| Diagnostic::new(LOCK_FILE, msg).at(quiz_line(text, id), None).help(restore_help());
        if !crate::ident::valid(id) {
            return Err(at(format!("quiz id {id:?} in the lock is not a plain identifier")));
        }
        if let Some(bad) = entries.iter().find(|p| p.revision == 0 || p.revision > MAX_REVISION) {
            return Err(at(format!(
                "quiz `{id}` has revision {} recorded (revisions go from 1 to {MAX_REVISION})",
                bad.revision
            )));
        }
        if let Some(w) = entries.windows(2).find(|w| w[0].revision >= w[1].revision) {
            return Err(at(format!(
                "quiz `{id}` has revision {} recorded after revision {} (each revision once, oldest first)",
                w[1].revision, w[0].revision
            )));
        }
        if let Some(bad) = entries.iter().find(|p| p.key.is_some() && p.key_bytes().is_none()) {
            return Err(at(format!("the key of revision {} of quiz `{id}` is not 64 hex digits", bad.revision)));
        }
        if let Some(bad) = entries.iter().find(|p| p.key.is_none() && p.legacy.is_none()) {
            return Err(at(format!("revision {} of quiz `{id}` has no key", bad.revision)));
        }
    }
    Ok(lock)
}

/// The first lock format: its header, then `id revision fingerprint` per line. Read strictly: any
/// other line is an error at its line (a line skipped would be a published revision forgotten).
fn parse_legacy(text: &str) -> Result<Lock, Diagnostic> {
    let mut lock = Lock::default();
    let bad = |n: usize, what: &str| {
        Diagnostic::new(LOCK_FILE, format!("the lock file (first format) is damaged: {what}"))
            .at(n + 1, Some(1))
            .help(restore_help())
    };
    let Some(rest) = text.strip_prefix(LEGACY_HEADER[0]).and_then(|r| r.strip_prefix('\n')) else {
        return Err(bad(0, "it does not start with the header `policysite build` wrote"));
    };
    if !text.ends_with('\n') {
        return Err(bad(text.lines().count() - 1, "the last line is cut short (no line end)"));
    }
    for (n, line) in rest.lines().enumerate().map(|(n, l)| (n + 1, l)) {
        if LEGACY_HEADER[1..].contains(&line) && n <= 2 {
            continue;
        }
        let parts: Vec<&str> = line.split(' ').collect();
        let [id, rev, fp] = parts[..] else {
            return Err(bad(n, "expected `quiz-id revision fingerprint`, separated by single spaces"));
        };
        let revision =
            rev.parse::<u32>().ok().filter(|r| (1..=MAX_REVISION).contains(r) && !rev.starts_with(['0', '+']));
        let Some(revision) = revision else {
            return Err(bad(n, &format!("revision {rev:?} is not a number from 1 to {MAX_REVISION}")));
        };
        if !crate::ident::valid(id) {
            return Err(bad(n, &format!("quiz id {id:?} is not a plain identifier")));
        }
        if fp.len() != 64 || !fp.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(bad(n, "the fingerprint is not 64 lower-case hex digits"));
        }
        let entries = lock.quizzes.entry(id.to_string()).or_default();
        if entries.iter().any(|p| p.revision == revision) {
            return Err(bad(n, &format!("revision {revision} of quiz `{id}` is recorded twice")));
        }
        entries.push(Published {
            revision,
            published: None,
            retrain_by: None,
            editorial: 0,
            key: None,
            questions: Vec::new(),
            legacy: Some(fp.to_string()),
        });
    }
    for entries in lock.quizzes.values_mut() {
        entries.sort_by_key(|p| p.revision);
    }
    Ok(lock)
}

/// Why `new` would drop or change what `old` recorded, if it does: the lock is append-only.
pub fn dropped(old: &Lock, new: &Lock) -> Option<String> {
    for (id, entries) in &old.quizzes {
        for e in entries {
            match new.entries(id).iter().find(|n| n.revision == e.revision) {
                None => return Some(format!("revision {} of quiz `{id}` would be dropped", e.revision)),
                Some(n) if e.key.is_some() && n.key != e.key => {
                    return Some(format!("the key of revision {} of quiz `{id}` would change", e.revision));
                }
                Some(_) => {}
            }
        }
    }
    None
}

/// Merge the two sides of a conflicted lock: every entry of both. Refuses when the two sides hold
/// different keys for one revision (they published different answers under one revision number).
/// When they hold the same key but other fields differ (an editorial change or retraining window
/// recorded on one side), the side with more declared editorial changes wins, then the later one.
pub fn merge(ours: &Lock, theirs: &Lock) -> Result<Lock, String> {
    let mut out = ours.clone();
    for (id, entries) in &theirs.quizzes {
        let mine = out.quizzes.entry(id.clone()).or_default();
        for t in entries {
            match mine.iter_mut().find(|m| m.revision == t.revision) {
                None => mine.push(t.clone()),
                Some(m) if m == t => {}
                Some(m) => {
                    if m.key.is_some() && t.key.is_some() && m.key != t.key {
                        return Err(format!(
                            "the two sides record different keys for revision {} of quiz `{id}`: each published other answers under that revision, and codes of both may exist",
                            t.revision
                        ));
                    }
                    if m.legacy.is_some() && t.legacy.is_some() && m.legacy != t.legacy {
                        return Err(format!(
                            "the two sides record different fingerprints for revision {} of quiz `{id}`",
                            t.revision
                        ));
                    }
                    let theirs_wins = (m.key.is_none() && t.key.is_some())
                        || (t.key.is_some() && (t.editorial, t.published) > (m.editorial, m.published));
                    if theirs_wins {
                        *m = t.clone();
                    }
                }
            }
        }
        mine.sort_by_key(|p| p.revision);
    }
    Ok(out)
}

/// Write the lock atomically (callers hold the publish lock, see [`super::publish`]).
pub fn write(root: &Path, lock: &Lock) -> std::io::Result<()> {
    let mut lock = lock.clone();
    lock.format = FORMAT.into();
    lock.about = vec![
        "Published quiz revisions, written by `policysite publish`. Commit this file; it is never published.".into(),
        "Each entry keeps what decides right or wrong (answers), the wording (text), and the key that".into(),
        "verifies codes of the revision after it is superseded. Do not edit it by hand.".into(),
    ];
    let mut json = serde_json::to_string_pretty(&lock).map_err(std::io::Error::other)?;
    json.push('\n');
    crate::lockfile::write(&root.join(LOCK_FILE), json.as_bytes())
}
