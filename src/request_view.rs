//! The directory as the site shows it: the `/directory/` page's context and `directory/accounts.json`.
//! Kept out of [`crate::request`] so the request domain knows nothing of the site model.

use crate::request::directory;
use serde::Serialize;

use crate::model::Site;

#[derive(Serialize)]
struct UnitView {
    unit: String,
    accounts: Vec<AccountView>,
}

#[derive(Serialize)]
struct AccountView {
    name: String,
    platform: String,
    platform_name: String,
    handle: String,
    url: Option<String>,
    approved: String,
    approved_long: String,
    managers: Vec<String>,
}

/// The directory as the `/directory/` page shows it: active accounts grouped by school or department,
/// sorted; managers only when `site.yaml` says this is an intranet build.
pub fn directory_view(site: &Site) -> serde_json::Value {
    let show = site.config.directory.show_managers;
    let mut units: std::collections::BTreeMap<String, Vec<AccountView>> = Default::default();
    for a in site.data.directory.accounts.iter().filter(|a| a.status == directory::Status::Active) {
        let platform_name = site.data.platforms.name_of(&a.platform);
        units.entry(a.unit.clone()).or_default().push(AccountView {
            name: a.name.clone().unwrap_or_else(|| a.unit.clone()),
            platform: a.platform.clone(),
            platform_name,
            handle: a.handle.clone(),
            url: a.url.clone(),
            approved: a.approved.to_string(),
            approved_long: a.approved.long(),
            managers: if show {
                a.managers.iter().map(|m| manager_line(m, &site.quizzes)).collect()
            } else {
                Vec::new()
            },
        });
    }
    let units: Vec<UnitView> = units
        .into_iter()
        .map(|(unit, mut accounts)| {
            accounts.sort_by(|a, b| (&a.platform_name, &a.handle).cmp(&(&b.platform_name, &b.handle)));
            UnitView { unit, accounts }
        })
        .collect();
    serde_json::json!({ "units": units, "show_managers": show, "count": units.iter().map(|u| u.accounts.len()).sum::<usize>() })
}

/// A manager as an intranet build shows them: the name and the status of their training (the last
/// day all of it counts, a date, so the build does not depend on the day it runs), never the codes
/// or LMS rows behind it.
fn manager_line(m: &directory::Manager, quizzes: &crate::quiz::Quizzes) -> String {
    match training_counts_until(m, quizzes) {
        Ok(Some(d)) => format!("{} (training counts until {d})", m.name),
        Ok(None) => format!("{} (no training on record)", m.name),
        Err(quiz) => format!("{} (training no longer counts: `{quiz}` was revised)", m.name),
    }
}

/// The last day all of a manager's recorded training counts, judged against the quizzes as they
/// stand, as `request audit` judges it: a revision published since approval shortens a date to its
/// `retrain_by`. `Err(quiz)` when a revision ended it; `Ok(None)` when nothing is on record.
fn training_counts_until(
    m: &directory::Manager,
    quizzes: &crate::quiz::Quizzes,
) -> Result<Option<crate::date::Date>, String> {
    let mut until: Option<crate::date::Date> = None;
    for t in &m.training {
        let d = crate::request::training::still_counts_until(t, quizzes).map_err(|_| t.quiz.clone())?;
        until = Some(until.map_or(d, |u| u.min(d)));
    }
    Ok(until)
}

/// `directory/accounts.json`: the machine-readable export beside the page.
pub fn site_files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let show = site.config.directory.show_managers;
    let accounts: Vec<serde_json::Value> = site
        .data
        .directory
        .accounts
        .iter()
        .filter(|a| a.status == directory::Status::Active)
        .map(|a| {
            let mut v = serde_json::json!({
                "unit": a.unit, "name": a.name, "type": a.account_type, "platform": a.platform,
                "handle": a.handle, "url": a.url, "approved": a.approved,
            });
            if show {
                v["managers"] = serde_json::json!(a.managers.iter().map(|m| &m.name).collect::<Vec<_>>());
                v["manager_training"] = serde_json::json!(
                    a.managers
                        .iter()
                        .map(|m| serde_json::json!({ "name": m.name, "training_counts_until": training_counts_until(m, &site.quizzes).ok().flatten() }))
                        .collect::<Vec<_>>()
                );
            }
            v
        })
        .collect();
    let doc = serde_json::json!({ "schema": "policysite/directory", "version": 1, "district": site.config.district, "accounts": accounts });
    vec![(
        "directory/accounts.json".into(),
        (serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n").into_bytes(),
    )]
}
