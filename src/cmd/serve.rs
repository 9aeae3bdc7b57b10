//! `policysite serve`: build, serve on loopback, rebuild and reload on every change.

use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// Output folder (default: public/).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Address to listen on. Anything but loopback exposes the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes instead of using file-system events (network drives, WSL).
    #[arg(long)]
    pub poll: bool,
    /// Quiet time, in milliseconds, before a burst of file events becomes one rebuild.
    #[arg(long, default_value_t = 50)]
    pub debounce_ms: u64,
    /// Policy revisions (src/policy): build as of this date (YYYY-MM-DD), which decides the current
    /// and upcoming revisions. Default: SOURCE_DATE_EPOCH, else today in the site's `time_zone`.
    #[arg(long, value_parser = super::parse_date)]
    pub today: Option<crate::date::Date>,
    /// Seconds a client has to send a whole request head; slower clients are disconnected.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request before it is closed (idle
    /// connections are closed at once when the server is near --max-connections).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout: u64,
    /// Connections served at once; from three quarters of it, idle kept-alive connections are closed
    /// to make room for new clients.
    #[arg(long, default_value_t = crate::serve::http::MAX_CONNECTIONS as u64, value_parser = clap::value_parser!(u64).range(4..=65536))]
    pub max_connections: u64,
}

pub fn run(root: &Path, args: &Args) -> i32 {
    let output = args.output.clone().unwrap_or_else(|| crate::engine::default_output(root));
    let today = match crate::policy::build_date(root, args.today) {
        Ok(d) => d,
        Err(d) => {
            super::report(&d.into());
            return 1;
        }
    };
    crate::serve::run(crate::serve::Options {
        root: root.to_path_buf(),
        output,
        bind: args.bind.clone(),
        port: args.port,
        open: args.open,
        poll: args.poll,
        debounce: Duration::from_millis(args.debounce_ms),
        limits: crate::serve::http::Limits {
            header_timeout: Duration::from_secs(args.header_timeout),
            idle_timeout: Duration::from_secs(args.idle_timeout),
            max_connections: args.max_connections as usize,
        },
        today,
    })
}
