//! Benchmark helper for `bench/search.sh` (not a test): loads a site, then times making its search
//! index (`policysite::search_index::emit`: postings, shards, text chunks) and reports its size.
//! The terms of each section are found earlier, in the model's Markdown pass, which this leaves out;
//! the time of a whole build is reported beside it by the script.
//!
//! usage: cargo run --release --example search_index -- SITE_DIR

use std::path::Path;
use std::time::Instant;

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: search_index SITE_DIR");
        std::process::exit(2);
    };
    let today = policysite::policy::build_date(Path::new(&root), None).unwrap_or_else(|d| {
        eprintln!("{d}");
        std::process::exit(1);
    });
    let site = match policysite::engine::load_site(Path::new(&root), today) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            std::process::exit(1);
        }
    };
    let t = Instant::now();
    let files = policysite::search_index::emit(&site);
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!("{ms:.0} {} {bytes}", files.len());
}
