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
    /// Do everything `build` does, check every link of the rendered pages, and write nothing.
    Check {
        /// Also fetch external links (HEAD, then GET), with a timeout, a per-host rate limit and a cache.
        #[arg(long)]
        external: bool,
        /// Timeout per external request, in milliseconds.
        #[arg(long, default_value_t = 10_000)]
        timeout_ms: u64,
        /// Minimum time between two requests to the same host, in milliseconds.
        #[arg(long, default_value_t = 1_000)]
        per_host_ms: u64,
        /// Reuse external results younger than this many hours (cache in .policysite-cache/).
        #[arg(long, default_value_t = 24)]
        cache_hours: u64,
    },
    /// Build, serve on loopback, and rebuild and reload the browser on every change.
    Serve {
        /// Output folder (default: public/).
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on. Anything but loopback exposes the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Poll for changes instead of using file-system events (network drives, WSL).
        #[arg(long)]
        poll: bool,
        /// Quiet time, in milliseconds, before a burst of file events becomes one rebuild.
        #[arg(long, default_value_t = 50)]
        debounce_ms: u64,
    },
    /// Check training completion codes for a staff member, offline.
    Verify {
        /// The staff member's district email address the codes were issued to.
        #[arg(long)]
        email: String,
        /// One or more completion codes (dashes and case do not matter).
        #[arg(required = true)]
        codes: Vec<String>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
        /// Check as of this date (YYYY-MM-DD) instead of today.
        #[arg(long, value_parser = parse_date)]
        today: Option<policysite::date::Date>,
    },
    /// Check, approve or retire Social Media Account Requests (the Communications Department's tools).
    Request {
        #[command(subcommand)]
        action: RequestAction,
    },
}

#[derive(Subcommand)]
enum RequestAction {
    /// Check request files; prints every problem. Exit 0 only if every request is acceptable.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
        /// Check as of this date (YYYY-MM-DD) instead of today.
        #[arg(long, value_parser = parse_date)]
        today: Option<policysite::date::Date>,
    },
    /// Add the account of an acceptable request to data/directory.yaml.
    Approve {
        file: PathBuf,
        #[arg(long, value_parser = parse_date)]
        today: Option<policysite::date::Date>,
    },
    /// Mark an account closed (kept in the directory file as history).
    Revoke {
        /// The request id, or platform:handle (e.g. instagram:@stadiumtigers).
        key: String,
        /// Why the account was closed.
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long, value_parser = parse_date)]
        today: Option<policysite::date::Date>,
    },
}

fn parse_date(s: &str) -> Result<policysite::date::Date, String> {
    policysite::date::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date; write YYYY-MM-DD"))
}

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Build { output, timings } => policysite::cmd::build::run(&cli.root, output.as_deref(), *timings),
        Command::Check { external, timeout_ms, per_host_ms, cache_hours } => policysite::cmd::check::run(
            &cli.root,
            &policysite::cmd::check::ExternalArgs {
                enabled: *external,
                timeout_ms: *timeout_ms,
                per_host_ms: *per_host_ms,
                cache_hours: *cache_hours,
            },
        ),
        Command::Serve { output, port, bind, open, poll, debounce_ms } => {
            policysite::cmd::serve::run(&cli.root, output.as_deref(), bind, *port, *open, *poll, *debounce_ms)
        }
        Command::Request { action } => match action {
            RequestAction::Check { files, json, today } => {
                policysite::cmd::request::check(&cli.root, files, *json, *today)
            }
            RequestAction::Approve { file, today } => policysite::cmd::request::approve(&cli.root, file, *today),
            RequestAction::Revoke { key, reason, today } => {
                policysite::cmd::request::revoke(&cli.root, key, reason, *today)
            }
        },
        Command::Verify { email, codes, json, today } => {
            policysite::cmd::verify::run(&cli.root, email, codes, *json, *today)
        }
    };
    std::process::exit(code);
}
