//! The registry's changes after approval: `request update` (handover), `renew`, `review`, and
//! `history`. Each takes the directory lock through [`super::locked`].

use std::path::Path;

use super::steps::*;

pub fn update(root: &Path, file: &Path, today: Option<Date>, by: Option<&str>, lms_args: &LmsReportArgs) -> i32 {
    let Locked { lock, mut src, lms, today } = match locked(root, Some(lms_args), today) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (report, req) = check_file(file, &src, today, lms.as_ref());
    if let Some(r) = &req
        && r.update_of.is_none()
    {
        crate::warn_line!(
            "error: {} is a request for a new account (it has no `update_of`); approve it with `policysite request approve`",
            file.display()
        );
        return 1;
    }
    print(&report);
    let Some(req) = req.filter(|_| report.acceptable) else {
        eprintln!("not updated: the update request must pass the same checks as a new request");
        return 1;
    };
    let Some(index) = req.update_of.as_deref().and_then(|k| src.data.directory.find_by_key(k)) else {
        eprintln!("not updated: the account is not in the directory");
        return 1;
    };
    let by = who(by);
    let actor = Actor { by: &by, today, source: Some(file_name(file)) };
    match src.data.directory.update(index, &req, &src.data.platforms, &report.evidence, &actor) {
        Ok(None) => {
            let a = &src.data.directory.accounts[index];
            println!(
                "not changed: {} on {} ({}) already has what {} asks for, and training on record as new or newer",
                a.handle,
                a.platform,
                a.unit,
                file.display()
            );
            0
        }
        Ok(Some(what)) => {
            let a = &src.data.directory.accounts[index];
            let done = format!(
                "updated by {by} on {today}: {} on {} ({}): {}\nrebuild the site to publish the change",
                a.handle,
                a.platform,
                a.unit,
                if what.is_empty() { "training re-recorded".to_string() } else { what.join("; ") }
            );
            save_directory(&lock, &mut src, &done)
        }
        Err(why) => {
            crate::warn_line!("error: not updated: {why}");
            1
        }
    }
}

/// Read a training renewal file; JSON errors name line and column.
fn read_renewal(path: &Path) -> Result<crate::request::schema::Renewal, String> {
    let text = crate::request::file::read(path).map_err(|p| format!("{}: {}", p.field, p.message))?;
    let r: crate::request::schema::Renewal = serde_json::from_str(&text).map_err(|e| {
        let why = crate::request::file::json_message(&e);
        format!("line {}, column {}: not a training renewal file: {why}", e.line(), e.column())
    })?;
    if r.schema != crate::request::schema::RENEWAL_SCHEMA || r.version != crate::request::schema::VERSION {
        return Err(format!(
            "schema: expected `{}` version {}, found `{}` version {}",
            crate::request::schema::RENEWAL_SCHEMA,
            crate::request::schema::VERSION,
            r.schema,
            r.version
        ));
    }
    Ok(r)
}

pub fn renew(root: &Path, file: &Path, today: Option<Date>, by: Option<&str>, lms_args: &LmsReportArgs) -> i32 {
    let Locked { lock, mut src, lms, today } = match locked(root, Some(lms_args), today) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let renewal = match read_renewal(file) {
        Ok(r) => r,
        Err(why) => {
            crate::warn_line!("error: {}: {why}", file.display());
            return 1;
        }
    };
    let cx = Context { config: &src.config, data: &src.data, quizzes: &src.quizzes, today, lms: lms.as_ref() };
    let (mut problems, mut notes) = (Vec::new(), Vec::new());
    let email = match crate::request::email::district_email(&renewal.email, &src.config.email_domains) {
        Ok(e) => e,
        Err(why) => {
            crate::warn_line!("error: {}: email: {why}", file.display());
            return 1;
        }
    };
    let admin = crate::request::schema::Administrator {
        name: renewal.name.clone(),
        email: email.clone(),
        flsa_exempt: true,
        codes: renewal.codes.clone(),
    };
    let evidence = crate::request::training::check_admin(0, &admin, &cx, &[], &mut problems, &mut notes);
    // A quiz the renewal has no code and no LMS row for is not being renewed: its record stays.
    let offered_quizzes: Vec<String> = evidence
        .iter()
        .filter(|e| {
            renewal.codes.contains_key(&e.quiz) || e.lms.as_deref().is_some_and(|l| !l.starts_with("no completion"))
        })
        .map(|e| e.quiz.clone())
        .collect();
    let offered = |quiz: &str| offered_quizzes.iter().any(|q| q == quiz);
    problems.retain(|p| p.field.rsplit('.').next().is_some_and(offered));
    let accepted: Vec<_> = evidence.iter().filter_map(|e| e.accepted.clone()).collect();
    let administers =
        src.data.directory.accounts.iter().any(|a| {
            a.status == crate::request::directory::Status::Active && a.managers.iter().any(|m| m.email == email)
        });
    if !administers {
        problems.push(crate::request::check::Problem {
            field: "email".into(),
            message: format!("{email} administers no active account in {DIRECTORY_FILE}; nothing to renew"),
        });
    }
    if accepted.is_empty() && problems.is_empty() {
        problems.push(crate::request::check::Problem {
            field: "codes".into(),
            message: "no new training evidence: give completion codes, or --lms-report with the person's rows".into(),
        });
    }
    let report = FileReport {
        file: file.display().to_string(),
        acceptable: problems.is_empty(),
        summary: Some(format!("training renewal for {} <{email}>", renewal.name.trim())),
        problems,
        notes,
        evidence: evidence.into_iter().filter(|e| e.accepted.is_some() || offered(&e.quiz)).collect(),
    };
    print(&report);
    if !report.acceptable {
        eprintln!("not renewed: nothing was recorded");
        return 1;
    }
    let by = who(by);
    let actor = Actor { by: &by, today, source: Some(file_name(file)) };
    let changed = src.data.directory.renew(&email, &accepted, &actor);
    let done = format!("renewed by {by} on {today}: recorded on {}", changed.join(", "));
    save_directory(&lock, &mut src, &done)
}

pub fn review(root: &Path, key: &str, by: Option<&str>, note: &str, today: Option<Date>) -> i32 {
    let Locked { lock, mut src, today, .. } = match locked(root, None, today) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let index = match account_index(&src, &canonical_key(&src, key)) {
        Ok(i) => i,
        Err(code) => return code,
    };
    if src.data.directory.accounts[index].status != crate::request::directory::Status::Active {
        crate::warn_line!("error: the account `{key}` is retired; there is nothing to review");
        return 1;
    }
    let by = who(by);
    src.data.directory.review(index, note, &Actor { by: &by, today, source: None });
    let a = &src.data.directory.accounts[index];
    let next = Date::from_days(today.to_days() + i64::from(src.config.review_every_days));
    let done =
        format!("reviewed by {by} on {today}: {} on {} ({}); next review due {next}", a.handle, a.platform, a.unit);
    save_directory(&lock, &mut src, &done)
}

pub fn history(root: &Path, key: &str, json: bool) -> i32 {
    let src = match load_or_report(root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let index = match account_index(&src, &canonical_key(&src, key)) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let a = &src.data.directory.accounts[index];
    if json {
        let v = serde_json::json!({ "request_id": a.request_id, "platform": a.platform, "handle": a.handle, "history": a.history });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return 0;
    }
    let status = match a.retired {
        Some(d) => format!("retired {d}"),
        None => "active".to_string(),
    };
    crate::say!("{} on {} ({}; request {}; {status})", a.handle, a.platform, a.unit, a.request_id);
    if a.history.is_empty() {
        crate::say!(
            "  {}  {:<9} {}: approved before the directory kept history",
            a.approved,
            "approved",
            a.approved_by.as_deref().unwrap_or("unknown")
        );
    }
    for c in &a.history {
        let source = c.source.as_deref().map(|s| format!(" [{s}]")).unwrap_or_default();
        crate::say!("  {}  {:<9} {}: {}{source}", c.date, c.action, c.by, c.what);
    }
    0
}
