//! Reading one listed page of `content/` for [`super::load_all`]: from its file, or as the build
//! before read it ([`ReadBefore`]).

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{Bodies, Origin, SourcePage, hash_text};
use crate::diag::{Diagnostics, display_path};
use crate::load::frontmatter::{self, FrontMatter};
use crate::load::noted::{PageRead, Read, ReadBefore};
use crate::load::walk::{Listed, Place, Walk};
use crate::output::memo::Hex;

/// How [`super::load_all`] loads each page: `real_root` is the site folder's real path, for
/// [`read_page`].
pub(super) struct How<'a> {
    pub root: &'a Path,
    pub dir: &'a Path,
    pub real_root: Option<&'a Path>,
    pub bodies: Bodies,
    pub before: Option<&'a dyn ReadBefore>,
}

/// A listed page as loaded, and how (when asked), or why it did not load.
pub(super) type Listing = Result<(SourcePage, Option<Read>), Diagnostics>;

/// A Markdown file [`super::load_all`] found: `None` for a revision file (`page/YYYY-MM-DD.md`
/// beside `page.md`, read by src/policy instead), else the page and how it was loaded (when
/// asked), or why it did not load. `md`: the paths of the walk's files.
pub(super) fn load_listed(how: &How<'_>, walk: &Walk, md: &HashSet<&Path>, file: &Listed) -> Option<Listing> {
    if walk.is_revision_file(&file.path, md) {
        return None;
    }
    let root = how.root;
    // A link inside content/ may point anywhere; publishing what lies outside the site folder (a
    // home folder, /etc) would surprise everyone, so it is refused. The walk worked out where each
    // file really is, resolving only the links on its way.
    // One whose real path cannot be worked out is refused too: the system may still open it.
    match &file.place {
        Place::Outside(real) => Some(Err(crate::fsutil::outside(display_path(root, &file.path), real).into())),
        Place::Unresolved(why) => Some(Err(crate::fsutil::unresolved(display_path(root, &file.path), why).into())),
        Place::Inside => {
            let rel = crate::fsutil::slash_path(how.dir, &file.path);
            if let Some(read) = how.before.and_then(|b| b.read_before(&rel)) {
                return Some(Ok((
                    SourcePage::from_read(display_path(root, &file.path), rel, read),
                    Some(Read::Before),
                )));
            }
            let noting = how.before.is_some();
            Some(read_page(root, how.dir, &file.path, how.real_root, how.bodies, noting))
        }
    }
}

/// [`super::load_one`] for a file whose real path [`super::load_all`] has just checked;
/// `real_root` is the site folder's real path (when it could be worked out), which the opened file
/// is checked against once more. With `noting`, also what was read, for the next build
/// ([`PageRead`]).
pub(super) fn read_page(
    root: &Path,
    content_dir: &Path,
    path: &Path,
    real_root: Option<&Path>,
    bodies: Bodies,
    noting: bool,
) -> Result<(SourcePage, Option<Read>), Diagnostics> {
    let file = display_path(root, path);
    let (text, after) = crate::fsutil::read_text_inside(path, &file, real_root)?;
    let id = crate::fsutil::FileId::of(&after);
    let split = frontmatter::split(&text, &file)?;
    // Every unknown key and refused value of the front matter in one run, not the first alone.
    let fixed = crate::yaml::parse_fixing_keys::<FrontMatter>(split.yaml, &file, split.yaml_line);
    let front = match fixed.value {
        Some(front) if fixed.diags.is_empty() => front,
        _ => return Err(fixed.diags),
    };
    let body_start = split.body.as_ptr() as usize - text.as_ptr() as usize;
    let page = SourcePage {
        rel: crate::fsutil::slash_path(content_dir, path),
        front_text: split.yaml.to_string(),
        front_line: split.yaml_line,
        body: if bodies == Bodies::Kept { split.body.to_string() } else { String::new() },
        body_line: split.body_line,
        body_hash: hash_text(split.body),
        front,
        origin: Some(Origin { file: file.clone(), id, body_start }),
        file,
        walk: None,
    };
    if !noting {
        return Ok((page, None));
    }
    let read = Read::fresh(
        &PageRead {
            front: Cow::Borrowed(&page.front),
            front_text: Cow::Borrowed(&page.front_text),
            front_line: page.front_line,
            body_line: page.body_line,
            body_hash: Hex(page.body_hash),
            body_start,
            id,
        },
        after,
    );
    Ok((page, read))
}

impl SourcePage {
    /// The page at `rel` (below `content/`; `file` as messages show it) as the build before read it
    /// ([`ReadBefore`]): its body not held, read again from the file when a pass needs it and checked
    /// against the hash noted, as for a body only hashed.
    fn from_read(file: PathBuf, rel: String, read: PageRead<'static>) -> SourcePage {
        SourcePage {
            rel,
            front: read.front.into_owned(),
            front_text: read.front_text.into_owned(),
            front_line: read.front_line,
            body: String::new(),
            body_line: read.body_line,
            body_hash: read.body_hash.0,
            origin: Some(Origin { file: file.clone(), id: read.id, body_start: read.body_start }),
            file,
            walk: None,
        }
    }
}
