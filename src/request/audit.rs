//! `request audit`: the directory's active accounts on platforms the regulation no longer approves.
//! Regulation 6973.1R allows official accounts only on approved platforms, so when a platform leaves
//! the list (a `removed:` entry in the platform history) or is barred, its accounts need a decision.

use serde::Serialize;

use super::directory::Status;
use crate::date::Date;
use crate::load::data::Data;

/// One active account on a platform that is not approved.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub request_id: String,
    pub platform: String,
    pub platform_name: String,
    pub handle: String,
    pub unit: String,
    pub approved: Date,
    /// When the platform left the approved list, from the history.
    pub removed_on: Option<Date>,
    /// Why: the history note, or the barred platform's reason.
    pub why: String,
}

pub fn audit(data: &Data) -> Vec<Finding> {
    let platforms = &data.platforms;
    data.directory
        .accounts
        .iter()
        .filter(|a| a.status == Status::Active)
        .filter(|a| !platforms.approved.iter().any(|p| p.id == a.platform))
        .map(|a| {
            let removal = platforms.removal_of(&a.platform);
            let barred = platforms.barred.iter().find(|p| p.id == a.platform);
            let why = match (removal, barred) {
                (Some(c), _) => c.note.clone().unwrap_or_else(|| "removed from the approved list".into()),
                (None, Some(p)) => p.reason.clone().unwrap_or_else(|| "barred".into()),
                (None, None) => "not on the approved list".into(),
            };
            Finding {
                request_id: a.request_id.clone(),
                platform: a.platform.clone(),
                platform_name: platforms.name_of(&a.platform),
                handle: a.handle.clone(),
                unit: a.unit.clone(),
                approved: a.approved,
                removed_on: removal.map(|c| c.date),
                why,
            }
        })
        .collect()
}
