//! `policysite serve`: build, serve the output over loopback, watch the sources, rebuild what changed,
//! and tell the browser to reload (or swap stylesheets, or show the build error).

pub mod http;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, NoCache, new_debouncer, new_debouncer_opt};

use crate::diag::Diagnostics;
use crate::engine::{Engine, Outcome};
use crate::layout::SOURCE_DIRS;

pub struct Options {
    pub root: PathBuf,
    pub output: PathBuf,
    pub bind: String,
    pub port: u16,
    pub open: bool,
    pub poll: bool,
    /// Quiet time before a burst of file events becomes one rebuild.
    pub debounce: Duration,
    /// The server's limits: request head deadline, idle keep-alive timeout, connection cap.
    pub limits: http::Limits,
    /// The build date (decides current and upcoming policy revisions).
    pub today: crate::date::Date,
}

fn errors_json(d: &Diagnostics) -> String {
    let errors: Vec<serde_json::Value> = d
        .errors()
        .map(|e| serde_json::json!({ "location": e.location(), "message": e.message, "help": e.help }))
        .collect();
    serde_json::json!({ "errors": errors }).to_string()
}

fn is_loopback(bind: &str) -> bool {
    bind == "localhost" || bind.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Rebuild and tell the browsers. Returns the time the rebuild took.
fn rebuild(live: &mut Engine, hub: &http::Hub, paths: Option<&[PathBuf]>) -> Duration {
    let t = Instant::now();
    let result = match paths {
        Some(p) => live.apply(p),
        None => live.full(),
    };
    let took = t.elapsed();
    for w in live.take_warnings() {
        eprintln!("{w}");
    }
    match result {
        Ok(outcome) => {
            let fixed = hub.set_ok();
            match &outcome {
                Outcome::Unchanged if fixed => {
                    eprintln!("the site builds again (the output is as it was before the error)");
                }
                Outcome::Unchanged => {}
                Outcome::Css(files) => {
                    hub.broadcast("css", &serde_json::json!({ "files": files }).to_string());
                    eprintln!("rebuilt in {:.0} ms: stylesheet changed", took.as_secs_f64() * 1000.0);
                }
                Outcome::Reload => {
                    hub.broadcast("reload", "{}");
                    eprintln!("rebuilt in {:.0} ms ({})", took.as_secs_f64() * 1000.0, live.last_scope);
                }
            }
        }
        Err(d) => {
            eprintln!("{d}");
            if live.output.join("index.html").is_file() {
                eprintln!("still serving the last good build; fix the errors above and save again");
            } else {
                eprintln!(
                    "nothing to serve until the site builds; fix the errors above and save again (the browser shows them and reloads)"
                );
            }
            hub.broadcast("error", &errors_json(&d));
        }
    }
    took
}

pub fn run(mut opts: Options) -> i32 {
    // Events arrive with absolute paths; compare like with like.
    opts.root = std::path::absolute(&opts.root).unwrap_or(opts.root);
    opts.output = std::path::absolute(&opts.output).unwrap_or(opts.output);
    let mut live = match Engine::open(&opts.root, &opts.output, opts.today) {
        Ok(e) => e,
        Err(d) => {
            eprintln!("{d}");
            return 1;
        }
    };
    if !is_loopback(&opts.bind) {
        eprintln!(
            "warning: serving on {} makes the preview reachable from other machines; use the default 127.0.0.1 unless you mean it",
            opts.bind
        );
    }
    // Watch first, so an edit made while the first build runs is not missed.
    let (mut watcher, rx) = match watch(&opts) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let hub = Arc::new(http::Hub::default());
    rebuild(&mut live, &hub, None);

    let addr = match http::start(&opts.bind, opts.port, opts.output.clone(), Arc::clone(&hub), opts.limits) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("  help: choose another port with --port");
            return 1;
        }
    };
    let url = format!("http://{addr}/");
    eprintln!("serving {} at {url} (Ctrl-C to stop)", opts.output.display());
    // Tests and scripts read the address from stdout.
    println!("{url}");
    if opts.open {
        let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
        let _ = std::process::Command::new(opener).arg(&url).spawn();
    }
    let _ = ctrlc::set_handler(|| {
        eprintln!("\nstopped");
        std::process::exit(0);
    });

    for events in rx {
        let Some((paths, appeared)) = changed_paths(events) else { continue };
        let paths = with_files_below(paths, &appeared, &opts.root, &opts.output);
        watcher.watch_new_sources(&opts.root, &paths);
        if !paths.is_empty() {
            rebuild(&mut live, &hub, Some(&paths));
        }
    }
    0
}

/// Start watching the site's sources (natively, or by polling with `--poll`), before the first build.
/// `Err` is the exit status, after the error is printed.
fn watch(opts: &Options) -> Result<(WatcherBox, mpsc::Receiver<DebounceEventResult>), i32> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let watch_result = if opts.poll {
        new_debouncer_opt::<_, notify::PollWatcher, NoCache>(
            opts.debounce,
            None,
            tx,
            NoCache,
            notify::Config::default().with_poll_interval(Duration::from_millis(300)).with_compare_contents(true),
        )
        .map(WatcherBox::Poll)
    } else {
        new_debouncer(opts.debounce, None, tx).map(WatcherBox::Native)
    };
    let mut watcher = match watch_result {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch files: {e}\n  help: try --poll (network drives, WSL)");
            return Err(1);
        }
    };
    if let Err(e) = watcher.watch_sources(&opts.root) {
        eprintln!("error: cannot watch {}: {e}\n  help: try --poll", opts.root.display());
        return Err(1);
    }
    Ok((watcher, rx))
}

/// The paths a batch of watch events changed, and those among them that appeared (created, or moved
/// in). Reads (our own, and the server's) show up as access events: only changes count. `None` for
/// a batch of watch errors, which are printed.
fn changed_paths(events: DebounceEventResult) -> Option<(Vec<PathBuf>, Vec<PathBuf>)> {
    use notify::EventKind::{Create, Modify, Remove};
    match events {
        Ok(events) => {
            let (mut paths, mut appeared) = (Vec::new(), Vec::new());
            for e in events.into_iter().filter(|e| matches!(e.event.kind, Create(_) | Modify(_) | Remove(_))) {
                if matches!(e.event.kind, Create(_) | Modify(notify::event::ModifyKind::Name(_))) {
                    appeared.extend(e.event.paths.iter().cloned());
                }
                paths.extend(e.event.paths);
            }
            Some((paths, appeared))
        }
        Err(errors) => {
            for e in errors {
                eprintln!("watch error: {e}");
            }
            None
        }
    }
}

/// `paths` and, for each source folder that `appeared` (not the output), the files below it. A
/// folder made with its files at once (`policysite revise` starts a page's revisions folder with its
/// first revision; `mv` or an unzip brings in a whole section) may be reported alone: the native
/// watcher watches a new folder only once it is told of it, so a file made in the meantime sends no
/// event. Only a folder that appeared is looked into: a polling watcher (or Windows) also reports a
/// folder whose files changed, and an editor's save by renaming is one page, not the folder's all.
/// A link to a folder is not followed here (a full rebuild reads what it leads to, if allowed).
fn with_files_below(paths: Vec<PathBuf>, appeared: &[PathBuf], root: &Path, output: &Path) -> Vec<PathBuf> {
    let mut seen: std::collections::HashSet<PathBuf> = paths.iter().cloned().collect();
    let mut out = paths;
    let source = |p: &&PathBuf| !p.starts_with(output) && in_source_folder(root, p);
    for dir in appeared.iter().filter(source).filter(|p| p.symlink_metadata().is_ok_and(|m| m.is_dir())) {
        let walk = walkdir::WalkDir::new(dir).min_depth(1).follow_root_links(false).into_iter();
        for f in walk.filter_map(Result::ok).filter(|e| e.file_type().is_file()).map(walkdir::DirEntry::into_path) {
            if seen.insert(f.clone()) {
                out.push(f);
            }
        }
    }
    out
}

/// Whether `path` is one of the site's source folders ([`SOURCE_DIRS`], which every feature's own
/// folder is among) or lies below one.
fn in_source_folder(root: &Path, path: &Path) -> bool {
    let first = path.strip_prefix(root).ok().and_then(|r| r.components().next());
    first.is_some_and(|c| SOURCE_DIRS.iter().any(|d| c.as_os_str() == *d))
}

enum WatcherBox {
    Native(notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, NoCache>),
}

impl WatcherBox {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            WatcherBox::Native(w) => w.watch(path, mode),
            WatcherBox::Poll(w) => w.watch(path, mode),
        }
    }

    /// A source folder made after serve started (`static/`, say) gets its own watch from now on.
    fn watch_new_sources(&mut self, root: &Path, paths: &[PathBuf]) {
        for p in paths.iter().filter(|p| p.parent() == Some(root) && p.is_dir()) {
            if in_source_folder(root, p)
                && let Err(e) = self.watch(p, RecursiveMode::Recursive)
            {
                eprintln!("warning: cannot watch {}: {e}", p.display());
            }
        }
    }

    /// The site folder itself (for `site.yaml`, which editors replace by renaming) and every source
    /// folder below it.
    fn watch_sources(&mut self, root: &Path) -> notify::Result<()> {
        self.watch(root, RecursiveMode::NonRecursive)?;
        for dir in SOURCE_DIRS {
            let p = root.join(dir);
            if p.is_dir() {
                self.watch(&p, RecursiveMode::Recursive)?;
            }
        }
        Ok(())
    }
}
