//! Writing the sharded index: postings per term, cut into shards by term order, and the section texts
//! in chunks of [`CHUNK`] sections, each as a small script the search page loads on demand.
//!
//! A posting is one number per section holding a term: `(gap − 1) × 16 + weight`, where `gap` is the
//! distance from the previous section holding it and `weight` is [`IN_TITLE`] + [`IN_HEADING`] + the
//! term's frequency bucket (0–3). A number is written as its last digit in base 64 from [`LAST`],
//! preceded by the rest (`n / 64`, when not 0) in base 27 from [`MORE`], most significant digit first:
//! the two alphabets are the printable ASCII characters but `"`, `\` and `<`, so a list is a plain
//! JavaScript string. A word in every fourth section or more often costs one byte per section; one in
//! every 1,700 sections, two.
//!
//! Every file carries the index's version, a hash of its contents, and the search page asks for shards
//! and chunks with `?v=` that version: a browser or proxy that kept an older `entry.js` or shard across
//! a rebuild is noticed (the versions differ) and the page reloads the index instead of mixing two.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use std::hash::Hasher;

use crate::diag::{Diagnostic, Diagnostics};
use crate::encode::ScriptSafe;
use crate::model::{Page, Site};
use crate::output::Sink;
use crate::search::terms::{self, MIN_LEN, STOP_WORDS};
use crate::search::{IN_TITLE, TextSection};

/// Sections per text chunk (`search/x/N.js`): a few pages of text, deflated to a few kilobytes, so
/// showing ten results loads at most ten small files.
pub const CHUNK: usize = 32;
/// Text chunks per text version (`entry.xv`): a chunk names the version of its block of chunks, not
/// the whole index's, so an edit that leaves the section numbering as it was rewrites one block of
/// chunks (at most this many files) instead of every chunk of the site (`serve`'s one-page edit).
pub const BLOCK: usize = 32;
/// How hard the text chunks are deflated (zlib's scale, 0–9): 6 gives ~4x on a large site's text at
/// a fraction of the build's time.
const DEFLATE_LEVEL: u32 = 6;
/// A shard is closed once it holds this many bytes (a single very common term may make one larger).
const SHARD_BYTES: usize = 32 * 1024;

const LAST: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
const MORE: &[u8; 27] = b"!#$%&'()*+,./:;=>?@[]^`{|}~";

fn push_number(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 14];
    let mut i = digits.len();
    let mut rest = n / 64;
    while rest > 0 {
        i -= 1;
        digits[i] = MORE[(rest % 27) as usize];
        rest /= 27;
    }
    out.extend_from_slice(&digits[i..]);
    out.push(LAST[(n % 64) as usize]);
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

/// A file of the index: path below the output folder, contents.
type File = (String, Vec<u8>);

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
    emit_each(site, Some(&mut |name, bytes| files.push((name, bytes))), false);
    files
}

/// Writes every file of the search index into `sink` as it is made, so the section texts (the bulk of
/// the index) are never all held twice; returns the files that could not be written.
pub fn put(site: &Site, sink: &dyn Sink) -> Diagnostics {
    let mut diags = Diagnostics::default();
    emit_each(site, Some(&mut |name, bytes| put_one(sink, &mut diags, name, &bytes)), false);
    diags
}

fn put_one(sink: &dyn Sink, diags: &mut Diagnostics, name: String, bytes: &[u8]) {
    if let Err(e) = sink.put(&name, bytes) {
        diags.push(
            Diagnostic::new(&name, format!("cannot write: {e}"))
                .help("check the output folder's permissions and free space"),
        );
    }
}

/// Makes the index's files one by one and hands each to `out`; with `keep`, also returns what
/// [`put_pages`] needs to update the index for an edited page.
/// Without `out_fn`, writes nothing and only works out what is kept (`keep` must be set).
fn emit_each(site: &Site, out_fn: Option<&mut dyn FnMut(String, Vec<u8>)>, keep: bool) -> Option<Kept> {
    let pages = in_index_order(site);
    let extras: Vec<Extra> = pages.iter().map(|p| Extra::of(site, p)).collect();
    let mut postings: HashMap<&str, Postings> = HashMap::new();
    let mut kept_pages = Vec::new();
    let mut shown: Vec<Shown<'_>> = Vec::new();
    for (p, extra) in pages.iter().zip(&extras) {
        let first = shown.len() as u32;
        let docs = page_docs(p, extra);
        for &(t, doc, w) in &docs.postings {
            postings.entry(t).or_insert_with(|| Postings { last: None, bytes: Vec::new() }).add(first + doc, w);
        }
        if keep {
            kept_pages.push(KeptPage { url: p.url.clone(), first, count: docs.rows.len() as u32, terms: docs.terms() });
        }
        shown.extend(docs.rows);
    }
    let mut postings: Vec<(&str, Postings)> = postings.into_iter().collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let text_versions = match out_fn {
        Some(out_fn) => {
            let text_versions = put_text(&shown, out_fn);
            let lists: Vec<(&str, &[u8])> = postings.iter().map(|(t, p)| (*t, p.bytes.as_slice())).collect();
            put_shards_and_entry(&lists, &text_versions, shown.len(), out_fn);
            text_versions
        }
        None => shown.chunks(CHUNK * BLOCK).enumerate().map(|(b, rows)| block_version(b, rows)).collect(),
    };
    keep.then(|| Kept {
        by_url: kept_pages.iter().enumerate().map(|(i, p)| (p.url.clone(), i)).collect(),
        pages: kept_pages,
        postings: postings.into_iter().map(|(t, p)| (t.to_string(), p.bytes)).collect(),
        text_versions,
        docs: shown.len(),
    })
}

/// Writes every text chunk, deflated on all cores a few blocks at a time (so only those blocks' files
/// are held at once); returns the blocks' versions.
fn put_text(shown: &[Shown<'_>], out_fn: &mut dyn FnMut(String, Vec<u8>)) -> Vec<String> {
    use rayon::prelude::*;
    let span = CHUNK * BLOCK;
    let mut versions = Vec::new();
    for (g, group) in shown.chunks(span * 16).enumerate() {
        let done: Vec<(String, Vec<File>)> = group
            .par_chunks(span)
            .enumerate()
            .map(|(k, rows)| {
                let b = g * 16 + k;
                let v = block_version(b, rows);
                let files = block_files(b, rows, &v);
                (v, files)
            })
            .collect();
        for (v, files) in done {
            versions.push(v);
            for (name, bytes) in files {
                out_fn(name, bytes);
            }
        }
    }
    versions
}

/// The site's pages in the order of the index's sections (by URL).
fn in_index_order(site: &Site) -> Vec<&Page> {
    let mut pages: Vec<&Page> = site.pages.iter().collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    pages
}

/// What the index holds of a page besides its Markdown sections: a section of its own for the title
/// (and description) when the text starts with a heading, the sections of the data it shows, and the
/// terms of its title.
struct Extra {
    synthetic: Option<TextSection>,
    data: Vec<TextSection>,
    title: Vec<String>,
}

impl Extra {
    fn of(site: &Site, p: &Page) -> Extra {
        let synthetic = match p.sections.first() {
            Some(s) if s.id.is_empty() => None,
            _ => Some(TextSection::new(String::new(), String::new(), &p.source.front.description)),
        };
        let title = terms::counts(&p.source.front.title).into_keys().collect();
        Extra { synthetic, data: data_sections(site, p), title }
    }
}

/// One page's part of the index: its sections as shown, and the postings they add as (term, section
/// number within the page, weight), in section order.
struct PageDocs<'a> {
    rows: Vec<Shown<'a>>,
    postings: Vec<(&'a str, u32, u8)>,
}

impl PageDocs<'_> {
    /// The distinct terms of the page, sorted.
    fn terms(&self) -> Vec<String> {
        let mut terms: Vec<&str> = self.postings.iter().map(|p| p.0).collect();
        terms.sort_unstable();
        terms.dedup();
        terms.into_iter().map(str::to_string).collect()
    }
}

fn page_docs<'a>(p: &'a Page, extra: &'a Extra) -> PageDocs<'a> {
    let mut docs = PageDocs { rows: Vec::new(), postings: Vec::new() };
    for (i, s) in extra.synthetic.iter().chain(p.sections.iter()).chain(extra.data.iter()).enumerate() {
        if i > 0 && s.is_empty() {
            continue;
        }
        let doc = docs.rows.len() as u32;
        // The section's terms are sorted and distinct; the page's title adds IN_TITLE to its first.
        for pair in s.terms.split(' ').filter(|t| t.len() > 1) {
            let (t, w) = pair.split_at(pair.len() - 1);
            let w: u8 = w.parse().unwrap_or(0);
            let in_title = i == 0 && extra.title.iter().any(|x| x == t);
            docs.postings.push((t, doc, if in_title { w | IN_TITLE } else { w }));
        }
        if i == 0 {
            for t in extra
                .title
                .iter()
                .filter(|t| !s.terms.split(' ').any(|p| p.len() == t.len() + 1 && p.starts_with(t.as_str())))
            {
                docs.postings.push((t, doc, IN_TITLE));
            }
        }
        docs.rows.push((&p.source.front.title, &p.url, &s.heading, &s.id, &s.text));
    }
    docs
}

/// Writes the text chunks of block `b` (its rows, whose version is `version`).
fn put_block(b: usize, rows: &[Shown<'_>], version: &str, out_fn: &mut dyn FnMut(String, Vec<u8>)) {
    for (name, bytes) in block_files(b, rows, version) {
        out_fn(name, bytes);
    }
}

/// The text chunks of block `b`: each chunk's rows as JSON, deflated (raw DEFLATE, RFC 1951) and
/// written in Base64 as the string argument of `POLICYSITE_SEARCH.text(n, version, "…")`; the
/// search page inflates it with the browser's `DecompressionStream`.
fn block_files(b: usize, rows: &[Shown<'_>], version: &str) -> Vec<File> {
    use base64::Engine as _;
    use flate2::{Compression, write::DeflateEncoder};
    rows.chunks(CHUNK)
        .enumerate()
        .map(|(k, chunk)| {
            let n = b * BLOCK + k;
            let mut z = DeflateEncoder::new(Vec::new(), Compression::new(DEFLATE_LEVEL));
            let _ = serde_json::to_writer(&mut z, chunk);
            let deflated = z.finish().unwrap_or_default();
            let mut out = format!("POLICYSITE_SEARCH.text({n},\"{version}\",\"");
            base64::engine::general_purpose::STANDARD.encode_string(&deflated, &mut out);
            out.push_str("\");\n");
            (format!("search/x/{n}.js"), out.into_bytes())
        })
        .collect()
}

/// Writes the shards (terms in order, cut at about [`SHARD_BYTES`]) and the entry.
fn put_shards_and_entry(
    postings: &[(&str, &[u8])],
    text_versions: &[String],
    docs: usize,
    out_fn: &mut dyn FnMut(String, Vec<u8>),
) {
    let version = version_of(postings, text_versions);
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
    for &(t, p) in postings {
        let entry = t.len() + p.len() + 6;
        if !current.is_empty() && size + entry > SHARD_BYTES {
            flush(&mut current);
            size = 0;
        }
        if current.is_empty() {
            firsts.push(if firsts.is_empty() { "" } else { t });
        }
        current.push((t, p));
        size += entry;
    }
    if !current.is_empty() || firsts.is_empty() {
        if firsts.is_empty() {
            firsts.push("");
        }
        flush(&mut current);
    }
    let entry = Entry {
        v: &version,
        docs,
        chunk: CHUNK,
        block: BLOCK,
        xv: text_versions,
        min: MIN_LEN,
        stop: STOP_WORDS,
        shards: firsts,
    };
    let mut out = b"POLICYSITE_SEARCH.entry(".to_vec();
    let _ = serde_json::to_writer(ScriptSafe(&mut out), &entry);
    out.extend_from_slice(b");\n");
    out_fn("search/entry.js".into(), out);
}

/// What `serve` keeps of the index it last wrote, so that an edit of a page's text rewrites what that
/// page touches (its terms' postings, its block of text chunks, the shards and the entry) instead of
/// the whole index. The engine works it out after every full rebuild ([`Kept::of`]) and drops it on
/// a change of data (which changes data sections; the next page edit then writes the index whole and
/// keeps it again), so it never outlives the model it came from.
#[derive(Default)]
pub struct Kept {
    /// Pages in index order: URL, first section number, section count, distinct terms.
    pages: Vec<KeptPage>,
    by_url: HashMap<String, usize>,
    /// Every term's encoded postings, in term order.
    postings: BTreeMap<String, Vec<u8>>,
    text_versions: Vec<String>,
    docs: usize,
}

struct KeptPage {
    url: String,
    first: u32,
    count: u32,
    terms: Vec<String>,
}

impl Kept {
    /// What [`put_pages`] needs of `site`'s index as [`put`] wrote it (nothing is written): `serve`
    /// works it out after a full rebuild, so its first page edit is as cheap as the next.
    pub fn of(site: &Site) -> Kept {
        emit_each(site, None, true).unwrap_or_default()
    }
}

/// Writes the index after the pages `changed` (indices into `site.pages`) had their text edited,
/// updating `kept`: only the files that can differ are handed to `sink` (the text chunks of the
/// edited pages' blocks, the shards, the entry); the output holds the same bytes as after [`put`].
/// Falls back to writing everything (and keeping it) when nothing is kept yet or an edit changed
/// how many sections a page has (the sections after it are numbered anew).
pub fn put_pages(site: &Site, changed: &[usize], sink: &dyn Sink, kept: &mut Kept) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut out = |name: String, bytes: Vec<u8>| put_one(sink, &mut diags, name, &bytes);
    if !update(site, changed, kept, &mut out) {
        *kept = emit_each(site, Some(&mut out), true).unwrap_or_default();
    }
    diags
}

/// [`put_pages`]'s update in place; `false` (nothing written, `kept` untouched) when it cannot be.
fn update(site: &Site, changed: &[usize], kept: &mut Kept, out_fn: &mut dyn FnMut(String, Vec<u8>)) -> bool {
    if kept.pages.len() != site.pages.len() || kept.pages.is_empty() {
        return false;
    }
    let mut edited = Vec::new();
    for &i in changed {
        let Some(p) = site.pages.get(i) else { return false };
        let Some(&at) = kept.by_url.get(&p.url) else { return false };
        edited.push((at, p, Extra::of(site, p)));
    }
    let mut blocks = BTreeSet::new();
    let mut fresh: BTreeMap<&str, Vec<(u32, u8)>> = BTreeMap::new();
    let mut terms = Vec::new();
    for (at, p, extra) in &edited {
        let docs = page_docs(p, extra);
        let kp = &kept.pages[*at];
        if docs.rows.len() as u32 != kp.count {
            return false;
        }
        for &(t, doc, w) in &docs.postings {
            fresh.entry(t).or_default().push((kp.first + doc, w));
        }
        let span = CHUNK as u32 * BLOCK as u32;
        blocks.extend((kp.first / span)..=((kp.first + kp.count).max(1) - 1) / span);
        terms.push((*at, docs.terms()));
    }
    // Every term the edited pages held before or hold now: their postings for those pages, anew.
    let mut touched: BTreeSet<String> =
        terms.iter().flat_map(|(at, _)| kept.pages[*at].terms.iter().cloned()).collect();
    touched.extend(fresh.keys().map(|t| t.to_string()));
    let ranges: Vec<(u32, u32)> =
        edited.iter().map(|(at, ..)| (kept.pages[*at].first, kept.pages[*at].first + kept.pages[*at].count)).collect();
    for t in touched {
        let old = kept.postings.remove(&t).unwrap_or_default();
        let new = fresh.get(t.as_str()).map_or(&[][..], Vec::as_slice);
        let list = ranges.iter().fold(old, |list, &(a, b)| {
            let within: Vec<(u32, u8)> = new.iter().copied().filter(|(d, _)| *d >= a && *d < b).collect();
            splice(&list, a, b, &within)
        });
        if !list.is_empty() {
            kept.postings.insert(t, list);
        }
    }
    for (at, t) in terms {
        kept.pages[at].terms = t;
    }
    put_blocks(site, kept, &blocks, out_fn);
    let lists: Vec<(&str, &[u8])> = kept.postings.iter().map(|(t, p)| (t.as_str(), p.as_slice())).collect();
    put_shards_and_entry(&lists, &kept.text_versions, kept.docs, out_fn);
    true
}

/// Writes the text chunks of `blocks` anew from the site (and their versions into `kept`).
fn put_blocks(site: &Site, kept: &mut Kept, blocks: &BTreeSet<u32>, out_fn: &mut dyn FnMut(String, Vec<u8>)) {
    let span = (CHUNK * BLOCK) as u32;
    let by_url: HashMap<&str, &Page> = site.pages.iter().map(|p| (p.url.as_str(), p)).collect();
    for &b in blocks {
        let (start, end) = (b * span, ((b + 1) * span).min(kept.docs as u32));
        // The pages whose sections fall in the block, and their sections as shown.
        let from = kept.pages.partition_point(|p| p.first + p.count <= start);
        let to = kept.pages.partition_point(|p| p.first < end);
        let pages: Vec<(&Page, Extra, u32)> = kept.pages[from..to]
            .iter()
            .filter_map(|kp| by_url.get(kp.url.as_str()).map(|p| (*p, Extra::of(site, p), kp.first)))
            .collect();
        let mut rows: Vec<Shown<'_>> = Vec::new();
        for (p, extra, first) in &pages {
            for (k, row) in page_docs(p, extra).rows.into_iter().enumerate() {
                let doc = first + k as u32;
                if doc >= start && doc < end {
                    rows.push(row);
                }
            }
        }
        let v = block_version(b as usize, &rows);
        put_block(b as usize, &rows, &v, out_fn);
        kept.text_versions[b as usize] = v;
    }
}

/// Decoding table for the postings' digits: the digit, and whether it is a number's last.
const DIGITS: [(u8, bool); 256] = {
    let mut t = [(0u8, false); 256];
    let mut i = 0;
    while i < 64 {
        t[LAST[i] as usize] = (i as u8, true);
        if i < 27 {
            t[MORE[i] as usize] = (i as u8, false);
        }
        i += 1;
    }
    t
};

/// `list` (one term's encoded postings) with its postings for sections `a..b` replaced by `new`
/// (sorted, all within `a..b`). The postings before `a` are copied as they are, and those after `b`
/// too but for the first (its gap is from a new predecessor).
fn splice(list: &[u8], a: u32, b: u32, new: &[(u32, u8)]) -> Vec<u8> {
    let mut p = Postings { last: None, bytes: Vec::with_capacity(list.len() + 2 * new.len()) };
    let (mut n, mut doc, mut start) = (0u64, -1i64, 0usize);
    let mut i = 0;
    // Postings before `a`: copied whole.
    let mut next: Option<(u32, u8, usize)> = None;
    while i < list.len() {
        let (d, last) = DIGITS[list[i] as usize];
        i += 1;
        if !last {
            n = n * 27 + u64::from(d);
            continue;
        }
        n = n * 64 + u64::from(d);
        doc += (n / 16) as i64 + 1;
        let (at, w) = (doc as u32, (n % 16) as u8);
        n = 0;
        if at < a {
            start = i;
            p.last = Some(at);
        } else if at >= b {
            next = Some((at, w, i));
            break;
        }
    }
    p.bytes.extend_from_slice(&list[..start]);
    for &(d, w) in new {
        p.add(d, w);
    }
    if let Some((at, w, end)) = next {
        p.add(at, w);
        p.bytes.extend_from_slice(&list[end..]);
    }
    p.bytes
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
fn version_of(postings: &[(&str, &[u8])], text_versions: &[String]) -> String {
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    hash.write(format!("{CHUNK} {BLOCK} {MIN_LEN} {}\0", STOP_WORDS.join(" ")).as_bytes());
    for (term, p) in postings {
        hash.write(term.as_bytes());
        hash.write_u8(0);
        hash.write(p);
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
    fn numbers_use_one_symbol_below_64() {
        assert_eq!(encode(&[0, 5, 63]), "05_");
        assert_eq!(encode(&[64, 1025, 27 * 64]), "#0>1#!0");
    }

    #[test]
    fn postings_are_plain_javascript_string_characters() {
        let all: Vec<u8> = LAST.iter().chain(MORE.iter()).copied().collect();
        assert!(all.iter().all(|c| c.is_ascii_graphic() && !b"\"\\<".contains(c)));
        let mut distinct = all.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), all.len());
    }

    fn list(postings: &[(u32, u8)]) -> Vec<u8> {
        let mut p = Postings { last: None, bytes: Vec::new() };
        for &(d, w) in postings {
            p.add(d, w);
        }
        p.bytes
    }

    #[test]
    fn splicing_a_range_gives_the_list_made_anew() {
        let old: Vec<(u32, u8)> = vec![(0, 1), (3, 2), (40, 9), (41, 3), (45, 1), (46, 2), (900, 12), (1200, 1)];
        type Case<'a> = (u32, u32, &'a [(u32, u8)]);
        let cases: &[Case<'_>] = &[
            (40, 46, &[(42, 5)]),
            (40, 46, &[]),
            (0, 1, &[(0, 3)]),
            (0, 4, &[]),
            (1200, 1300, &[(1250, 1), (1299, 4)]),
            (5000, 5010, &[(5003, 2)]),
            (41, 42, &[(41, 3)]),
            (100, 200, &[(150, 8)]),
        ];
        for &(a, b, new) in cases {
            let mut want: Vec<(u32, u8)> = old.iter().copied().filter(|(d, _)| *d < a || *d >= b).collect();
            want.extend_from_slice(new);
            want.sort_unstable();
            assert_eq!(splice(&list(&old), a, b, new), list(&want), "{a}..{b} ← {new:?}");
        }
        assert!(splice(&list(&[(7, 1)]), 7, 8, &[]).is_empty());
        assert_eq!(splice(&[], 7, 8, &[(7, 1)]), list(&[(7, 1)]));
    }

    #[test]
    fn script_safe_escapes_angle_brackets() {
        let mut out = Vec::new();
        let _ = serde_json::to_writer(ScriptSafe(&mut out), &"</script>");
        assert_eq!(String::from_utf8_lossy(&out), "\"\\u003c/script>\"");
    }
}
