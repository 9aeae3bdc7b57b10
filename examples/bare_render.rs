//! The floor for the build benchmark: read every Markdown file, drop the front matter, render with
//! pulldown-cmark (no templates, no link checks) and write the HTML, in parallel, into an empty
//! folder (`bench/build.sh` removes it before the timer starts). The floor `policysite build` is
//! compared against.
//!
//! usage: cargo run --release --example bare_render -- CONTENT_DIR OUT_DIR

use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (src, out) = match (args.get(1), args.get(2)) {
        (Some(s), Some(o)) => (std::path::PathBuf::from(s), std::path::PathBuf::from(o)),
        _ => {
            eprintln!("usage: bare_render CONTENT_DIR OUT_DIR");
            std::process::exit(2);
        }
    };
    let files: Vec<_> = walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|f| {
        let Ok(text) = std::fs::read_to_string(f) else { return };
        let body = text.splitn(3, "---\n").nth(2).unwrap_or(&text);
        let mut html = String::new();
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(body, policysite::markdown::options()),
        );
        let rel = f.strip_prefix(&src).unwrap_or(f).with_extension("");
        let dest = out.join(rel).join("index.html");
        if let Some(p) = dest.parent() {
            let _ = std::fs::create_dir_all(p);
        }
        let _ = std::fs::write(dest, html);
    });
}
