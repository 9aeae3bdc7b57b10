//! ASCII words packed into integers for the word cache ([`super::terms`]): where words end, 8 bytes
//! at a time ([`splits`]), a word's [`key`], and the maps from keys to stem numbers ([`Table`]: open
//! addressing with linear probing, keyed by the packed word itself; a lookup is one multiply and,
//! nearly always, one slot read, where a general hash map probes a group of control bytes first).

/// A packed word: never zero (every byte of a word has bit 5 set, [`key`]), so zero marks
/// an empty slot.
pub(super) trait Key: Copy + Eq + Default {
    fn hash(self) -> u64;
}

impl Key for u64 {
    fn hash(self) -> u64 {
        self.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

impl Key for u128 {
    fn hash(self) -> u64 {
        ((self as u64) ^ (self >> 64) as u64).rotate_left(29).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// Packed word → stem number, at most half full.
pub(super) struct Table<K> {
    slots: Vec<(K, u32)>,
    len: usize,
    /// 64 − log2(number of slots): the hash's top bits pick the first slot.
    shift: u32,
}

impl<K: Key> Default for Table<K> {
    fn default() -> Self {
        Table { slots: vec![(K::default(), 0); 64], len: 0, shift: 64 - 6 }
    }
}

impl<K: Key> Table<K> {
    #[inline]
    pub(super) fn get(&self, key: K) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = (key.hash() >> self.shift) as usize;
        loop {
            let (k, v) = self.slots[i];
            if k == key {
                return Some(v);
            }
            if k == K::default() {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `key` (not in the table: [`Table::get`] said so).
    pub(super) fn insert(&mut self, key: K, value: u32) {
        debug_assert!(key != K::default());
        if 2 * (self.len + 1) > self.slots.len() {
            let grown = vec![(K::default(), 0); 2 * self.slots.len()];
            let old = std::mem::replace(&mut self.slots, grown);
            self.shift -= 1;
            for (k, v) in old.into_iter().filter(|(k, _)| *k != K::default()) {
                self.place(k, v);
            }
        }
        self.place(key, value);
        self.len += 1;
    }

    fn place(&mut self, key: K, value: u32) {
        let mask = self.slots.len() - 1;
        let mut i = (key.hash() >> self.shift) as usize;
        while self.slots[i].0 != K::default() {
            i = (i + 1) & mask;
        }
        self.slots[i] = (key, value);
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn clear(&mut self) {
        *self = Table::default();
    }
}

/// Packs the ASCII word `bytes[start..end]` of letters and digits (1–16 bytes) lower-cased into an
/// integer: letters get bit 5 (0x20) set, which digits and lower-case letters have already; the bytes
/// past the word are 0. Reads 16 bytes at once where the text has them.
pub(super) fn key(bytes: &[u8], start: usize, end: usize) -> u128 {
    let mut k = [0u8; 16];
    match bytes.get(start..start + 16) {
        Some(b) => k.copy_from_slice(b),
        None => k[..end - start].copy_from_slice(&bytes[start..end]),
    }
    let shift = 8 * (16 - (end - start)) as u32;
    (u128::from_le_bytes(k) & (u128::MAX >> shift)) | (u128::from_le_bytes([0x20; 16]) >> shift)
}

/// The high bit of each of 8 ASCII bytes that is not a letter or digit. Adding to a byte below 0x80
/// never carries into the next; `x + (0x80 - n)` has its high bit set when `x >= n`.
pub(super) fn splits(w: u64) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    let at_least = |x: u64, n: u64| x + (0x80 - n) * ONES;
    // Letters with bit 5 set are a–z; no other byte becomes one.
    let folded = w | (0x20 * ONES);
    let letter = at_least(folded, 0x61) & !at_least(folded, 0x7B);
    let digit = at_least(w, 0x30) & !at_least(w, 0x3A);
    !(letter | digit) & (ONES << 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_after_the_table_grows_and_not_before_they_are_added() {
        let mut t = Table::<u64>::default();
        let key = |n: u64| (n << 8) | 0x20;
        for n in 0..5000u64 {
            assert_eq!(t.get(key(n)), None);
            t.insert(key(n), n as u32);
        }
        assert_eq!(t.len(), 5000);
        assert!((0..5000u64).all(|n| t.get(key(n)) == Some(n as u32)));
        let mut m = Table::<u128>::default();
        for n in 0..3000u128 {
            m.insert((n << 64) | 0x2020, n as u32);
            m.insert(n << 72 | 0x20, 7);
        }
        assert!((0..3000u128).all(|n| m.get((n << 64) | 0x2020) == Some(n as u32)));
        assert_eq!(m.get(0x2020_2020), None);
        t.clear();
        assert_eq!((t.len(), t.get(key(1))), (0, None));
    }
}
