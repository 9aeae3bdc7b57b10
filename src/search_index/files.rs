//! The index's files: text chunks (deflated, in blocks with their own versions), shards of
//! postings, and the entry that lists them. A leaf: given what to write, it writes it.

use std::hash::Hasher;

use serde::Serialize;

use crate::encode::ScriptSafe;
use crate::search::terms::{MIN_LEN, STOP_WORDS};

/// Sections per text chunk (`search/x/N.js`): a few pages of text, deflated to a few kilobytes, so
/// showing ten results loads at most ten small files.
pub const CHUNK: usize = 32;
/// Text chunks per text version (`entry.xv`): a chunk names the version of its block of chunks, not
/// the whole index's, so an edit that leaves the section numbering as it was rewrites one block of
/// chunks (at most this many files) instead of every chunk of the site (`serve`'s one-page edit).
pub const BLOCK: usize = 32;
/// How hard the text chunks are deflated (zlib's scale, 0–9): 6 gives ~4x on a large site's text at
/// a fraction of the build's time.
pub(super) const DEFLATE_LEVEL: u32 = 6;
/// A shard is closed once it holds this many bytes (a single very common term may make one larger).
pub(super) const SHARD_BYTES: usize = 32 * 1024;

/// A file of the index: path below the output folder, contents.
pub(super) type File = (String, Vec<u8>);

/// One section as the search page shows it: [page title, page URL, heading, anchor, text].
pub(super) type Shown<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

#[derive(Serialize)]
struct Entry<'a> {
    /// The index's version (a hash of every file's contents).
    v: &'a str,
    /// Each shard's version (`search/s/N.js` names `sv[N]`): a hash of that shard alone, so an edit
    /// rewrites only the shards whose postings changed, and a cached shard from another build is
    /// still refused unless its bytes are the same.
    sv: Vec<String>,
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

/// What a build over an earlier output can reuse: the file a path held there ([`crate::output::Sink::previous`]).
pub(super) type Previous<'a> = &'a (dyn Fn(&str) -> Option<Vec<u8>> + Sync);

/// Writes the text chunks of block `b` (its rows, whose version is `version`).
pub(super) fn put_block(b: usize, rows: &[Shown<'_>], version: &str, out_fn: &mut dyn FnMut(String, Vec<u8>)) {
    for (name, bytes) in block_files(b, rows, version, &|_| None) {
        out_fn(name, bytes);
    }
}

/// The text chunks of block `b`: each chunk's rows as JSON, deflated (raw DEFLATE, RFC 1951) and
/// written in Base64 as the string argument of `POLICYSITE_SEARCH.text(n, version, "…")`; the
/// search page inflates it with the browser's `DecompressionStream`.
///
/// Deflating is most of the index's cost, so a chunk the earlier output already holds is kept when
/// it is the same chunk: same number and version, and its text inflates to exactly the JSON this
/// build would deflate (checked in full, not trusted from the version: a damaged or hand-edited file
/// is made again). Inflating and comparing costs a fraction of deflating.
pub(super) fn block_files(b: usize, rows: &[Shown<'_>], version: &str, previous: Previous<'_>) -> Vec<File> {
    rows.chunks(CHUNK)
        .enumerate()
        .map(|(k, chunk)| {
            let json = serde_json::to_vec(chunk).unwrap_or_default();
            deflated_file("text", "x", b * BLOCK + k, version, &json, previous)
        })
        .collect()
}

/// A shard or text chunk as the search page loads it, `POLICYSITE_SEARCH.KIND(n,"version","…")`:
/// the string is the Base64 of its JSON deflated (raw DEFLATE, RFC 1951), which the page inflates
/// with the browser's `DecompressionStream` (Base64 inside a string needs no escaping in a script).
///
/// Deflating is most of the index's cost, so a file the earlier output already holds is kept when
/// it is the same file: same number and version, and its text inflates to exactly the JSON this
/// build would deflate (checked in full, not trusted from the version: a damaged or hand-edited file
/// is made again). Inflating and comparing costs a fraction of deflating.
fn deflated_file(kind: &str, dir: &str, n: usize, version: &str, json: &[u8], previous: Previous<'_>) -> File {
    use base64::Engine as _;
    use flate2::{Compression, write::DeflateEncoder};
    use std::io::Write as _;
    let name = format!("search/{dir}/{n}.js");
    let head = format!("POLICYSITE_SEARCH.{kind}({n},\"{version}\",\"");
    if let Some(old) = previous(&name).filter(|old| holds(old, &head, json)) {
        return (name, old);
    }
    let mut z = DeflateEncoder::new(Vec::new(), Compression::new(DEFLATE_LEVEL));
    let _ = z.write_all(json);
    let deflated = z.finish().unwrap_or_default();
    let mut out = head;
    base64::engine::general_purpose::STANDARD.encode_string(&deflated, &mut out);
    out.push_str("\");\n");
    (name, out.into_bytes())
}

/// Whether `file` starts with `head` and its Base64 text inflates to `json`.
fn holds(file: &[u8], head: &str, json: &[u8]) -> bool {
    use base64::Engine as _;
    use std::io::Read as _;
    let Some(b64) = file.strip_prefix(head.as_bytes()).and_then(|rest| rest.strip_suffix(b"\");\n")) else {
        return false;
    };
    let Ok(deflated) = base64::engine::general_purpose::STANDARD.decode(b64) else { return false };
    // One byte more than expected is read, so a longer text is noticed without inflating all of it.
    let mut text = Vec::with_capacity(json.len() + 1);
    let inflated =
        flate2::read::DeflateDecoder::new(deflated.as_slice()).take(json.len() as u64 + 1).read_to_end(&mut text);
    inflated.is_ok() && text == json
}

/// Where the shards' files come from besides their postings: the earlier output's files
/// ([`Previous`], a build), and which shards the output holds already (`serve`'s page edit, which
/// writes only the shards whose version changed).
pub(super) struct ShardsFrom<'a> {
    pub(super) previous: Previous<'a>,
    /// Each shard's version in the output, when known.
    pub(super) written: &'a [String],
}

/// Writes the shards (terms in order, cut at about [`SHARD_BYTES`]) and the entry; returns the
/// shards' versions.
pub(super) fn put_shards_and_entry(
    postings: &[(&str, &[u8])],
    text_versions: &[String],
    docs: usize,
    from: &ShardsFrom<'_>,
    out_fn: &mut dyn FnMut(String, Vec<u8>),
) -> Vec<String> {
    let version = version_of(postings, text_versions);
    let mut firsts: Vec<&str> = Vec::new();
    let mut versions: Vec<String> = Vec::new();
    let mut current: Vec<(&str, &[u8])> = Vec::new();
    let mut size = 0;
    let mut flush = |current: &mut Vec<(&str, &[u8])>| {
        let n = versions.len();
        let (json, v) = shard_json(n, current);
        if from.written.get(n) != Some(&v) {
            let (name, bytes) = deflated_file("shard", "s", n, &v, &json, from.previous);
            out_fn(name, bytes);
        }
        versions.push(v);
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
    let entry_versions = versions.clone();
    let entry = Entry {
        v: &version,
        sv: versions,
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
    entry_versions
}

/// The JSON of shard `n` holding `terms` (with their encoded postings: printable ASCII that JSON
/// need not escape), and its version, a hash of what it holds and where it stands (12 hex digits,
/// like a text block's).
fn shard_json(n: usize, terms: &[(&str, &[u8])]) -> (Vec<u8>, String) {
    let mut json = vec![b'{'];
    for (i, (t, p)) in terms.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        let _ = serde_json::to_writer(&mut json, t);
        json.extend_from_slice(b":\"");
        json.extend_from_slice(p);
        json.push(b'"');
    }
    json.push(b'}');
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    hash.write(format!("deflated {CHUNK} {BLOCK} {MIN_LEN} {} {n}\0", STOP_WORDS.join(" ")).as_bytes());
    hash.write(&json);
    (json, format!("{:012x}", hash.finish() >> 16))
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
pub(super) fn block_version(b: usize, rows: &[Shown<'_>]) -> String {
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
