use std::path::Path;

use crate::build;

pub fn run(root: &Path) -> i32 {
    match build::check(root) {
        Ok(r) => {
            eprintln!("checked {} pages ({} files): no problems found", r.pages, r.files);
            0
        }
        Err(d) => {
            super::report(&d);
            1
        }
    }
}
