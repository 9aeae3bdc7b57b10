//! The central directory of official accounts (`data/directory.yaml`), kept by the Communications
//! Department with `policysite request approve` / `update` / `renew` / `review` / `revoke` and
//! published on `/directory/`. The data types live in [`crate::load::directory`], so loading the
//! site never depends on this module. Every change appends to the account's `history`.

pub use crate::load::directory::*;

use super::training::Evidence;
use crate::date::Date;

/// What `approve` did.
#[derive(Debug, PartialEq)]
pub enum Approval {
    Added,
    /// The same request was approved before: nothing changed.
    AlreadyApproved,
}

/// Who makes a change, when, and from which file.
pub struct Actor<'a> {
    pub by: &'a str,
    pub today: Date,
    pub source: Option<String>,
}

impl Actor<'_> {
    fn change(&self, action: &str, what: String) -> Change {
        Change {
            date: self.today,
            by: self.by.to_string(),
            action: action.to_string(),
            what,
            source: self.source.clone(),
        }
    }
}

/// The managers of a checked request, each with the training evidence accepted for them.
fn managers(req: &super::schema::Request, evidence: &[Evidence]) -> Vec<Manager> {
    req.administrators
        .iter()
        .enumerate()
        .map(|(i, a)| Manager {
            name: a.name.trim().to_string(),
            email: crate::quiz::code::normalize_email(&a.email),
            training: evidence.iter().filter(|e| e.index == i).filter_map(|e| e.accepted.clone()).collect(),
        })
        .collect()
}

/// "public-records code (revision 3, completed 2026-11-20, counts until 2027-11-20)".
pub fn describe_training(t: &Training) -> String {
    let kind = match (&t.kind, &t.lms) {
        (EvidenceKind::Lms, Some(row)) => format!("LMS report {} line {}", row.file, row.line),
        (EvidenceKind::Lms, None) => "LMS report".to_string(),
        (EvidenceKind::Code, _) => "code".to_string(),
    };
    format!("{} {kind} (revision {}, completed {}, counts until {})", t.quiz, t.revision, t.completed, t.counts_until)
}

/// What an update request changes on `old`, in words; empty when applying it would change nothing
/// but, perhaps, the training on record. The address is compared as the directory would store it
/// (as the `url` crate writes it: `WWW.Instagram.com` is `www.instagram.com`).
pub fn describe_update(
    old: &Account,
    req: &super::schema::Request,
    platforms: &crate::load::data::Platforms,
) -> Vec<String> {
    let norm = |e: &str| crate::quiz::code::normalize_email(e);
    let mut what = Vec::new();
    let added: Vec<String> = req
        .administrators
        .iter()
        .filter(|a| !old.managers.iter().any(|m| m.email == norm(&a.email)))
        .map(|a| format!("{} <{}>", a.name.trim(), norm(&a.email)))
        .collect();
    let removed: Vec<String> = old
        .managers
        .iter()
        .filter(|m| !req.administrators.iter().any(|a| norm(&a.email) == m.email))
        .map(|m| format!("{} <{}>", m.name, m.email))
        .collect();
    if !added.is_empty() {
        what.push(format!("administrators added: {}", added.join(", ")));
    }
    if !removed.is_empty() {
        what.push(format!("administrators removed: {}", removed.join(", ")));
    }
    for m in &old.managers {
        let renamed = req.administrators.iter().find(|a| norm(&a.email) == m.email && a.name.trim() != m.name);
        if let Some(a) = renamed {
            what.push(format!("administrator {} <{}> renamed {}", m.name, m.email, a.name.trim()));
        }
    }
    if req.account.handle.trim() != old.handle {
        what.push(format!("handle {} → {}", old.handle, req.account.handle.trim()));
    }
    let url = req.account.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let stored = |u: &str| platforms.by_id(&old.platform).and_then(|p| p.check_account_url(u).ok());
    let url = url.map(|u| stored(u).unwrap_or_else(|| u.to_string()));
    if url != old.url {
        what.push(format!(
            "address {} → {}",
            old.url.as_deref().unwrap_or("(none)"),
            url.as_deref().unwrap_or("(none)")
        ));
    }
    if req.account.unit.trim() != old.unit {
        what.push(format!("unit {} → {}", old.unit, req.account.unit.trim()));
    }
    if Some(req.account.name.trim()) != old.name.as_deref() {
        what.push(format!("name {} → {}", old.name.as_deref().unwrap_or("(none)"), req.account.name.trim()));
    }
    what
}

/// For each quiz of the request's evidence (`new`: the quizzes required now), the newer of it and the
/// record on file (`old`): the one that counts longer, then the later pass; on a tie the record on
/// file, so the same evidence accepted again changes nothing. A quiz only the record has (no longer
/// required) is dropped, as an update always dropped it.
fn newest_training(old: &[Training], new: Vec<Training>) -> Vec<Training> {
    let mut kept: Vec<Training> = new
        .into_iter()
        .map(|t| match old.iter().find(|o| o.quiz == t.quiz) {
            Some(o) if (o.counts_until, o.completed) >= (t.counts_until, t.completed) => o.clone(),
            _ => t,
        })
        .collect();
    kept.sort_by(|x, y| x.quiz.cmp(&y.quiz));
    kept
}

/// Managers with each one's training in quiz order, to compare two lists whatever order the
/// evidence came in.
fn by_quiz(managers: &[Manager]) -> Vec<Manager> {
    let mut sorted = managers.to_vec();
    for m in &mut sorted {
        m.training.sort_by(|x, y| x.quiz.cmp(&y.quiz));
    }
    sorted
}

impl Directory {
    /// Add the account of a checked request with the evidence its check accepted. Refuses a
    /// different request for an account that is already active; approving the same request twice
    /// changes nothing. The platform is stored by its id (never the alias the request used) and the
    /// address as the `url` crate serializes it, after the same checks `request check` made.
    pub fn approve(
        &mut self,
        req: &super::schema::Request,
        platforms: &crate::load::data::Platforms,
        evidence: &[Evidence],
        actor: &Actor<'_>,
    ) -> Result<Approval, String> {
        if self.accounts.iter().any(|a| a.request_id == req.id && a.status == Status::Active) {
            return Ok(Approval::AlreadyApproved);
        }
        let Some((p, true)) = platforms.find(&req.account.platform) else {
            return Err(format!("`{}` is not an approved platform", req.account.platform));
        };
        let platform = p.id.clone();
        let url = match req.account.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => Some(p.check_account_url(u)?),
            None => None,
        };
        if let Some(existing) = self.find_active(&platform, &req.account.handle) {
            return Err(format!(
                "{} on {} is already in the directory (request {}, approved {}); revoke it first if this request replaces it",
                existing.handle, existing.platform, existing.request_id, existing.approved
            ));
        }
        let managers = managers(req, evidence);
        let what = format!(
            "approved {} {} for {} ({}); administrators: {}",
            platform,
            req.account.handle.trim(),
            req.account.unit.trim(),
            req.account.kind,
            managers.iter().map(|m| format!("{} <{}>", m.name, m.email)).collect::<Vec<_>>().join(", ")
        );
        let mut history = vec![actor.change("approved", what)];
        for m in &managers {
            for t in &m.training {
                history.push(actor.change("evidence", format!("{} <{}>: {}", m.name, m.email, describe_training(t))));
            }
        }
        self.accounts.push(Account {
            request_id: req.id.clone(),
            platform,
            handle: req.account.handle.trim().to_string(),
            url,
            account_type: req.account.kind.clone(),
            unit: req.account.unit.trim().to_string(),
            name: Some(req.account.name.trim().to_string()),
            approved: actor.today,
            managers,
            status: Status::Active,
            retired: None,
            retired_reason: None,
            approved_by: Some(actor.by.to_string()),
            reviewed: None,
            history,
        });
        Ok(Approval::Added)
    }

    /// Apply a checked update request to the account at `index`: administrators (the request's list
    /// replaces the old one), handle, address, unit and name. An administrator who stays keeps, for
    /// each quiz, the newer of the record on file and the request's evidence: an update written
    /// before a renewal but applied after it never shortens the training on record. Returns what
    /// changed; `None` when nothing would (the same update applied again), and then writes nothing.
    pub fn update(
        &mut self,
        index: usize,
        req: &super::schema::Request,
        platforms: &crate::load::data::Platforms,
        evidence: &[Evidence],
        actor: &Actor<'_>,
    ) -> Result<Option<Vec<String>>, String> {
        let what = describe_update(&self.accounts[index], req, platforms);
        let platform = self.accounts[index].platform.clone();
        let url = match req.account.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => match platforms.find(&platform) {
                Some((p, _)) => Some(p.check_account_url(u)?),
                None => Some(u.to_string()),
            },
            None => None,
        };
        if let Some(other) = self.find_active(&platform, &req.account.handle)
            && other.request_id != self.accounts[index].request_id
        {
            return Err(format!(
                "{} on {} is already another official account (request {})",
                other.handle, platform, other.request_id
            ));
        }
        if req.administrators.is_empty() {
            return Err("an account keeps at least one administrator".into());
        }
        let mut managers = managers(req, evidence);
        for m in &mut managers {
            if let Some(old) = self.accounts[index].managers.iter().find(|o| o.email == m.email) {
                m.training = newest_training(&old.training, std::mem::take(&mut m.training));
            }
        }
        let a = &mut self.accounts[index];
        // Nothing described, and the training on record as new or newer: the same update applied again.
        if what.is_empty() && by_quiz(&managers) == by_quiz(&a.managers) {
            return Ok(None);
        }
        let old_training: Vec<Training> = a.managers.iter().flat_map(|m| m.training.iter().cloned()).collect();
        a.handle = req.account.handle.trim().to_string();
        a.url = url;
        a.unit = req.account.unit.trim().to_string();
        a.name = Some(req.account.name.trim().to_string());
        a.managers = managers;
        let summary =
            if what.is_empty() { "administrators' training re-recorded".to_string() } else { what.join("; ") };
        a.history.push(actor.change("updated", format!("{summary} (update request {})", req.id)));
        let newly: Vec<Change> =
            a.managers
                .iter()
                .flat_map(|m| {
                    m.training.iter().filter(|t| !old_training.contains(t)).map(|t| {
                        actor.change("evidence", format!("{} <{}>: {}", m.name, m.email, describe_training(t)))
                    })
                })
                .collect();
        a.history.extend(newly);
        Ok(Some(what))
    }

    /// Record new training evidence for `email` on every active account they administer: each quiz's
    /// new record replaces the old one. Returns the accounts changed (`platform handle`).
    pub fn renew(&mut self, email: &str, training: &[Training], actor: &Actor<'_>) -> Vec<String> {
        let mut changed = Vec::new();
        for a in self.accounts.iter_mut().filter(|a| a.status == Status::Active) {
            let Some(m) = a.managers.iter_mut().find(|m| m.email == email) else { continue };
            for t in training {
                m.training.retain(|old| old.quiz != t.quiz);
                m.training.push(t.clone());
            }
            m.training.sort_by(|x, y| x.quiz.cmp(&y.quiz));
            let what = training.iter().map(describe_training).collect::<Vec<_>>().join("; ");
            let line = format!("{} <{}>: {what}", m.name, m.email);
            a.history.push(actor.change("renewed", line));
            changed.push(format!("{} {} ({})", a.platform, a.handle, a.unit));
        }
        changed
    }

    /// Record a periodic review of the account at `index`.
    pub fn review(&mut self, index: usize, note: &str, actor: &Actor<'_>) {
        let a = &mut self.accounts[index];
        a.reviewed = Some(actor.today);
        let what = if note.trim().is_empty() {
            "periodic review".to_string()
        } else {
            format!("periodic review: {}", note.trim())
        };
        a.history.push(actor.change("reviewed", what));
    }

    /// Mark an account closed. It stays in the file as history. `key` is a request id or
    /// `platform:handle`. For an account that is already retired, `Ok(Err(text))` says when.
    pub fn revoke(&mut self, key: &str, reason: &str, actor: &Actor<'_>) -> Result<Result<&Account, String>, String> {
        let i = self
            .find_by_key(key)
            .ok_or_else(|| format!("no account matches `{key}` (use a request id or platform:handle)"))?;
        let a = &mut self.accounts[i];
        if a.status == Status::Retired {
            return Ok(Err(format!(
                "{} on {} was already retired on {}{}; nothing to do",
                a.handle,
                a.platform,
                a.retired.map(|d| d.to_string()).unwrap_or_else(|| "an unrecorded date".into()),
                a.retired_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
            )));
        }
        a.status = Status::Retired;
        a.retired = Some(actor.today);
        a.retired_reason = Some(reason.to_string()).filter(|r| !r.trim().is_empty());
        let what = if reason.trim().is_empty() { "retired".to_string() } else { format!("retired: {}", reason.trim()) };
        a.history.push(actor.change("retired", what));
        Ok(Ok(&self.accounts[i]))
    }

    /// Directories written before the registry kept history: give each account a first history
    /// entry saying so, so `history` never starts in the middle. Done before every write.
    pub fn migrate(&mut self) {
        for a in &mut self.accounts {
            if a.history.is_empty() {
                a.history.push(Change {
                    date: a.approved,
                    by: a.approved_by.clone().unwrap_or_else(|| "unknown".into()),
                    action: "recorded".into(),
                    what: "approved before the directory kept history and training evidence; renew each administrator's training (`policysite request renew`) to record it".into(),
                    source: None,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(quiz: &str, completed: &str, counts_until: &str, accepted: &str) -> Training {
        let d = |s: &str| Date::parse(s).expect("date");
        Training {
            quiz: quiz.into(),
            kind: EvidenceKind::Code,
            revision: 1,
            completed: d(completed),
            counts_until: d(counts_until),
            code: Some(format!("{quiz}-{completed}")),
            lms: None,
            accepted: d(accepted),
        }
    }

    #[test]
    fn an_update_keeps_the_newer_record_of_each_required_quiz_only() {
        let old = vec![
            record("a", "2027-02-01", "2028-02-01", "2027-02-02"), // renewed: newer than the update's
            record("b", "2026-11-20", "2027-11-20", "2026-11-28"), // older than the update's
            record("dropped", "2026-11-20", "2027-11-20", "2026-11-28"), // no longer required
        ];
        let new = vec![
            record("a", "2026-11-20", "2027-11-20", "2027-02-03"),
            record("b", "2027-01-10", "2028-01-10", "2027-02-03"),
        ];
        let kept = newest_training(&old, new.clone());
        assert_eq!(kept, vec![old[0].clone(), new[1].clone()]);
        // The same evidence again: the records on file, unchanged (their acceptance dates too).
        assert_eq!(
            newest_training(&kept, kept.iter().map(|t| Training { accepted: t.completed, ..t.clone() }).collect()),
            kept
        );
    }
}
