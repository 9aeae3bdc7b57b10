use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Build and preview the district's social media regulation site, and check training codes and
/// account requests.
#[derive(Parser)]
#[command(name = "policysite", version, about)]
struct Cli {
    /// The site folder (holding site.yaml).
    #[arg(long, short = 'r', global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build {
        /// Output folder.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Do everything `build` does and report problems, but write nothing.
    Check,
}

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Build { output, timings } => {
            policysite::cmd::build::run(&cli.root, output.as_deref(), *timings)
        }
        Command::Check => policysite::cmd::check::run(&cli.root),
    };
    std::process::exit(code);
}
