//! The central directory of official accounts (`data/directory.yaml`), kept by the Communications
//! Department with `policysite request approve` / `revoke` and published on `/directory/`. The data
//! types live in [`crate::load::directory`], so loading the site never depends on this module.

pub use crate::load::directory::*;

use crate::date::Date;

/// What `approve` did.
#[derive(Debug, PartialEq)]
pub enum Approval {
    Added,
    /// The same request was approved before: nothing changed.
    AlreadyApproved,
}

impl Directory {
    /// Add the account of a checked request. Refuses a different request for an account that is
    /// already active; approving the same request twice changes nothing.
    /// The platform is stored by its id (never the alias the request used) and the address as the
    /// `url` crate serializes it, after the same checks `request check` made.
    pub fn approve(
        &mut self,
        req: &super::schema::Request,
        platforms: &crate::load::data::Platforms,
        today: Date,
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
        self.accounts.push(Account {
            request_id: req.id.clone(),
            platform,
            handle: req.account.handle.trim().to_string(),
            url,
            account_type: req.account.kind.clone(),
            unit: req.account.unit.trim().to_string(),
            name: Some(req.account.name.trim().to_string()),
            approved: today,
            managers: req
                .administrators
                .iter()
                .map(|a| Manager {
                    name: a.name.trim().to_string(),
                    email: crate::quiz::code::normalize_email(&a.email),
                })
                .collect(),
            status: Status::Active,
            retired: None,
            retired_reason: None,
        });
        Ok(Approval::Added)
    }

    /// Mark an account closed. It stays in the file as history. `key` is a request id or
    /// `platform:handle`.
    pub fn revoke(&mut self, key: &str, reason: &str, today: Date) -> Result<&Account, String> {
        let found = self.accounts.iter().position(|a| {
            a.status == Status::Active
                && (a.request_id == key
                    || key
                        .split_once(':')
                        .is_some_and(|(p, h)| a.platform == p && normalise_handle(&a.handle) == normalise_handle(h)))
        });
        let i =
            found.ok_or_else(|| format!("no active account matches `{key}` (use a request id or platform:handle)"))?;
        let a = &mut self.accounts[i];
        a.status = Status::Retired;
        a.retired = Some(today);
        a.retired_reason = Some(reason.to_string()).filter(|r| !r.trim().is_empty());
        Ok(&self.accounts[i])
    }
}
