//! The reader's limits against a runaway or hostile file, and the parser options that apply them.

/// Most YAML nodes (scalars, mappings, sequences) one file may hold. serde-saphyr's default (250,000)
/// stopped `data/directory.yaml` at 7,800 to 13,000 accounts (32 nodes an account with a URL, a
/// name, two managers and a retirement; 19 without). A large district's directory with its history,
/// 50,000 such accounts (every other one retired), has 1.6 million nodes and 1.8 million parser
/// events in 24 MB (measured with `bench/gen_directory.py` and the `measure_yaml_budget` test). The
/// limits allow about 200,000 accounts, and still stop a runaway file before it exhausts memory.
pub const MAX_NODES: usize = 7_000_000;
/// Most parser events one file may produce (serde-saphyr's default: 1,000,000; 36 an account).
pub const MAX_EVENTS: usize = 8_000_000;
/// Most bytes of scalar text one file may hold (serde-saphyr's default: 64 MiB).
pub const MAX_SCALAR_BYTES: usize = 256 * 1024 * 1024;

pub(super) fn options(max_nodes: usize, max_events: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = max_nodes;
    budget.max_events = max_events;
    budget.max_total_scalar_bytes = MAX_SCALAR_BYTES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}
