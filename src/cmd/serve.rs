use std::path::Path;
use std::time::Duration;

pub fn run(root: &Path, output: Option<&Path>, bind: &str, port: u16, open: bool, poll: bool, debounce_ms: u64) -> i32 {
    let output = output.map(Path::to_path_buf).unwrap_or_else(|| crate::build::default_output(root));
    crate::serve::run(crate::serve::Options {
        root: root.to_path_buf(),
        output,
        bind: bind.to_string(),
        port,
        open,
        poll,
        debounce: Duration::from_millis(debounce_ms),
    })
}
