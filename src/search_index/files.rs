//! The index's files: text chunks (deflated, in blocks with their own versions), shards of
//! postings, and the entry that lists them. A leaf: given what to write, it writes it.

use std::hash::Hasher;

use serde::Serialize;

use crate::encode::ScriptSafe;
use crate::search::terms::{MIN_LEN, STOP_WORDS};

/// Section numbers per text chunk (`search/x/N.js`): a few pages of text, deflated to a few
/// kilobytes, so showing ten results loads at most ten small files. With the room each page's range
/// keeps ([`super::slots`]), about one number in five holds no section on the 10,000-page bench
/// site, so a chunk holds about 32 sections (as many as it held when numbers had no gaps, with as
/// many files and bytes per result).
pub const CHUNK: usize = 40;
/// Text chunks per text version (`entry.xv`): a chunk names the version of its block of chunks, not
/// the whole index's, so an edit that leaves the section numbering as it was rewrites one block of
/// chunks (at most this many files) instead of every chunk of the site (`serve`'s one-page edit).
pub const BLOCK: usize = 32;
/// How hard the text chunks and shards are deflated (zlib's scale, 0–9). Deflating is most of a
/// clean build's search cost (a rebuild keeps the files it can), and a clean build is what a
/// deployment from a fresh checkout runs. On the 10,000-page bench site's 88 MB of section text,
/// level 2 takes a third of level 6's time (0.5 against 1.5 s of CPU) for 18 % more bytes (18.9
/// against 16.1 MB; the index on disk 27 against 23 MB, Pagefind's 33); level 4 takes two thirds
/// for 4 % more, level 1 a fifth for 55 % more. A query loads a few chunks, so a few kilobytes
/// more. When the index is made whole, a chunk deflated at another level is still kept: it is
/// checked by what it inflates to (an update in place writes again a chunk the memo cannot vouch for).
pub(super) const DEFLATE_LEVEL: u32 = 2;
/// A shard is closed once it holds this many bytes (a single very common term may make one larger).
pub(super) const SHARD_BYTES: usize = 32 * 1024;

/// The entry's path below the output folder.
pub(super) const ENTRY: &str = "search/entry.js";
/// The folders of the text chunks and of the shards, below the output folder.
pub(super) const CHUNKS: &str = "search/x";
pub(super) const SHARDS: &str = "search/s";

/// The path of file `n` of `dir` ([`CHUNKS`], [`SHARDS`]).
pub(super) fn numbered(dir: &str, n: usize) -> String {
    format!("{dir}/{n}.js")
}

/// Which file of `dir` the path `rel` is ([`numbered`]), if it is one.
pub(super) fn number_in(dir: &str, rel: &str) -> Option<usize> {
    rel.strip_prefix(dir)?.strip_prefix('/')?.strip_suffix(".js")?.parse().ok()
}

/// A file of the index: path below the output folder, contents.
pub(super) type File = (String, Vec<u8>);

/// One section as the search page shows it: [page title, page URL, heading, anchor, text].
pub(super) type Shown<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

/// A text chunk's rows: one per section number, `None` (`null`) for a number no section holds (the
/// room left in a page's range, [`super::slots`]).
pub(super) type Rows<'a> = [Option<Shown<'a>>];

#[derive(Serialize)]
struct Entry<'a> {
    /// The index's version (a hash of every file's contents).
    v: &'a str,
    /// Each shard's version (`search/s/N.js` names `sv[N]`): a hash of that shard alone, so an edit
    /// rewrites only the shards whose postings changed, and a cached shard from another build is
    /// still refused unless its bytes are the same.
    sv: &'a [String],
    /// Section numbers the index uses (the search page's arrays are that long; named as when
    /// numbers had no gaps, so a search page cached from then still finds every section), sections
    /// it holds (what a word's rarity is measured against), and how many numbers share a text chunk.
    docs: usize,
    sections: usize,
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
pub(super) fn put_block(b: usize, rows: &Rows<'_>, version: &str, out_fn: &mut dyn FnMut(String, Vec<u8>)) {
    for (name, bytes) in block_files(b, rows, version, &|_| None) {
        out_fn(name, bytes);
    }
}

/// The text chunks of block `b`: each chunk's rows as JSON, made into a file by [`deflated_file`]
/// (or kept from `previous`).
pub(super) fn block_files(b: usize, rows: &Rows<'_>, version: &str, previous: Previous<'_>) -> Vec<File> {
    rows.chunks(CHUNK)
        .enumerate()
        .map(|(k, chunk)| {
            let json = serde_json::to_vec(chunk).unwrap_or_default();
            deflated_file("text", CHUNKS, b * BLOCK + k, version, &json, previous)
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
    let name = numbered(dir, n);
    let head = format!("POLICYSITE_SEARCH.{kind}({n},\"{version}\",\"");
    if let Some(old) = previous(&name).filter(|old| holds(old, &head, json)) {
        return (name, old);
    }
    let mut out = head;
    base64::engine::general_purpose::STANDARD.encode_string(deflate(json), &mut out);
    out.push_str("\");\n");
    (name, out.into_bytes())
}

/// Whether `file` starts with `head` and its Base64 text inflates to `json`, with nothing after the
/// end of the deflated stream (the browser's `DecompressionStream` refuses trailing bytes).
fn holds(file: &[u8], head: &str, json: &[u8]) -> bool {
    use base64::Engine as _;
    let Some(b64) = file.strip_prefix(head.as_bytes()).and_then(|rest| rest.strip_suffix(b"\");\n")) else {
        return false;
    };
    let Ok(deflated) = base64::engine::general_purpose::STANDARD.decode(b64) else { return false };
    inflates_to(&deflated, json)
}

thread_local! {
    /// One deflater and one inflater per thread, reset between files: a new one allocates (and the
    /// system zeroes) a few hundred kilobytes of state, for each of thousands of files on a large site.
    static CODEC: std::cell::RefCell<(flate2::Compress, flate2::Decompress)> = std::cell::RefCell::new((
        flate2::Compress::new(flate2::Compression::new(DEFLATE_LEVEL), false),
        flate2::Decompress::new(false),
    ));
}

/// `bytes` as raw DEFLATE (RFC 1951); empty if the deflater fails (it cannot on a buffer in memory).
fn deflate(bytes: &[u8]) -> Vec<u8> {
    use flate2::{FlushCompress, Status};
    CODEC.with(|codec| {
        let z = &mut codec.borrow_mut().0;
        z.reset();
        let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
        loop {
            let done = z.total_in() as usize;
            match z.compress_vec(&bytes[done.min(bytes.len())..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return out,
                // The output is full: room for as much again.
                Ok(Status::Ok | Status::BufError) => out.reserve(out.capacity().max(64)),
                Err(_) => return Vec::new(),
            }
        }
    })
}

/// Whether raw DEFLATE `deflated` inflates to exactly `expected`, ending where `deflated` ends.
fn inflates_to(deflated: &[u8], expected: &[u8]) -> bool {
    use flate2::{FlushDecompress, Status};
    CODEC.with(|codec| {
        let d = &mut codec.borrow_mut().1;
        d.reset(false);
        // One byte of room more than expected: a longer text fills it and never reaches its end.
        let mut out = Vec::with_capacity(expected.len() + 1);
        let ended = matches!(d.decompress_vec(deflated, &mut out, FlushDecompress::Finish), Ok(Status::StreamEnd));
        ended && d.total_in() == deflated.len() as u64 && out == expected
    })
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
    numbers: super::Numbers,
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
            let (name, bytes) = deflated_file("shard", SHARDS, n, &v, &json, from.previous);
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
    let entry = Entry {
        v: &version,
        sv: &versions,
        docs: numbers.ids,
        sections: numbers.sections,
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
    out_fn(ENTRY.into(), out);
    versions
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
/// (then its text is the same too). 12 hex digits: the entry lists one per block.
///
/// foldhash (its quality variant, fixed seed, so a version is the same in every run) instead of
/// std's SipHash: this hashes every section's text on every build, and SipHash took 2 % of a
/// 10,000-page rebuild. Only a change has to show; keeping a chunk never trusts the version alone.
pub(super) fn block_version(b: usize, rows: &Rows<'_>) -> String {
    use std::hash::BuildHasher as _;
    let mut hash = foldhash::quality::FixedState::with_seed(0x706f_6c69_6379).build_hasher();
    hash.write(format!("{CHUNK} {BLOCK} {b}\0").as_bytes());
    for row in rows {
        // A number no section holds hashes as a 1; a section, as its fields each followed by a 0.
        let Some((title, url, heading, anchor, text)) = row else {
            hash.write_u8(1);
            continue;
        };
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

    /// A file's path names its folder and number, and nothing else does.
    #[test]
    fn numbered_files_are_named_and_read_back() {
        assert_eq!(numbered(CHUNKS, 7), "search/x/7.js");
        assert_eq!(number_in(CHUNKS, &numbered(CHUNKS, 7)), Some(7));
        assert_eq!(number_in(SHARDS, &numbered(CHUNKS, 7)), None);
        for other in [ENTRY, "search/x/7.jsx", "search/x/a.js", "search/xx/7.js", "search/x/"] {
            assert_eq!(number_in(CHUNKS, other), None, "{other}");
        }
    }

    /// The deflater and inflater are reused between files: each file still comes out whole, and a
    /// file is kept only when it inflates to exactly what would be written.
    #[test]
    fn reused_codecs_round_trip_and_refuse_what_differs() {
        let a = br#"[["Title","a/","Heading","id","some text"]]"#.repeat(40);
        let b = br#"[["Other","b/","Heading","id","more text"]]"#.repeat(3);
        let (da, db) = (deflate(&a), deflate(&b));
        assert!(!da.is_empty() && da.len() < a.len());
        assert!(inflates_to(&da, &a) && inflates_to(&db, &b), "each inflates to its own text");
        assert!(!inflates_to(&da, &b) && !inflates_to(&db, &a), "not to another's");
        assert!(!inflates_to(&da, &a[..a.len() - 1]), "a longer text is refused");
        assert!(!inflates_to(&da[..da.len() - 2], &a), "a cut stream is refused");
        let mut junk = da.clone();
        junk.extend_from_slice(b"junk");
        assert!(!inflates_to(&junk, &a), "bytes after the stream are refused");
        assert_eq!(deflate(&a), da, "a reset deflater gives the same bytes again");
    }

    /// A file an earlier build deflated at another level (an older policysite's 6, say) is kept: what
    /// it inflates to is what counts, not how hard it was deflated.
    #[test]
    fn a_chunk_deflated_at_another_level_is_kept() {
        use base64::Engine as _;
        let json = br#"[["Title","a/","Heading","id","the same text, again and again"]]"#.repeat(30);
        let mut z = flate2::Compress::new(flate2::Compression::new(9), false);
        let mut other = Vec::with_capacity(json.len());
        z.compress_vec(&json, &mut other, flate2::FlushCompress::Finish).expect("deflates");
        assert_ne!(other, deflate(&json), "the levels give different bytes");
        let head = "POLICYSITE_SEARCH.text(0,\"v\",\"";
        let file = format!("{head}{}\");\n", base64::engine::general_purpose::STANDARD.encode(&other));
        let kept = deflated_file("text", "x", 0, "v", &json, &|_| Some(file.clone().into_bytes()));
        assert_eq!(kept.1, file.into_bytes(), "the earlier file is kept as it is");
    }
}
