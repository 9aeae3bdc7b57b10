//! `policysite publish`: record what is being published, explicitly. `build` and `serve` never write
//! the site's sources; this command is the one place a quiz revision becomes "published": its
//! fingerprints and the key that verifies its codes after it is superseded go into
//! `quizzes/revisions.lock` (commit it; it is never copied into the output). Policy revisions go into
//! `policy-revisions.lock`. Both locks are append-only; `--repair` merges a lock left with a git merge
//! conflict.

use std::path::Path;

use crate::date::Date;
use crate::quiz::publish::Outcome;

#[derive(clap::Args)]
pub struct Args {
    /// The publication date to record (YYYY-MM-DD). Default: SOURCE_DATE_EPOCH, else today.
    #[arg(long, value_parser = super::parse_date)]
    pub today: Option<Date>,
    /// Only repair the locks: a lock with a git merge conflict gets the entries of both sides (both
    /// hold records already issued); refused if the sides disagree on one revision. Publishes nothing.
    #[arg(long)]
    pub repair: bool,
}

fn repair(root: &Path) -> i32 {
    let mut status = 0;
    stale_temps(root);
    let quiz = crate::quiz::publish::repair(root).map_err(crate::diag::Diagnostics::from);
    let policy = crate::policy::publish::repair::repair(root).map_err(crate::diag::Diagnostics::from);
    for (file, result) in [(crate::quiz::LOCK_FILE, quiz), (crate::policy::publish::LOCK_FILE, policy)] {
        match result {
            Ok(Some(n)) => println!("{file}: merge conflict repaired, {n} entries of both sides kept"),
            Ok(None) => println!("{file}: no merge conflict to repair"),
            Err(d) => {
                super::report(&d);
                status = 1;
            }
        }
    }
    if status == 0 {
        println!("next: run `policysite build` to check the sources against the locks, then commit the locks");
    }
    status
}

/// Remove what a stopped `publish` left in quizzes/, and say so. A lock that cannot be taken is
/// reported by the step that follows, which needs it too.
fn stale_temps(root: &Path) {
    if let Ok(n @ 1..) = crate::quiz::publish::remove_stale_temps(root) {
        eprintln!(
            "note: removed {n} temporary file(s) a stopped `policysite publish` left in {}/",
            crate::quiz::QUIZ_DIR
        );
    }
}

pub fn run(root: &Path, args: &Args) -> i32 {
    if args.repair {
        return repair(root);
    }
    // One date for the whole command, as build and serve take it (SOURCE_DATE_EPOCH, else today).
    let today = match crate::policy::build_date(root, args.today) {
        Ok(d) => d,
        Err(d) => {
            super::report(&d.into());
            return 1;
        }
    };
    // The whole site must load: a revision is published with the site it belongs to.
    let site = match crate::engine::load_site(root, today) {
        Ok(s) => {
            super::show(&s.policy.warnings);
            s
        }
        Err(d) => {
            super::report(&d);
            eprintln!("nothing was published: fix the errors above first");
            return 1;
        }
    };
    if !site.quizzes.by_id.is_empty() {
        stale_temps(root);
    }
    let done = match crate::quiz::publish::publish(root, &site.quizzes, today) {
        Ok(d) => d,
        Err(d) => {
            super::report(&d.into());
            eprintln!("nothing was published");
            return 1;
        }
    };
    if done.is_empty() {
        println!("no quizzes to publish (quizzes/ has none)");
    }
    for (id, revision, outcome) in &done {
        let what = match outcome {
            Outcome::Recorded => "recorded as published".to_string(),
            Outcome::Updated(what) => what.clone(),
            Outcome::Unchanged => "already published".to_string(),
        };
        println!("quiz {id} revision {revision}: {what}");
    }
    if done.iter().any(|(_, _, o)| *o != Outcome::Unchanged) {
        println!("{} updated: commit it with the site's sources", crate::quiz::LOCK_FILE);
    }
    // Policy revisions (src/policy) are recorded here too, by one call.
    match crate::policy::publish::record(root, &site.policy) {
        Ok((added, upgraded)) => {
            for a in &added {
                println!("policy revision {a}: recorded as published");
            }
            if upgraded {
                println!(
                    "{}: upgraded from the first format (each published revision's effective date and note are now recorded too)",
                    crate::policy::publish::LOCK_FILE
                );
            }
            if !added.is_empty() || upgraded {
                println!("{} updated: commit it with the site's sources", crate::policy::publish::LOCK_FILE);
            }
        }
        Err(d) => {
            super::report(&d.into());
            eprintln!("the policy revisions were not recorded");
            return 1;
        }
    }
    0
}
