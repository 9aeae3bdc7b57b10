//! `policysite verify --email ADDRESS CODE...`: check completion codes offline, from the site's sources.

use std::path::Path;

#[derive(clap::Args)]
pub struct Args {
    /// The staff member's district email address the codes were issued to.
    #[arg(long)]
    pub email: String,
    /// One or more completion codes (dashes and case do not matter).
    #[arg(required = true)]
    pub codes: Vec<String>,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
    /// Check as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_parser = super::parse_date)]
    pub today: Option<Date>,
}

use crate::config::SiteConfig;
use crate::date::Date;
use crate::quiz::verify::{Verdict, verify};

pub fn run(root: &Path, args: &Args) -> i32 {
    let (email, codes, json, today) = (args.email.as_str(), &args.codes, args.json, args.today);
    let config = match SiteConfig::load(root) {
        Ok(c) => c,
        Err(d) => {
            eprintln!("{d}");
            return 2;
        }
    };
    let quizzes = match crate::quiz::load_all(root) {
        Ok(q) => q,
        Err(d) => {
            super::report(&d);
            return 2;
        }
    };
    let today = match config.today(today) {
        Ok(d) => d,
        Err(d) => {
            eprintln!("{d}");
            return 2;
        }
    };
    let verdicts: Vec<Verdict> =
        codes.iter().map(|c| verify(&quizzes, email, c, today, config.code_validity_days)).collect();
    let all_valid = verdicts.iter().all(|v| v.valid);
    if json {
        let out = serde_json::json!({ "email": crate::quiz::code::normalize_email(email), "checked_on": today, "all_valid": all_valid, "codes": verdicts });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        for v in &verdicts {
            println!("{}", crate::request::text::visible(&describe(v, config.code_validity_days)));
        }
        // The same rule `request check` applies to administrators' addresses.
        if let Err(why) = crate::request::email::district_email(email, &config.email_domains) {
            eprintln!("note: {why}");
        }
    }
    if all_valid { 0 } else { 1 }
}

/// One line a person can read: what the code is for, whether it holds and, when it does, the last
/// day it counts (completion + `code_validity_days`, or a superseded revision's retraining deadline).
pub fn describe(v: &Verdict, validity_days: u32) -> String {
    let mut parts = vec![v.code.clone()];
    if let Some(q) = &v.quiz {
        parts.push(format!("quiz {q}"));
    }
    if let Some(r) = v.revision {
        parts.push(format!("revision {r}"));
    }
    if let Some(d) = v.completed {
        parts.push(format!("completed {d}"));
    }
    let until = match (v.valid, v.completed) {
        (true, Some(d)) => {
            let until =
                crate::request::training::counts_until(d, validity_days, v.superseded.as_ref().map(|s| s.retrain_by));
            format!(", valid until {until}")
        }
        _ => String::new(),
    };
    format!("{}: {}{until}", parts.join(", "), v.status())
}
