//! Keys derived from a quiz's correct answers.
//!
//! A static page cannot keep a secret, so the page is given none. Instead, each question's key is a
//! hash of its correct answer; the quiz key (which signs completion codes) is a hash of all question
//! keys. A browser can compute the quiz key only from a full set of correct answers. The page holds
//! per-question check hashes (for feedback) and each explanation encrypted under its question's key.
//! Because a question has few possible answers, a determined reader can still find them by trying
//! every combination; the README's threat model says so plainly.

use sha2::{Digest, Sha256};

use super::types::{Answer, Question};

/// The canonical form of an answer: sorted option indices joined by commas, or `true`/`false`.
pub fn answer_string(answer: &Answer) -> String {
    match answer {
        Answer::Bool(b) => b.to_string(),
        Answer::Index(i) => i.to_string(),
        Answer::Indices(v) => {
            let mut v = v.clone();
            v.sort_unstable();
            v.dedup();
            v.iter().map(usize::to_string).collect::<Vec<_>>().join(",")
        }
    }
}

pub fn question_key(quiz_id: &str, revision: u32, question_id: &str, answer: &str) -> [u8; 32] {
    Sha256::digest(format!("policysite/question/v1\n{quiz_id}\n{revision}\n{question_id}\n{answer}").as_bytes()).into()
}

/// Lets the page tell a right answer from a wrong one without holding the answer.
pub fn check_hash(question_key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(question_key);
    h.update(b"check");
    hex(&h.finalize()[..8])
}

pub fn quiz_key(quiz_id: &str, revision: u32, question_keys: &[[u8; 32]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(format!("policysite/quiz/v1\n{quiz_id}\n{revision}\n").as_bytes());
    for k in question_keys {
        h.update(k);
    }
    h.finalize().into()
}

/// Encrypt (or decrypt: it is its own inverse) with a SHA-256 counter keystream.
pub fn seal(question_key: &[u8; 32], data: &[u8]) -> Vec<u8> {
    data.chunks(32)
        .enumerate()
        .flat_map(|(i, chunk)| {
            let mut h = Sha256::new();
            h.update(question_key);
            h.update(b"explain");
            h.update((i as u32).to_be_bytes());
            let block = h.finalize();
            chunk.iter().zip(block).map(|(a, b)| a ^ b).collect::<Vec<u8>>()
        })
        .collect()
}

/// Moved to the ground floor; this path stays for callers written before the move.
pub use crate::encode::hex;

/// Keys of every question of a quiz, in order, from its correct answers.
pub fn all_question_keys(quiz_id: &str, revision: u32, questions: &[Question]) -> Vec<[u8; 32]> {
    questions.iter().map(|q| question_key(quiz_id, revision, &q.id, &answer_string(&q.answer))).collect()
}
