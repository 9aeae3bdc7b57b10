//! Writing the sharded index: postings per term, cut into shards by term order, and the section texts
//! in chunks of [`CHUNK`] sections, each as a small script the search page loads on demand.
//!
//! A posting is one number per section holding a term: `(gap − 1) × 16 + weight`, where `gap` is the
//! distance from the previous section holding it and `weight` is [`IN_TITLE`] + [`IN_HEADING`] + the
//! term's frequency bucket (0–3). Numbers are written in base 32, most significant digit first, with
//! two alphabets: [`MORE`] for a digit that is followed by more, [`LAST`] for the final one. A common
//! word (a section in every few) thus costs about one byte per section.
//!
//! Every file carries the index's version, a hash of its contents, and the search page asks for shards
//! and chunks with `?v=` that version: a browser or proxy that kept an older `entry.js` or shard across
//! a rebuild is noticed (the versions differ) and the page reloads the index instead of mixing two.

use std::collections::HashMap;

use serde::Serialize;
use std::hash::Hasher;

use crate::diag::{Diagnostic, Diagnostics};
use crate::encode::ScriptSafe;
use crate::model::{Page, Site};
use crate::output::Sink;
use crate::search::terms::{self, MIN_LEN, STOP_WORDS};
use crate::search::{IN_TITLE, TextSection};

/// Sections per text chunk (`search/x/N.js`): about a page of text, so showing ten results loads
/// at most ten small files.
pub const CHUNK: usize = 8;
/// Text chunks per text version (`entry.xv`): a chunk names the version of its block of chunks, not
/// the whole index's, so an edit that leaves the section numbering as it was rewrites one block of
/// chunks (at most this many files) instead of every chunk of the site (`serve`'s one-page edit).
pub const BLOCK: usize = 128;
/// A shard is closed once it holds this many bytes (a single very common term may make one larger).
const SHARD_BYTES: usize = 32 * 1024;

const LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
const MORE: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

fn push_number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 13];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = (n % 32) as u8;
        n /= 32;
        if n == 0 {
            break;
        }
    }
    let last = digits.len() - 1;
    for (j, d) in digits.iter().enumerate().skip(i) {
        out.push(if j == last { LAST[*d as usize] } else { MORE[*d as usize] });
    }
}

/// One term's postings while they are collected.
struct Postings {
    last: Option<u32>,
    bytes: Vec<u8>,
}

impl Postings {
    fn add(&mut self, doc: u32, weight: u8) {
        let gap = self.last.map_or(doc + 1, |l| doc - l);
        push_number(&mut self.bytes, u64::from(gap - 1) * 16 + u64::from(weight));
        self.last = Some(doc);
    }
}

/// One section as the search page shows it: [page title, page URL, heading, anchor, text].
type Shown<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

#[derive(Serialize)]
struct Entry<'a> {
    /// The index's version; every shard and chunk names it too.
    v: &'a str,
    /// Sections in the index, and how many share a text chunk.
    docs: usize,
    chunk: usize,
    /// Text chunks per text version, and each block's version (`search/x/N.js` names `xv[N / block]`).
    block: usize,
    xv: &'a [String],
    min: usize,
    stop: &'a [&'a str],
    /// The first term of each shard, in order (the first is always "").
    shards: Vec<&'a str>,
}

/// Every file of the search index, as (path below the output folder, contents).
pub fn emit(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    emit_each(site, &mut |name, bytes| files.push((name, bytes)));
    files
}

/// Writes every file of the search index into `sink` as it is made, so the section texts (the bulk of
/// the index) are never all held twice; returns the files that could not be written.
pub fn put(site: &Site, sink: &dyn Sink) -> Diagnostics {
    let mut diags = Diagnostics::default();
    emit_each(site, &mut |name, bytes| {
        if let Err(e) = sink.put(&name, &bytes) {
            diags.push(
                Diagnostic::new(&name, format!("cannot write: {e}"))
                    .help("check the output folder's permissions and free space"),
            );
        }
    });
    diags
}

/// Makes the index's files one by one and hands each to `out`.
fn emit_each(site: &Site, out_fn: &mut dyn FnMut(String, Vec<u8>)) {
    let mut pages: Vec<&Page> = site.pages.iter().collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    // Pages whose text starts with a heading get a section of their own for the title (and description).
    let synthetic: Vec<Option<TextSection>> = pages
        .iter()
        .map(|p| match p.sections.first() {
            Some(s) if s.id.is_empty() => None,
            _ => Some(TextSection::new(String::new(), String::new(), &p.source.front.description)),
        })
        .collect();
    let titles: Vec<Vec<String>> =
        pages.iter().map(|p| terms::counts(&p.source.front.title).into_keys().collect()).collect();
    let mut postings: HashMap<&str, Postings> = HashMap::new();
    let mut add =
        |t, doc, w| postings.entry(t).or_insert_with(|| Postings { last: None, bytes: Vec::new() }).add(doc, w);
    let data: Vec<Vec<TextSection>> = pages.iter().map(|p| data_sections(site, p)).collect();
    let mut shown: Vec<Shown<'_>> = Vec::new();
    for (((p, extra), title), data) in pages.iter().zip(&synthetic).zip(&titles).zip(&data) {
        for (i, s) in extra.iter().chain(p.sections.iter()).chain(data.iter()).enumerate() {
            if i > 0 && s.is_empty() {
                continue;
            }
            let doc = shown.len() as u32;
            // The section's terms are sorted and distinct; the page's title adds IN_TITLE to its first.
            for pair in s.terms.split(' ').filter(|t| t.len() > 1) {
                let (t, w) = pair.split_at(pair.len() - 1);
                let w: u8 = w.parse().unwrap_or(0);
                let in_title = i == 0 && title.iter().any(|x| x == t);
                add(t, doc, if in_title { w | IN_TITLE } else { w });
            }
            if i == 0 {
                for t in title
                    .iter()
                    .filter(|t| !s.terms.split(' ').any(|p| p.len() == t.len() + 1 && p.starts_with(t.as_str())))
                {
                    add(t, doc, IN_TITLE);
                }
            }
            shown.push((&p.source.front.title, &p.url, &s.heading, &s.id, &s.text));
        }
    }
    let mut postings: Vec<(&str, Postings)> = postings.into_iter().collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let text_versions: Vec<String> =
        shown.chunks(CHUNK * BLOCK).enumerate().map(|(b, rows)| block_version(b, rows)).collect();
    let version = version_of(&postings, &text_versions);

    let firsts = write_shards(&postings, &version, out_fn);
    for (n, chunk) in shown.chunks(CHUNK).enumerate() {
        let mut out = format!("POLICYSITE_SEARCH.text({n},\"{}\",", text_versions[n / BLOCK]).into_bytes();
        let _ = serde_json::to_writer(ScriptSafe(&mut out), chunk);
        out.extend_from_slice(b");\n");
        out_fn(format!("search/x/{n}.js"), out);
    }

    let entry = Entry {
        v: &version,
        docs: shown.len(),
        chunk: CHUNK,
        block: BLOCK,
        xv: &text_versions,
        min: MIN_LEN,
        stop: STOP_WORDS,
        shards: firsts,
    };
    let mut out = b"POLICYSITE_SEARCH.entry(".to_vec();
    let _ = serde_json::to_writer(ScriptSafe(&mut out), &entry);
    out.extend_from_slice(b");\n");
    out_fn("search/entry.js".into(), out);
}

/// The postings in shards (`search/s/N.js`): terms in order, cut at about SHARD_BYTES. Returns the
/// first term of each shard (`""` for the first), for the entry.
fn write_shards<'a>(
    postings: &[(&'a str, Postings)],
    version: &str,
    out_fn: &mut dyn FnMut(String, Vec<u8>),
) -> Vec<&'a str> {
    let mut firsts: Vec<&str> = Vec::new();
    let mut current: Vec<(&str, &[u8])> = Vec::new();
    let mut size = 0;
    let mut shard_count = 0;
    let mut flush = |current: &mut Vec<(&str, &[u8])>| {
        let n = shard_count;
        shard_count += 1;
        let mut out = format!("POLICYSITE_SEARCH.shard({n},\"{version}\",{{").into_bytes();
        for (i, (t, p)) in current.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let _ = serde_json::to_writer(ScriptSafe(&mut out), t);
            out.push(b':');
            out.push(b'"');
            out.extend_from_slice(p);
            out.push(b'"');
        }
        out.extend_from_slice(b"});\n");
        out_fn(format!("search/s/{n}.js"), out);
        current.clear();
    };
    for (t, p) in postings {
        let entry = t.len() + p.bytes.len() + 6;
        if !current.is_empty() && size + entry > SHARD_BYTES {
            flush(&mut current);
            size = 0;
        }
        if current.is_empty() {
            firsts.push(if firsts.is_empty() { "" } else { t });
        }
        current.push((t, &p.bytes));
        size += entry;
    }
    if !current.is_empty() || firsts.is_empty() {
        if firsts.is_empty() {
            firsts.push("");
        }
        flush(&mut current);
    }
    firsts
}

/// Sections for what a page shows from `data/` rather than from its Markdown: on the platform list
/// page (`template: platforms.html`), one section per platform (approved, not allowed, or not on the
/// list), holding its name, the regulation's spelling, its `aliases` and its note or reason, so
/// `Snap Chat`, `tiktok` or `twitter` find the platform's entry. Anchors are the page's
/// `platform-ID` ids.
fn data_sections(site: &Site, page: &Page) -> Vec<TextSection> {
    if page.kind() != crate::model::PageKind::Platforms {
        return Vec::new();
    }
    let list = &site.data.platforms;
    let mut out = Vec::new();
    let groups: [(&[crate::load::platforms::Platform], &str); 3] = [
        (&list.approved, "approved platform"),
        (&list.barred, "not allowed"),
        (&list.not_listed, "not on the approved list"),
    ];
    for (platforms, status) in groups {
        for p in platforms {
            let mut text = format!("{}: {status}.", p.name);
            let mut names: Vec<&str> = p.as_written.iter().map(String::as_str).collect();
            names.extend(p.aliases.iter().map(String::as_str));
            if !names.is_empty() {
                text.push_str(&format!(" Also written {}.", names.join(", ")));
            }
            for extra in [&p.note, &p.reason].into_iter().flatten() {
                text.push(' ');
                text.push_str(extra);
            }
            out.push(TextSection::new(format!("platform-{}", p.id), format!("{} ({status})", p.name), &text));
        }
    }
    out
}

/// The index's version: a hash of everything its files hold (the section texts through their blocks'
/// versions), so an unchanged index keeps its version (and the browser's cached copy) across
/// rebuilds, and any change gives a new one.
/// SipHash (std's), not a cryptographic hash: it only has to change when the index does, and it is
/// several times faster over the tens of megabytes of a large site's index.
fn version_of(postings: &[(&str, Postings)], text_versions: &[String]) -> String {
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    hash.write(format!("{CHUNK} {BLOCK} {MIN_LEN} {}\0", STOP_WORDS.join(" ")).as_bytes());
    for (term, p) in postings {
        hash.write(term.as_bytes());
        hash.write_u8(0);
        hash.write(&p.bytes);
        hash.write_u8(0);
    }
    for v in text_versions {
        hash.write(v.as_bytes());
    }
    format!("{:016x}", hash.finish())
}

/// The version of block `b` of the text chunks: a hash of its sections as shown and of where they
/// stand, so a chunk kept by a cache from another build is noticed unless its block is unchanged
/// (then its bytes are the same too). 12 hex digits: the entry lists one per block.
fn block_version(b: usize, rows: &[Shown<'_>]) -> String {
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    hash.write(format!("{CHUNK} {BLOCK} {b}\0").as_bytes());
    for (title, url, heading, anchor, text) in rows {
        for field in [title, url, heading, anchor, text] {
            hash.write(field.as_bytes());
            hash.write_u8(0);
        }
    }
    format!("{:012x}", hash.finish() >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(ns: &[u64]) -> String {
        let mut out = Vec::new();
        for n in ns {
            push_number(&mut out, *n);
        }
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn numbers_use_one_symbol_below_32() {
        assert_eq!(encode(&[0, 5, 31]), "05v");
        assert_eq!(encode(&[32, 1025]), "x0xw1");
    }

    #[test]
    fn script_safe_escapes_angle_brackets() {
        let mut out = Vec::new();
        let _ = serde_json::to_writer(ScriptSafe(&mut out), &"</script>");
        assert_eq!(String::from_utf8_lossy(&out), "\"\\u003c/script>\"");
    }
}
