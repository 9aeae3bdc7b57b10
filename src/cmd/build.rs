use std::path::Path;

use crate::build;

pub fn run(root: &Path, output: Option<&Path>, timings: bool) -> i32 {
    let output = output.map(Path::to_path_buf).unwrap_or_else(|| build::default_output(root));
    match build::build(root, &output) {
        Ok(r) => {
            eprintln!("built {} pages ({} files, {} KiB) into {}", r.pages, r.files, r.bytes / 1024, output.display());
            if timings {
                eprintln!("timings: {}", r.timings);
            }
            0
        }
        Err(d) => {
            super::report(&d);
            eprintln!("build failed; the previous output in {} was left as it was", output.display());
            1
        }
    }
}
