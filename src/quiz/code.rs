//! Completion codes: short, typeable, bound to a person, a quiz revision and a date.
//!
//! Layout (90 bits, 18 Crockford base32 symbols, then one check symbol):
//!
//! | bits | field                                                               |
//! |------|---------------------------------------------------------------------|
//! | 10   | quiz tag: first 10 bits of SHA-256("policysite/tag/v1\n" + quiz id)  |
//! | 8    | quiz revision, modulo 256                                           |
//! | 16   | completion day, days since 2020-01-01 (UTC)                         |
//! | 56   | HMAC-SHA-256(quiz key, email, tag, revision, day), first 56 bits    |
//!
//! The quiz key is derived from the quiz's correct answers ([`super::keys`]), so only a browser that
//! was given the correct answers can compute a valid MAC; the site holds no other secret.
//!
//! The check symbol is Damm's algorithm over GF(32) (x∘y = 2x + y): it catches every single-symbol
//! substitution and every transposition of two adjacent symbols, before any cryptography runs.
//! The same scheme is implemented in `themes/default/static/assets/policysite-code.js`; the shared
//! vectors in `tests/vectors/codes.json` keep the two in step.

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Day 0 of the date field.
pub const EPOCH_DAYS: i64 = 18_262; // 2020-01-01 as days since 1970-01-01
pub const DATA_SYMBOLS: usize = 18;
pub const CODE_SYMBOLS: usize = DATA_SYMBOLS + 1;

/// The fields a code carries in the clear (the MAC ties them together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields {
    pub tag: u16,
    pub revision: u8,
    /// Days since 2020-01-01.
    pub day: u16,
    pub mac: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("a code has {CODE_SYMBOLS} letters and digits; this one has {0}")]
    Length(usize),
    #[error("`{0}` is not used in codes (codes use digits and the letters A-Z except I, L, O and U)")]
    Symbol(char),
    #[error("the code has a typo (its check symbol does not match): compare it with the original")]
    Check,
}

/// Staff addresses compare without case or surrounding spaces.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn quiz_tag(quiz_id: &str) -> u16 {
    let h = Sha256::digest(format!("policysite/tag/v1\n{quiz_id}").as_bytes());
    (u16::from(h[0]) << 2) | u16::from(h[1] >> 6)
}

pub fn mac(key: &[u8; 32], email: &str, tag: u16, revision: u8, day: u16) -> u64 {
    let mut m =
        hmac::Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    m.update(format!("policysite/code/v1\n{}\n{tag}\n{revision}\n{day}", normalize_email(email)).as_bytes());
    let out = m.finalize().into_bytes();
    out[..7].iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// Multiply by x in GF(2^5) with the polynomial x^5 + x^2 + 1.
fn times2(v: u8) -> u8 {
    let v = v << 1;
    if v & 0x20 != 0 { (v ^ 0x25) & 0x1f } else { v }
}

/// Damm check symbol value for a sequence of base32 values.
pub fn check_value(values: &[u8]) -> u8 {
    let r = values.iter().fold(0u8, |r, &d| times2(r) ^ d);
    times2(r)
}

fn damm_valid(values: &[u8]) -> bool {
    values.iter().fold(0u8, |r, &d| times2(r) ^ d) == 0
}

pub fn encode(f: Fields) -> String {
    let bits: u128 = (u128::from(f.tag & 0x3ff) << 80)
        | (u128::from(f.revision) << 72)
        | (u128::from(f.day) << 56)
        | u128::from(f.mac & ((1u64 << 56) - 1));
    let mut values: Vec<u8> = (0..DATA_SYMBOLS).rev().map(|i| ((bits >> (5 * i)) & 31) as u8).collect();
    values.push(check_value(&values));
    let symbols: Vec<char> = values.iter().map(|&v| ALPHABET[v as usize] as char).collect();
    symbols.chunks(5).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// Read a code as a person typed it: any case, with or without dashes or spaces; `I`/`L` read as `1`
/// and `O` as `0`, as Crockford's alphabet intends.
pub fn decode(input: &str) -> Result<Fields, DecodeError> {
    let mut values = Vec::with_capacity(CODE_SYMBOLS);
    for c in input.chars() {
        if c == '-' || c.is_whitespace() {
            continue;
        }
        let c = match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        };
        let v = ALPHABET.iter().position(|&a| a as char == c).ok_or(DecodeError::Symbol(c))?;
        values.push(v as u8);
    }
    if values.len() != CODE_SYMBOLS {
        return Err(DecodeError::Length(values.len()));
    }
    if !damm_valid(&values) {
        return Err(DecodeError::Check);
    }
    let bits = values[..DATA_SYMBOLS].iter().fold(0u128, |acc, &v| (acc << 5) | u128::from(v));
    Ok(Fields {
        tag: ((bits >> 80) & 0x3ff) as u16,
        revision: ((bits >> 72) & 0xff) as u8,
        day: ((bits >> 56) & 0xffff) as u16,
        mac: (bits & ((1u128 << 56) - 1)) as u64,
    })
}

/// Make the code a browser would make for someone who passed `quiz_id` at `revision` on `day`.
pub fn issue(key: &[u8; 32], quiz_id: &str, revision: u32, email: &str, day: u16) -> String {
    let tag = quiz_tag(quiz_id);
    let rev = (revision % 256) as u8;
    encode(Fields { tag, revision: rev, day, mac: mac(key, email, tag, rev, day) })
}

pub fn day_of(date: crate::date::Date) -> Option<u16> {
    u16::try_from(date.to_days() - EPOCH_DAYS).ok()
}

pub fn date_of(day: u16) -> crate::date::Date {
    crate::date::Date::from_days(EPOCH_DAYS + i64::from(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        issue(&[7u8; 32], "public-records", 3, "Pat.Doe@tacoma.k12.wa.us", 2400)
    }

    #[test]
    fn round_trip() {
        let code = sample();
        assert_eq!(code.len(), 19 + 3, "{code}");
        let f = decode(&code).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.tag, quiz_tag("public-records"));
        assert_eq!(f.revision, 3);
        assert_eq!(f.day, 2400);
        assert_eq!(f.mac, mac(&[7u8; 32], "pat.doe@tacoma.k12.wa.us", f.tag, 3, 2400));
        // typed sloppily: lower case, no dashes, spaces
        assert_eq!(decode(&code.to_lowercase().replace('-', " ")), Ok(f));
    }

    #[test]
    fn every_single_symbol_change_is_caught_by_the_check() {
        let code: Vec<char> = sample().chars().filter(|c| *c != '-').collect();
        for i in 0..code.len() {
            for &a in ALPHABET {
                let a = a as char;
                if a == code[i] {
                    continue;
                }
                let mut typo = code.clone();
                typo[i] = a;
                let s: String = typo.iter().collect();
                assert_eq!(decode(&s), Err(DecodeError::Check), "{s} (position {i})");
            }
        }
    }

    #[test]
    fn every_adjacent_swap_is_caught_by_the_check() {
        for seed in 0..50u16 {
            let code: Vec<char> = issue(&[seed as u8; 32], "ferpa", u32::from(seed), "a@b.c", seed * 7)
                .chars()
                .filter(|c| *c != '-')
                .collect();
            for i in 0..code.len() - 1 {
                if code[i] == code[i + 1] {
                    continue;
                }
                let mut typo = code.clone();
                typo.swap(i, i + 1);
                let s: String = typo.iter().collect();
                assert_eq!(decode(&s), Err(DecodeError::Check), "{s} (swap at {i})");
            }
        }
    }

    #[test]
    fn damm_quasigroup_is_totally_antisymmetric() {
        // (c∘x)∘y == (c∘y)∘x only when x == y, for every c: the property behind the transposition guarantee.
        let op = |a: u8, b: u8| times2(a) ^ b;
        for c in 0..32 {
            for x in 0..32 {
                for y in 0..32 {
                    if x != y {
                        assert_ne!(op(op(c, x), y), op(op(c, y), x));
                    }
                }
            }
        }
    }

    #[test]
    fn bad_input_is_explained() {
        assert_eq!(decode("ABC"), Err(DecodeError::Length(3)));
        assert_eq!(decode("UUUUU-UUUUU-UUUUU-UUUU"), Err(DecodeError::Symbol('U')));
    }
}
