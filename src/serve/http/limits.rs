//! The server's limits and its count of open connections, shared by the connection loop
//! ([`super`]) and the request reader ([`super::request`]), which imports them from here.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Connections served at once by default (`serve --max-connections`).
pub const MAX_CONNECTIONS: usize = 4096;
/// A request head larger than this is refused.
pub const MAX_HEAD: usize = 16 * 1024;
/// A request body (discarded) larger than this is refused with 413.
pub const MAX_BODY: u64 = 64 * 1024;
/// How often a waiting connection looks whether the server is near its cap.
pub const IDLE_SLICE: Duration = Duration::from_millis(100);
/// A new connection has this long to send its first byte before it counts as idle under pressure.
pub const FRESH_GRACE: Duration = Duration::from_secs(1);

/// The server's limits (`serve --header-timeout`, `--idle-timeout`, `--max-connections`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time a client has to send a whole request head.
    pub header_timeout: Duration,
    /// Time a kept-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(2),
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// The connections open now, and the count from which idle ones are closed.
pub(crate) struct Load {
    pub(crate) active: AtomicUsize,
    high: usize,
}

impl Load {
    pub(crate) fn new(max: usize) -> Load {
        Load { active: AtomicUsize::new(0), high: (max - max / 4).max(1) }
    }
    pub(crate) fn near_cap(&self) -> bool {
        self.active.load(Ordering::Acquire) >= self.high
    }
}
