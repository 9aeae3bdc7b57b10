//! Link checking over the rendered site (templates included, not only Markdown): every internal link
//! and anchor must exist. With `--external`, external links are fetched too, with timeouts, a per-host
//! rate limit and a cache, so a re-check does not hammer the same hosts.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use regex::Regex;

use crate::diag::{Diagnostic, Diagnostics};
use crate::output::Sink;

static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<(a|link|script|img|iframe|source)\b[^>]*?\s(href|src)="([^"]*)""#)
        .unwrap_or_else(|e| panic!("bad regex: {e}"))
});
static ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\sid="([^"]+)""#).unwrap_or_else(|e| panic!("bad regex: {e}")));

#[derive(Default)]
struct FileLinks {
    ids: HashSet<String>,
    /// (href, line in the rendered file)
    links: Vec<(String, usize)>,
}

/// Records what a rendered site contains, as a [`Sink`], then checks it.
#[derive(Default)]
pub struct LinkIndex {
    files: Mutex<HashMap<String, FileLinks>>,
}

impl Sink for LinkIndex {
    fn put(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let mut entry = FileLinks::default();
        if rel.ends_with(".html") {
            let text = String::from_utf8_lossy(bytes);
            entry.ids = ID.captures_iter(&text).filter_map(|c| c.get(1)).map(|m| unescape(m.as_str())).collect();
            let mut line = 1;
            let mut last = 0;
            for c in ATTR.captures_iter(&text) {
                let Some(m) = c.get(3) else { continue };
                line += text[last..m.start()].matches('\n').count();
                last = m.start();
                entry.links.push((unescape(m.as_str()), line));
            }
        }
        // Like every sink: a second write to one path is an error (`check` must fail where `build` does).
        if self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string(), entry).is_some() {
            return Err(crate::output::written_twice(rel));
        }
        Ok(())
    }
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Where an internal link leads.
#[derive(Debug, PartialEq)]
enum Target {
    /// A path in the output (`a/index.html`).
    File(String),
    /// An absolute path outside the site's base path (`/other/` when the site is served under
    /// `/sub/`): nothing the build writes can be there.
    OutsideBase,
}

impl From<&str> for Target {
    fn from(path: &str) -> Target {
        Target::File(path.to_string())
    }
}

/// Resolve `href` from the file at `from` (a path in the output) to its target and fragment.
/// `None` for links that leave the site (other schemes, external URLs).
fn resolve(from: &str, href: &str, base_path: &str) -> Option<(Target, Option<String>)> {
    let lower = href.to_ascii_lowercase();
    if href.is_empty()
        || lower.starts_with("http://")
        || lower.starts_with("https://")
        || href.starts_with("//")
        || lower.contains(':') && !lower.starts_with('/') && lower.split(':').next().is_some_and(|s| !s.contains('/'))
    {
        return None;
    }
    let (path, frag) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let mut parts: Vec<&str> = Vec::new();
    let joined;
    if path.is_empty() {
        return Some((from.into(), frag));
    } else if let Some(abs) = path.strip_prefix('/') {
        let under = format!("/{abs}");
        let Some(inside) = under.strip_prefix(base_path) else { return Some((Target::OutsideBase, frag)) };
        joined = inside.to_string();
    } else {
        let dir = from.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        joined = if dir.is_empty() { path.to_string() } else { format!("{dir}/{path}") };
    }
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut target = parts.join("/");
    if path.ends_with('/') || target.is_empty() {
        target = if target.is_empty() { "index.html".into() } else { format!("{target}/index.html") };
    }
    Some((Target::File(target), frag))
}

impl LinkIndex {
    /// Every broken internal link and anchor, naming the rendered file and line and the page it came from.
    pub fn check_internal(&self, base_path: &str, sources: &HashMap<String, String>) -> Diagnostics {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let mut diags = Diagnostics::default();
        let mut names: Vec<&String> = files.keys().collect();
        names.sort();
        for from in names {
            let f = &files[from];
            for (href, line) in &f.links {
                let Some((target, frag)) = resolve(from, href, base_path) else { continue };
                let shown = format!("public/{from}");
                let origin = sources.get(from).map(|s| format!(" (page from {s})")).unwrap_or_default();
                let help = "fix the link in the page or in the template that writes it";
                let Target::File(target) = target else {
                    diags.push(
                        Diagnostic::new(&shown, format!("link `{href}` points outside the site's base path{origin}"))
                            .at(*line, None)
                            .help(help),
                    );
                    continue;
                };
                match files.get(&target) {
                    None => diags.push(
                        Diagnostic::new(&shown, format!("broken link `{href}`: no file `{target}`{origin}"))
                            .at(*line, None)
                            .help(help),
                    ),
                    Some(t) => {
                        if let Some(frag) = frag.filter(|f| !f.is_empty())
                            && target.ends_with(".html")
                            && !t.ids.contains(&frag)
                        {
                            diags.push(
                                Diagnostic::new(
                                    &shown,
                                    format!("broken anchor `{href}`: `{target}` has no id `{frag}`{origin}"),
                                )
                                .at(*line, None)
                                .help(help),
                            );
                        }
                    }
                }
            }
        }
        diags
    }

    /// External URLs and where they appear.
    pub fn external(&self) -> BTreeMap<String, Vec<(String, usize)>> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
        for (from, f) in files.iter() {
            for (href, line) in &f.links {
                let lower = href.to_ascii_lowercase();
                if lower.starts_with("http://") || lower.starts_with("https://") {
                    let url = href.split('#').next().unwrap_or(href).to_string();
                    out.entry(url).or_default().push((from.clone(), *line));
                }
            }
        }
        for v in out.values_mut() {
            v.sort();
        }
        out
    }
}

/// Settings for checking external links.
pub struct ExternalOptions {
    pub timeout: Duration,
    /// Minimum time between two requests to the same host.
    pub per_host_interval: Duration,
    /// Results younger than this are taken from the cache.
    pub cache_ttl: Duration,
    pub cache_file: std::path::PathBuf,
}

#[derive(serde::Serialize, serde::Deserialize, Clone)]
struct CacheEntry {
    ok: bool,
    status: String,
    checked: u64,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The host a URL is fetched from, as `url` parses it (user info, ports and case do not split one
/// host into several, so the per-host spacing holds).
fn host_of(url: &str) -> String {
    url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase)).unwrap_or_default()
}

/// Hosts checked at once; each host's URLs are still fetched one at a time.
const MAX_HOST_THREADS: usize = 8;

/// Fetch each external URL once (HEAD, then GET where HEAD is refused), hosts in parallel, one
/// request at a time per host, spaced by `per_host_interval`.
pub fn check_external(
    urls: &BTreeMap<String, Vec<(String, usize)>>,
    opts: &ExternalOptions,
) -> (Diagnostics, usize, usize) {
    let mut cache: HashMap<String, CacheEntry> =
        std::fs::read_to_string(&opts.cache_file).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    let fresh = |e: &CacheEntry| now_secs().saturating_sub(e.checked) < opts.cache_ttl.as_secs();
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut cached = 0;
    for url in urls.keys() {
        if cache.get(url).is_some_and(fresh) {
            cached += 1;
        } else {
            by_host.entry(host_of(url)).or_default().push(url.clone());
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .user_agent("policysite link checker")
        .build()
        .into();
    let results: Mutex<Vec<(String, CacheEntry)>> = Mutex::default();
    let fetched: usize = by_host.values().map(Vec::len).sum();
    let queue: Mutex<Vec<&Vec<String>>> = Mutex::new(by_host.values().collect());
    std::thread::scope(|s| {
        for _ in 0..MAX_HOST_THREADS.min(by_host.len()) {
            let (agent, results, queue) = (&agent, &results, &queue);
            s.spawn(move || {
                while let Some(list) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop() {
                    let mut last: Option<Instant> = None;
                    for url in list {
                        if let Some(t) = last {
                            let wait = opts.per_host_interval.saturating_sub(t.elapsed());
                            std::thread::sleep(wait);
                        }
                        let (ok, status) = fetch(agent, url);
                        // Spaced from the end of the previous request, so the host sees the gap
                        // whatever the network's delays.
                        last = Some(Instant::now());
                        results
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((url.clone(), CacheEntry { ok, status, checked: now_secs() }));
                    }
                }
            });
        }
    });
    for (url, entry) in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        cache.insert(url, entry);
    }
    if let Some(dir) = opts.cache_file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = crate::fsutil::write_atomic(
        &opts.cache_file,
        serde_json::to_string_pretty(&cache).unwrap_or_default().as_bytes(),
    );
    let mut diags = Diagnostics::default();
    for (url, places) in urls {
        if let Some(e) = cache.get(url)
            && !e.ok
        {
            for (file, line) in places {
                diags.push(
                    Diagnostic::new(format!("public/{file}"), format!("external link `{url}` failed: {}", e.status))
                        .at(*line, None)
                        .help("fix or remove the link; results are cached for a day (delete the cache file to re-check now)"),
                );
            }
        }
    }
    (diags, fetched, cached)
}

fn fetch(agent: &ureq::Agent, url: &str) -> (bool, String) {
    let head = agent.head(url).call();
    let response = match head {
        Ok(r) if r.status().as_u16() == 405 || r.status().as_u16() == 501 => agent.get(url).call(),
        other => other,
    };
    match response {
        Ok(r) => {
            let code = r.status().as_u16();
            (code < 400, format!("HTTP {code}"))
        }
        Err(e) => (false, e.to_string()),
    }
}

/// For messages: which content page produced each output file.
pub fn sources_by_output(site: &crate::model::Site) -> HashMap<String, String> {
    site.pages.iter().map(|p| (p.output_path(), p.source.file.display().to_string())).collect()
}

/// Where the external-link cache lives for a site.
pub fn default_cache(root: &Path) -> std::path::PathBuf {
    root.join(".policysite-cache").join("external-links.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_absolute_and_fragments() {
        let r = |from: &str, href: &str| resolve(from, href, "/");
        assert_eq!(r("a/b/index.html", "../../index.html"), Some(("index.html".into(), None)));
        assert_eq!(r("a/b/index.html", "../c/index.html#x"), Some(("a/c/index.html".into(), Some("x".into()))));
        assert_eq!(r("a/b/index.html", "#top"), Some(("a/b/index.html".into(), Some("top".into()))));
        assert_eq!(r("404.html", "/assets/style.css"), Some(("assets/style.css".into(), None)));
        assert_eq!(r("x/index.html", "../"), Some(("index.html".into(), None)));
        assert_eq!(r("index.html", "https://example.org/"), None);
        assert_eq!(r("index.html", "mailto:a@b.c"), None);
        assert_eq!(r("index.html", "../../etc"), None);
        assert_eq!(resolve("404.html", "/sub/assets/a.css", "/sub/"), Some(("assets/a.css".into(), None)));
    }

    #[test]
    fn a_path_outside_the_base_path_stays_outside_after_dot_dot() {
        // `/elsewhere/../x` is `/x`, outside `/sub/`: it must not resolve to the site's own `x`.
        assert_eq!(resolve("index.html", "/elsewhere/../x", "/sub/"), Some((Target::OutsideBase, None)));
        assert_eq!(resolve("index.html", "/other/#top", "/sub/"), Some((Target::OutsideBase, Some("top".into()))));
    }
}
