//! `policysite schema`: write the JSON Schemas of site.yaml, front matter, quizzes, the platform list,
//! the directory and request files, for editors to validate against as admins type.

use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Folder to write the schemas into (created if missing). Default: schemas/ in the site folder.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(root: &Path, args: &Args) -> i32 {
    let dir = args.output.clone().unwrap_or_else(|| root.join(crate::schema::SCHEMA_DIR));
    match crate::schema::write_all(&dir) {
        Ok(paths) => {
            for (p, describes) in &paths {
                eprintln!("wrote {} (for {describes})", p.display());
            }
            eprintln!(
                "point a YAML file at its schema with a first line such as\n  # yaml-language-server: $schema=schemas/site.schema.json"
            );
            0
        }
        Err(e) => {
            eprintln!("error: cannot write the schemas into {}: {e}", dir.display());
            eprintln!("  = help: pass --output with a folder you can write to");
            1
        }
    }
}
