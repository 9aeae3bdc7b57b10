//! `policysite revise PAGE --date D --note "…"`: start a new revision of a policy page (the logic is
//! `crate::revise`), then say what to do next.

use std::path::PathBuf;

use crate::date::Date;

#[derive(clap::Args)]
pub struct Args {
    /// The policy page, e.g. content/regulation/6973-1r.md (below --root, or below content/).
    pub page: PathBuf,
    /// The day the board adopted the new revision (YYYY-MM-DD): the new file's name.
    #[arg(long, value_parser = super::parse_date)]
    pub date: Date,
    /// The day it takes effect, when later than its adoption (YYYY-MM-DD).
    #[arg(long, value_parser = super::parse_date)]
    pub effective: Option<Date>,
    /// What changed, one or two sentences (shown in the timeline and the change feed).
    #[arg(long)]
    pub note: String,
    /// The build date used to read the site (default SOURCE_DATE_EPOCH, else today), as for `build`.
    #[arg(long, value_parser = super::parse_date)]
    pub today: Option<Date>,
}

pub fn run(root: &std::path::Path, args: &Args) -> i32 {
    let today = match crate::policy::build_date(root, args.today) {
        Ok(d) => d,
        Err(d) => {
            super::report(&d.into());
            return 1;
        }
    };
    let req = crate::revise::Request {
        page: args.page.clone(),
        date: args.date,
        effective: args.effective,
        note: args.note.clone(),
        today,
        load_site: crate::engine::load_site,
    };
    let s = match crate::revise::start(root, &req) {
        Ok(s) => {
            super::show(&s.warnings);
            s
        }
        Err(d) => {
            super::report(&d);
            eprintln!("nothing was changed");
            return 1;
        }
    };
    if let Some((first, date)) = &s.converted {
        println!("moved the text of {} into the revision layout:", s.page);
        println!("  {first}  the revision adopted {date}, shortcodes written out as they render today");
        println!("  {}  front matter only now (its `revised:` and `history:` live in the revision files)", s.page);
    }
    println!("created {}: a copy of the {} revision, adopted {}", s.created, s.copied_from, args.date);
    println!("next:");
    println!("  1. edit {} until it is the text the board adopted", s.created);
    println!("  2. policysite serve, and open");
    println!("       http://127.0.0.1:8000/{}index.html", s.compare_url);
    println!("     the compare view shows your edits as you make them; the revision itself is at");
    println!("       http://127.0.0.1:8000/{}index.html", s.archive_url);
    println!("  3. when it is adopted as shown: policysite publish (records it in policy-revisions.lock;");
    println!("     from then on it cannot change), commit, and publish the site: feed.xml tells staff");
    0
}
