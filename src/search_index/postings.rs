//! The postings' encoding (see the parent module's documentation): numbers in two alphabets of
//! printable ASCII, written ([`Postings::add`]) and spliced in place ([`splice`]) for `serve`'s page
//! edits. A leaf: it knows nothing of pages or files.

pub(super) const LAST: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
pub(super) const MORE: &[u8; 27] = b"!#$%&'()*+,./:;=>?@[]^`{|}~";

pub(super) fn push_number(out: &mut Vec<u8>, n: u64) {
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
pub(super) struct Postings {
    pub(super) last: Option<u32>,
    pub(super) bytes: Vec<u8>,
}

impl Postings {
    pub(super) fn add(&mut self, doc: u32, weight: u8) {
        let gap = self.last.map_or(doc + 1, |l| doc - l);
        push_number(&mut self.bytes, u64::from(gap - 1) * 16 + u64::from(weight));
        self.last = Some(doc);
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

/// Whether `list` (one term's encoded postings) holds a section numbered `a..b`. Reads up to the
/// first posting at `b` or after (an edit near the end of the index reads most of each list).
pub(super) fn holds_any(list: &[u8], a: u32, b: u32) -> bool {
    decoded(list).map(|(doc, ..)| doc).take_while(|&doc| doc < b).any(|doc| doc >= a)
}

/// The postings of `list` in order, each as (section, weight, the offset just after its number).
fn decoded(list: &[u8]) -> impl Iterator<Item = (u32, u8, usize)> + '_ {
    let (mut n, mut doc) = (0u64, -1i64);
    list.iter().enumerate().filter_map(move |(i, &c)| {
        let (d, last) = DIGITS[c as usize];
        if !last {
            n = n * 27 + u64::from(d);
            return None;
        }
        n = n * 64 + u64::from(d);
        doc += (n / 16) as i64 + 1;
        let weight = (n % 16) as u8;
        n = 0;
        Some((doc as u32, weight, i + 1))
    })
}

/// `list` (one term's encoded postings) with its postings for sections `a..b` replaced by `new`
/// (sorted, all within `a..b`). The postings before `a` are copied as they are, and those after `b`
/// too but for the first (its gap is from a new predecessor).
pub(super) fn splice(list: &[u8], a: u32, b: u32, new: &[(u32, u8)]) -> Vec<u8> {
    let mut p = Postings { last: None, bytes: Vec::with_capacity(list.len() + 2 * new.len()) };
    // Where the postings before `a` end, and the first posting at `b` or after.
    let mut start = 0;
    let mut next: Option<(u32, u8, usize)> = None;
    for (at, w, end) in decoded(list) {
        if at < a {
            start = end;
            p.last = Some(at);
        } else if at >= b {
            next = Some((at, w, end));
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

    /// An edit finds the terms that held its page by reading the postings: a term holds a range
    /// exactly when one of its sections falls in it.
    #[test]
    fn a_list_holds_a_range_when_a_section_falls_in_it() {
        let docs = [0u32, 3, 40, 41, 900, 5000];
        let l = list(&docs.iter().map(|&d| (d, 2)).collect::<Vec<_>>());
        for (a, b) in [(0, 1), (1, 3), (1, 4), (4, 40), (42, 900), (42, 901), (901, 5000), (5000, 5001), (5001, 9000)] {
            let want = docs.iter().any(|&d| d >= a && d < b);
            assert_eq!(holds_any(&l, a, b), want, "{a}..{b}");
        }
        assert!(!holds_any(&[], 0, 10));
    }
}
