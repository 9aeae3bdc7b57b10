//! Writing the sharded index: postings per term, cut into shards by term order, and the section texts
//! in chunks of [`CHUNK`] section numbers, each as a small script the search page loads on demand.
//!
//! A posting is one number per section holding a term: `(gap − 1) × 16 + weight`, where `gap` is the
//! distance from the previous section holding it and `weight` is [`IN_TITLE`] + [`IN_HEADING`] + the
//! term's frequency bucket (0–3). A number is written as its last digit in base 64 from [`LAST`],
//! preceded by the rest (`n / 64`, when not 0) in base 27 from [`MORE`], most significant digit first:
//! the two alphabets are the printable ASCII characters but `"`, `\` and `<`, so a list is a plain
//! JavaScript string. A gap of up to 4 section numbers costs one byte, up to 108 two, a longer one
//! three. (The spare numbers of each page's range, below, make a gap across pages a little longer:
//! the index's postings are about 3 % larger for them.)
//!
//! Each page holds a range of section numbers with room to spare ([`slots`]): a page's sections are
//! numbered from the start of its range, and the numbers left over are gaps no posting names (a
//! text chunk holds `null` there). So an edit that adds or takes away a heading renumbers only that
//! page's sections, as long as they still fit its range, and the update in place writes its block of
//! text chunks as for any other text edit, instead of every chunk after it.
//!
//! Every shard and every block of text chunks carries its own version, a hash of its contents, listed
//! in the entry, and the search page asks for shards and chunks with `?v=` that version: a browser or
//! proxy that kept an older `entry.js` or shard across a rebuild is noticed (the versions differ) and
//! the page reloads the index instead of mixing two. An edit rewrites only the shards it changes.
//!
//! Beside the pages' text: `data_sections` adds one section per platform of `data/platforms.yaml`
//! (approved, barred, not listed, with aliases and notes) to the page whose template is
//! `platforms.html`, and the Markdown layer gives each footnote a section of its own. In the browser,
//! `assets/search.js` maps platform names and aliases in a query to the platform's id, shows a notice
//! for one that is not approved, spells out a few abbreviations, and after the sections holding every
//! word lists those holding at least half of a question's words.

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{Page, Site};
use crate::output::Sink;
use crate::search::terms;
use crate::search::{IN_TITLE, TextSection};

mod files;
mod kept;
mod postings;

pub use files::{BLOCK, CHUNK};
use files::{File, Previous, ShardsFrom, Shown, block_files, block_version, put_shards_and_entry};
use kept::KeptPage;
pub use kept::{Kept, fits, put_pages};
use postings::Postings;

/// Every file of the search index, as (path below the output folder, contents).
pub fn emit(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    emit_each(site, &mut |name, bytes| files.push((name, bytes)), &|_| None, false);
    files
}

/// Writes every file of the search index into `sink` as it is made, so the section texts (the bulk of
/// the index) are never all held twice; returns the files that could not be written.
pub fn put(site: &Site, sink: &dyn Sink) -> Diagnostics {
    let mut diags = Diagnostics::default();
    emit_each(site, &mut |name, bytes| put_one(sink, &mut diags, name, &bytes), &|rel| sink.previous(rel), false);
    diags
}

/// [`put`], keeping what [`put_pages`] needs for `serve`'s later page edits (in the same pass: the
/// postings and block versions are worked out once).
pub fn put_keeping(site: &Site, sink: &dyn Sink) -> (Diagnostics, Kept) {
    let mut diags = Diagnostics::default();
    let kept =
        emit_each(site, &mut |name, bytes| put_one(sink, &mut diags, name, &bytes), &|rel| sink.previous(rel), true);
    (diags, kept.unwrap_or_default())
}

fn put_one(sink: &dyn Sink, diags: &mut Diagnostics, name: String, bytes: &[u8]) {
    if let Err(e) = sink.put(&name, bytes) {
        diags.push(
            Diagnostic::new(&name, format!("cannot write: {e}"))
                .help("check the output folder's permissions and free space"),
        );
    }
}

/// Makes the index's files one by one and hands each to `out_fn` (a text chunk `previous` holds
/// already is kept, see [`block_files`]); with `keep`, also returns what [`put_pages`] needs to
/// update the index for an edited page.
fn emit_each(site: &Site, out_fn: &mut dyn FnMut(String, Vec<u8>), previous: Previous<'_>, keep: bool) -> Option<Kept> {
    let pages = in_index_order(site);
    let extras: Vec<Extra> = pages.iter().map(|p| Extra::of(site, p)).collect();
    let mut postings: rustc_hash::FxHashMap<&str, Postings> = rustc_hash::FxHashMap::default();
    let mut kept_pages = Vec::new();
    // Each page's first section number and section count, in index order: the rows themselves are
    // made again block by block when the text is written (holding every section's row at once cost
    // ~10 MB at 10,000 pages, at the build's peak).
    let mut spans: Vec<(u32, u32)> = Vec::with_capacity(pages.len());
    let (mut next, mut sections) = (0, 0);
    for (p, extra) in pages.iter().zip(&extras) {
        let docs = page_docs(p, extra);
        for &(t, doc, w) in &docs.postings {
            postings.entry(t).or_insert_with(|| Postings { last: None, bytes: Vec::new() }).add(next + doc, w);
        }
        let count = docs.rows.len() as u32;
        if keep {
            kept_pages.push(KeptPage { url: p.url.clone(), rel: p.source.rel.clone(), first: next, count });
        }
        spans.push((next, count));
        next += slots(count);
        sections += count as usize;
    }
    let mut postings: Vec<(&str, Postings)> = postings.into_iter().collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let text_versions = put_text(&InOrder { pages: &pages, extras: &extras, spans: &spans }, out_fn, previous);
    let lists: Vec<(&str, &[u8])> = postings.iter().map(|(t, p)| (*t, p.bytes.as_slice())).collect();
    let numbers = Numbers { sections, ids: next as usize };
    let shard_versions =
        put_shards_and_entry(&lists, &text_versions, numbers, &ShardsFrom { previous, written: &[] }, out_fn);
    keep.then(|| {
        let postings = postings.into_iter().map(|(t, p)| (t.to_string(), p.bytes)).collect();
        Kept::new(kept_pages, postings, text_versions, shard_versions)
    })
}

/// Sections a page's range of numbers holds room for: its `count` sections and at least one more,
/// rounded up to a multiple of 4. A pure function of the count, so an index updated in place is
/// numbered as one made whole; an edit that changes the count but not the range (three times in
/// four for a heading added or taken away) renumbers that page's sections alone. The spare numbers
/// cost little: a posting's gap across them, and `null`s in a text chunk (deflated to almost nothing).
pub(crate) fn slots(count: u32) -> u32 {
    (count + 1).next_multiple_of(4)
}

/// How many sections the index holds (what a word's rarity is measured against), and how many
/// section numbers it uses (its sections and the room left in each page's range, [`slots`]).
#[derive(Clone, Copy)]
struct Numbers {
    sections: usize,
    ids: usize,
}

/// The pages in index order, what the index adds to each, and where each page's sections stand
/// (first section number, count).
struct InOrder<'a> {
    pages: &'a [&'a Page],
    extras: &'a [Extra],
    spans: &'a [(u32, u32)],
}

impl InOrder<'_> {
    /// How many section numbers the index uses.
    fn ids(&self) -> u32 {
        self.spans.last().map_or(0, |(first, count)| first + slots(*count))
    }

    /// The rows (sections as shown, `None` for a number no section holds) numbered `start..end`.
    fn rows(&self, start: u32, end: u32) -> Vec<Option<Shown<'_>>> {
        let from = self.spans.partition_point(|(first, count)| first + count <= start);
        let to = self.spans.partition_point(|(first, _)| *first < end);
        let pages = (from..to).map(|i| (self.pages[i], &self.extras[i], self.spans[i].0));
        block_rows(pages, start, end)
    }
}

/// Blocks of text chunks made at once (on all cores) before they are written: enough to keep the
/// cores busy, few enough that their JSON and files held at once stay a few megabytes.
const GROUP: usize = 4;

/// Writes every text chunk, deflated on all cores a few blocks at a time (so only those blocks' files
/// are held at once); returns the blocks' versions.
fn put_text(index: &InOrder<'_>, out_fn: &mut dyn FnMut(String, Vec<u8>), previous: Previous<'_>) -> Vec<String> {
    use rayon::prelude::*;
    let span = (CHUNK * BLOCK) as u32;
    let blocks = index.ids().div_ceil(span) as usize;
    let mut versions = Vec::with_capacity(blocks);
    for g in (0..blocks).step_by(GROUP) {
        let done: Vec<(String, Vec<File>)> = (g..blocks.min(g + GROUP))
            .into_par_iter()
            .map(|b| {
                let rows = index.rows(b as u32 * span, ((b as u32 + 1) * span).min(index.ids()));
                let v = block_version(b, &rows);
                let files = block_files(b, &rows, &v, previous);
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
    /// Whether the page's Markdown sections stay out of the index (an archived policy revision).
    archived: bool,
    data: Vec<TextSection>,
    /// Stem numbers ([`crate::search::names`]).
    title: Box<[u32]>,
}

impl Extra {
    fn of(site: &Site, p: &Page) -> Extra {
        // A policy's archived revision pages are found by their title only: their outdated text
        // would compete with the current page's.
        let archived = site.policy.archive.contains_key(&p.source.rel);
        let sections: &[TextSection] = if archived { &[] } else { &p.sections };
        let synthetic = match sections.first() {
            Some(s) if s.id().is_empty() => None,
            _ => Some(TextSection::new(String::new(), String::new(), &p.source.front.description)),
        };
        let title = terms::weighted(&p.source.front.title, "", |stem, _, _| stem);
        Extra { synthetic, archived, data: data_sections(site, p), title }
    }

    /// The page's Markdown sections the index holds.
    fn sections<'a>(&self, p: &'a Page) -> &'a [TextSection] {
        if self.archived { &[] } else { &p.sections }
    }
}

/// One page's part of the index: its sections as shown, and the postings they add as (term, section
/// number within the page, weight), in section order.
struct PageDocs<'a> {
    rows: Vec<Shown<'a>>,
    postings: Vec<(&'a str, u32, u8)>,
}

/// The sections of a page the index shows, in order, each with its place in the page's chain (the
/// title section, the Markdown sections, the data sections): a section with nothing to find is
/// left out, except the first, which carries the title.
fn shown_sections<'a>(p: &'a Page, extra: &'a Extra) -> impl Iterator<Item = (usize, &'a TextSection)> {
    extra
        .synthetic
        .iter()
        .chain(extra.sections(p).iter())
        .chain(extra.data.iter())
        .enumerate()
        .filter(|(i, s)| *i == 0 || !s.is_empty())
}

/// One section as the search page shows it.
fn row<'a>(p: &'a Page, s: &'a TextSection) -> Shown<'a> {
    (&p.source.front.title, &p.url, s.heading(), s.id(), s.text())
}

fn page_docs<'a>(p: &'a Page, extra: &'a Extra) -> PageDocs<'a> {
    let mut docs = PageDocs { rows: Vec::new(), postings: Vec::new() };
    let names = crate::search::names();
    for (i, s) in shown_sections(p, extra) {
        let doc = docs.rows.len() as u32;
        // The section's terms are distinct; the page's title adds IN_TITLE to its first.
        for t in &s.terms {
            let in_title = i == 0 && extra.title.contains(&t.stem());
            docs.postings.push((names.get(t.stem()), doc, if in_title { t.weight() | IN_TITLE } else { t.weight() }));
        }
        if i == 0 {
            for &t in extra.title.iter().filter(|t| !s.terms.iter().any(|p| p.stem() == **t)) {
                docs.postings.push((names.get(t), doc, IN_TITLE));
            }
        }
        docs.rows.push(row(p, s));
    }
    docs
}

/// The rows numbered `start..end` of the index, from the pages that hold them (each page with what
/// the index adds to it and the number of its first section): `None` where no section is numbered.
fn block_rows<'a>(
    pages: impl Iterator<Item = (&'a Page, &'a Extra, u32)>,
    start: u32,
    end: u32,
) -> Vec<Option<Shown<'a>>> {
    let mut rows = vec![None; end.saturating_sub(start) as usize];
    for (p, extra, first) in pages {
        for (doc, (_, s)) in (first..).zip(shown_sections(p, extra)) {
            if let Some(at) = doc.checked_sub(start).filter(|_| doc < end) {
                rows[at as usize] = Some(row(p, s));
            }
        }
    }
    rows
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
