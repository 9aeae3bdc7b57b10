use std::path::PathBuf;

use clap::{Parser, Subcommand};
use policysite::cmd;

/// jemalloc instead of the system allocator: a 10,000-page build allocates and frees millions of
/// small strings (Markdown events, search terms, template values) on every core, which glibc's
/// malloc spent about a tenth of the build's CPU on (`perf record`); with jemalloc an unchanged
/// rebuild takes 17 % less time, a one-page edit 14 %, a full build 6.5–10 % (bench/RESULTS.md).
#[cfg(all(unix, target_arch = "x86_64"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read at its start (`_RJEM_MALLOC_CONF` in the environment still overrides
/// them). One arena instead of four per core: each arena holds on to the pages its threads freed,
/// and with one the peak memory of a 10,000-page build stays where glibc's was (185 MiB, 194 MB,
/// against 194 MiB, 203 MB, with the default: the benchmark's goal is 200 MB) for the same speed on
/// two cores; each thread's own cache serves most allocations without touching the arena's lock.
/// Freed pages go back to the system after 0.3 s instead of 10: a build that adds a heading to one
/// page (the search index made whole while the folder is checked beside the loading) peaked at
/// 189 MiB (198 MB) with pages freed seconds before still held, 184 MiB with them given back, at
/// the same speed (medians of 11 at 10,000 pages, bench/RESULTS.md).
#[cfg(all(unix, target_arch = "x86_64"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static ALLOCATOR_SETTINGS: &[u8; 29] = b"narenas:1,dirty_decay_ms:300\0";

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

/// Each command owns its arguments in `src/cmd/<command>.rs`; this enum only names them.
#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build(cmd::build::Args),
    /// Do everything `build` does, check every link of the rendered pages, and write nothing.
    Check(cmd::check::Args),
    /// Build, serve on loopback, and rebuild and reload the browser on every change.
    Serve(cmd::serve::Args),
    /// Check training completion codes for a staff member, offline.
    Verify(cmd::verify::Args),
    /// Record the quizzes' current revisions (quizzes/revisions.lock) and the policies' revisions
    /// (policy-revisions.lock) as published, so they cannot change silently and codes can be verified
    /// after the next revision.
    Publish(cmd::publish::Args),
    /// Start a new revision of a policy page (the first time, move its text into revision files).
    Revise(cmd::revise::Args),
    /// Social Media Account Requests and the directory of accounts (the Communications Department's
    /// tools): check, approve, update, renew, review, revoke, history and audit.
    Request(cmd::request::Args),
    /// Export training modules for other systems: `export scorm` makes SCORM packages for an LMS.
    Export(cmd::export::Args),
    /// Start a new site for a district in a new folder (builds and serves at once).
    New(cmd::new::Args),
    /// Write JSON Schemas for site.yaml, front matter, quizzes, data files and request files.
    Schema(cmd::schema::Args),
}

fn main() {
    let cli = Cli::parse();
    let root = cli.root.as_path();
    // Every command but `new` and `schema` works on a site: say so before anything is read or written.
    if !matches!(cli.command, Command::New(_) | Command::Schema(_)) && !root.join("site.yaml").is_file() {
        eprintln!(
            "error: `{}` has no site.yaml, so it is not a policysite site\n  help: run in the site's folder or pass --root DIR; `policysite new DIR` starts a new site",
            root.display()
        );
        std::process::exit(1);
    }
    if !matches!(cli.command, Command::Serve(_) | Command::New(_)) {
        end_quietly_on_a_closed_pipe();
    }
    let code = match &cli.command {
        Command::Build(args) => cmd::build::run(root, args),
        Command::Check(args) => cmd::check::run(root, args),
        Command::Serve(args) => cmd::serve::run(root, args),
        Command::Verify(args) => cmd::verify::run(root, args),
        Command::Request(args) => cmd::request::run(root, args),
        Command::Publish(args) => cmd::publish::run(root, args),
        Command::Revise(args) => cmd::revise::run(root, args),
        Command::Export(args) => cmd::export::run(root, args),
        Command::New(args) => cmd::new::run(root, args),
        Command::Schema(args) => cmd::schema::run(root, args),
    };
    std::process::exit(code);
}

/// A command whose output is piped into one that stops reading (`policysite request audit | head`)
/// ends as Unix tools do, killed by SIGPIPE, instead of panicking with "failed printing to stdout".
/// Rust ignores SIGPIPE so that a write to a closed socket returns an error instead: `serve` and
/// `new` (which serves) keep that, and a closed browser connection never ends them. Each file a
/// command writes is written atomically (a record under its lock, a build into its staging folder),
/// so ending it at any point leaves every file whole; `publish` may have written one lock of two.
fn end_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
