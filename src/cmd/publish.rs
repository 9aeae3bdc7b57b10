//! `policysite publish`: record what is being published, explicitly. `build` and `serve` never write
//! the site's sources; this command is the one place a quiz revision becomes "published": its
//! fingerprints and the key that verifies its codes after it is superseded go into
//! `quizzes/revisions.lock` (commit it; it is never copied into the output).

use std::path::Path;

use crate::date::Date;
use crate::quiz::publish::Outcome;

#[derive(clap::Args)]
pub struct Args {
    /// The publication date to record (YYYY-MM-DD). Default: SOURCE_DATE_EPOCH, else today.
    #[arg(long, value_parser = super::parse_date)]
    pub today: Option<Date>,
}

pub fn run(root: &Path, args: &Args) -> i32 {
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
        Ok(s) => s,
        Err(d) => {
            super::report(&d);
            eprintln!("nothing was published: fix the errors above first");
            return 1;
        }
    };
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
        Ok(added) if !added.is_empty() => {
            for a in &added {
                println!("policy revision {a}: recorded as published");
            }
            println!("{} updated: commit it with the site's sources", crate::policy::publish::LOCK_FILE);
        }
        Ok(_) => {}
        Err(e) => {
            eprintln!(
                "error: {}: cannot record the published policy revisions: {e}",
                crate::policy::publish::LOCK_FILE
            );
            return 1;
        }
    }
    0
}
