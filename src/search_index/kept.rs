//! What the index's writer keeps so that an edit of a page's text rewrites what that page touches
//! (its terms' postings, its block of text chunks, the shards and the entry) instead of the whole
//! index: `serve` holds it between rebuilds, and `build` leaves it in the output folder
//! (`.policysite-state`, [`Kept::write_note`]) for the next build, which updates the index of the
//! folder it recycles.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::files::{
    BLOCK, CHUNK, CHUNKS, ENTRY, SHARDS, ShardsFrom, block_version, number_in, numbered, put_block,
    put_shards_and_entry,
};
use super::postings::{holds_any, splice};
use super::{Extra, Numbers, block_rows, emit_each, page_docs, put_one, slots};
use crate::diag::Diagnostics;
use crate::model::{Page, Site};
use crate::output::Sink;

/// The index as it was last written. Kept by a full write ([`super::put_keeping`]); it never outlives
/// the model it came from: `serve` drops it on a change of data (which changes data sections; the
/// next page edit then writes the index whole and keeps it again), and a build takes it from the
/// notes only when nothing but ordinary pages' text changed since it was written.
#[derive(Default)]
pub struct Kept {
    /// Pages in index order.
    pages: Vec<KeptPage>,
    by_url: HashMap<String, usize>,
    /// Every term's encoded postings, in term order.
    postings: BTreeMap<String, Vec<u8>>,
    text_versions: Vec<String>,
    /// Each shard's version as written (a page edit writes only the shards whose version changes).
    shard_versions: Vec<String>,
    /// Blocks of text chunks the next update writes again whatever it changes
    /// ([`Kept::pages_to_read`]).
    redo_blocks: BTreeSet<u32>,
}

/// A page's place in the index: its URL, its source (below `content/`), its first section number
/// and section count (its range of numbers is [`slots`] long). Its terms are not kept (some
/// megabytes at 10,000 pages): an edit finds the terms that held the page in the postings themselves.
#[derive(Serialize, Deserialize)]
pub(super) struct KeptPage {
    pub(super) url: String,
    pub(super) rel: String,
    pub(super) first: u32,
    pub(super) count: u32,
}

impl KeptPage {
    /// The end of the page's range of section numbers.
    fn end(&self) -> u32 {
        self.first + slots(self.count)
    }

    /// The blocks of text chunks the page's range of numbers falls in.
    fn blocks(&self) -> std::ops::RangeInclusive<u32> {
        let span = (CHUNK * BLOCK) as u32;
        (self.first / span)..=((self.end() - 1) / span)
    }
}

/// [`Kept`] as noted: the postings as text (they are printable ASCII without `"` or `\`).
#[derive(Serialize, Deserialize)]
struct Note {
    pages: Vec<KeptPage>,
    postings: Vec<(String, String)>,
    text_versions: Vec<String>,
    shard_versions: Vec<String>,
}

impl Kept {
    pub(super) fn new(
        pages: Vec<KeptPage>,
        postings: BTreeMap<String, Vec<u8>>,
        text_versions: Vec<String>,
        shard_versions: Vec<String>,
    ) -> Kept {
        let by_url = pages.iter().enumerate().map(|(i, p)| (p.url.clone(), i)).collect();
        Kept { pages, by_url, postings, text_versions, shard_versions, redo_blocks: BTreeSet::new() }
    }

    /// How many sections the index holds and how many section numbers it uses, from its pages.
    fn numbers(&self) -> Numbers {
        let sections = self.pages.iter().map(|p| p.count as usize).sum();
        Numbers { sections, ids: self.pages.last().map_or(0, KeptPage::end) as usize }
    }

    /// The index's files as this describes them: the entry, every text chunk and every shard.
    pub fn files(&self) -> Vec<String> {
        let chunks = self.numbers().ids.div_ceil(CHUNK);
        let mut files = vec![ENTRY.to_string()];
        files.extend((0..chunks).map(|n| numbered(CHUNKS, n)));
        files.extend((0..self.shard_versions.len()).map(|n| numbered(SHARDS, n)));
        files
    }

    /// The pages whose sections an update after an edit of the pages `changed` (by source, below
    /// `content/`) reads: those pages and every page that shares a block of text chunks with one
    /// (the block of an edited page's range of numbers is written again whole, from its pages'
    /// sections; only the edited pages' postings change). The index's files `redo` are written
    /// again too (a build cannot trust them as they are): a text chunk's block with its pages, a
    /// shard by forgetting its version. `None` if a page or file is not in the index.
    pub fn pages_to_read(&mut self, changed: &BTreeSet<String>, redo: &BTreeSet<String>) -> Option<BTreeSet<String>> {
        let span = (CHUNK * BLOCK) as u32;
        let by_rel: HashMap<&str, &KeptPage> = self.pages.iter().map(|p| (p.rel.as_str(), p)).collect();
        let mut blocks = BTreeSet::new();
        for rel in changed {
            let p = by_rel.get(rel.as_str())?;
            blocks.extend(p.blocks());
        }
        // The entry is written by every update.
        for file in redo.iter().filter(|f| *f != ENTRY) {
            if let Some(n) = number_in(CHUNKS, file) {
                let b = u32::try_from(n / BLOCK).ok()?;
                blocks.insert(b);
                self.redo_blocks.insert(b);
            } else {
                self.shard_versions.get_mut(number_in(SHARDS, file)?)?.clear();
            }
        }
        let mut read = changed.clone();
        for b in blocks {
            let (start, end) = (b * span, (b + 1) * span);
            let from = self.pages.partition_point(|p| p.end() <= start);
            let to = self.pages.partition_point(|p| p.first < end);
            read.extend(self.pages[from..to].iter().map(|p| p.rel.clone()));
        }
        Some(read)
    }

    /// Write this as JSON, for the build's notes (written as made: it is some megabytes).
    pub fn write_note(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        /// The postings as text: they are printable ASCII (never `"` or `\\`).
        struct Lists<'a>(&'a BTreeMap<String, Vec<u8>>);
        impl Serialize for Lists<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(|(t, p)| (t, std::str::from_utf8(p).unwrap_or_default())))
            }
        }
        #[derive(Serialize)]
        struct NoteOf<'a> {
            pages: &'a [KeptPage],
            postings: Lists<'a>,
            text_versions: &'a [String],
            shard_versions: &'a [String],
        }
        let note = NoteOf {
            pages: &self.pages,
            postings: Lists(&self.postings),
            text_versions: &self.text_versions,
            shard_versions: &self.shard_versions,
        };
        serde_json::to_writer(out, &note).map_err(std::io::Error::other)
    }

    /// What [`Kept::write_note`] wrote; `None` if it does not read as one.
    pub fn from_note(json: &str) -> Option<Kept> {
        let note: Note = serde_json::from_str(json).ok()?;
        let in_order =
            note.pages.first().is_none_or(|p| p.first == 0) && note.pages.windows(2).all(|w| w[0].end() == w[1].first);
        let ids = note.pages.last().map_or(0, KeptPage::end) as usize;
        if !in_order || note.text_versions.len() != ids.div_ceil(CHUNK * BLOCK) || note.shard_versions.is_empty() {
            return None;
        }
        let postings = note.postings.into_iter().map(|(t, p)| (t, p.into_bytes())).collect();
        Some(Kept::new(note.pages, postings, note.text_versions, note.shard_versions))
    }
}

/// Writes the index after the pages `changed` (indices into `site.pages`) had their text edited,
/// updating `kept`: only the files that can differ are handed to `sink` (the text chunks of the
/// edited pages' blocks, the shards whose postings changed, the entry); the output holds the same
/// bytes as after [`super::put`]. Falls back to writing everything (and keeping it) when nothing
/// is kept yet or an edited page's sections no longer fit its range of numbers ([`slots`]: the
/// pages after it are numbered anew); [`fits`] tells beforehand. A build whose model holds only
/// some pages' sections must check [`fits`] first: the fallback reads every page's
/// (`engine::page_text`).
pub fn put_pages(site: &Site, changed: &[usize], sink: &dyn Sink, kept: &mut Kept) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut out = |name: String, bytes: Vec<u8>| put_one(sink, &mut diags, name, &bytes);
    if !fits(site, changed, kept) {
        *kept = emit_each(site, &mut out, &|rel| sink.previous(rel), true).unwrap_or_default();
    } else {
        update(site, changed, kept, &mut out);
    }
    diags
}

/// Whether the index `kept` can be updated in place for an edit of the pages `changed`: it holds
/// every page of the site and each edited page's sections fit the range of numbers it had (the
/// count may have changed: a heading added or taken away).
pub fn fits(site: &Site, changed: &[usize], kept: &Kept) -> bool {
    if kept.pages.len() != site.pages.len() || kept.pages.is_empty() {
        return false;
    }
    changed.iter().all(|&i| {
        let Some(p) = site.pages.get(i) else { return false };
        let Some(&at) = kept.by_url.get(&p.url) else { return false };
        slots(page_docs(p, &Extra::of(site, p)).rows.len() as u32) == slots(kept.pages[at].count)
    })
}

/// [`put_pages`]'s update in place, once [`fits`] said it can be.
fn update(site: &Site, changed: &[usize], kept: &mut Kept, out_fn: &mut dyn FnMut(String, Vec<u8>)) {
    let edited: Vec<(usize, &Page, Extra)> = changed
        .iter()
        .filter_map(|&i| site.pages.get(i))
        .filter_map(|p| Some((*kept.by_url.get(&p.url)?, p, Extra::of(site, p))))
        .collect();
    let mut blocks = BTreeSet::new();
    let mut fresh: BTreeMap<&str, Vec<(u32, u8)>> = BTreeMap::new();
    // Each edited page's range of numbers: its postings there are replaced, whatever its count was.
    let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(edited.len());
    for (at, p, extra) in &edited {
        let docs = page_docs(p, extra);
        let kp = &mut kept.pages[*at];
        for &(t, doc, w) in &docs.postings {
            fresh.entry(t).or_default().push((kp.first + doc, w));
        }
        kp.count = docs.rows.len() as u32;
        blocks.extend(kp.blocks());
        ranges.push((kp.first, kp.end()));
    }
    blocks.extend(std::mem::take(&mut kept.redo_blocks));
    // Every term the edited pages held before (found in the postings) or hold now: their postings
    // for those pages, anew.
    let mut touched: BTreeSet<String> = kept
        .postings
        .iter()
        .filter(|(_, list)| ranges.iter().any(|&(a, b)| holds_any(list, a, b)))
        .map(|(t, _)| t.clone())
        .collect();
    touched.extend(fresh.keys().map(|t| t.to_string()));
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
    put_blocks(site, kept, &blocks, out_fn);
    let lists: Vec<(&str, &[u8])> = kept.postings.iter().map(|(t, p)| (t.as_str(), p.as_slice())).collect();
    let from = ShardsFrom { previous: &|_| None, written: &kept.shard_versions };
    let versions = put_shards_and_entry(&lists, &kept.text_versions, kept.numbers(), &from, out_fn);
    kept.shard_versions = versions;
}

/// Writes the text chunks of `blocks` anew from the site (and their versions into `kept`).
fn put_blocks(site: &Site, kept: &mut Kept, blocks: &BTreeSet<u32>, out_fn: &mut dyn FnMut(String, Vec<u8>)) {
    let span = (CHUNK * BLOCK) as u32;
    let by_url: HashMap<&str, &Page> = site.pages.iter().map(|p| (p.url.as_str(), p)).collect();
    let ids = kept.numbers().ids as u32;
    for &b in blocks {
        let (start, end) = (b * span, ((b + 1) * span).min(ids));
        // The pages whose sections fall in the block, and their sections as shown.
        let from = kept.pages.partition_point(|p| p.end() <= start);
        let to = kept.pages.partition_point(|p| p.first < end);
        let pages: Vec<(&Page, Extra, u32)> = kept.pages[from..to]
            .iter()
            .filter_map(|kp| by_url.get(kp.url.as_str()).map(|p| (*p, Extra::of(site, p), kp.first)))
            .collect();
        let rows = block_rows(pages.iter().map(|(p, extra, first)| (*p, extra, *first)), start, end);
        let v = block_version(b as usize, &rows);
        put_block(b as usize, &rows, &v, out_fn);
        kept.text_versions[b as usize] = v;
    }
}
