//! What a quiz revision *is*, for the lock. Two fingerprints per question:
//!
//! - **answers**: the question id, its type, how many options it has and which are right. This is
//!   what decides right or wrong (and what the code-signing key is derived from), so a published
//!   revision may never change it: changing it needs a new revision.
//! - **text**: the prompt and the options' wording: what staff answer. Rewording is an editorial
//!   change: allowed in a published revision when the quiz file declares it (`editorial:`).
//!
//! Explanations (shown after a right answer), the title and the description are in neither: changing
//! them changes no question and no answer, so it needs neither a new revision nor a declaration.
//!
//! Question order is part of the answers fingerprint because the quiz key hashes the questions in
//! order: reordering them would change every code.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::keys;
use super::types::Question;

/// The two fingerprints of one question (16 hex digits each: enough to see a change, short in the lock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionPrint {
    pub id: String,
    pub answers: String,
    pub text: String,
}

fn short_hash(json: &str) -> String {
    crate::encode::hex(&Sha256::digest(json.as_bytes())[..8])
}

pub fn question(q: &Question) -> QuestionPrint {
    let answers = serde_json::json!([q.id, q.kind, q.options.len(), keys::answer_string(&q.answer)]);
    let options: Vec<&str> = q.options.iter().map(|o| o.trim()).collect();
    let text = serde_json::json!([q.prompt.trim(), options]);
    QuestionPrint { id: q.id.clone(), answers: short_hash(&answers.to_string()), text: short_hash(&text.to_string()) }
}

pub fn questions(qs: &[Question]) -> Vec<QuestionPrint> {
    qs.iter().map(question).collect()
}

/// The fingerprint the first lock format (`id revision fingerprint` lines) used: questions, options,
/// answers and types, wording included. Only to read a lock written by an older policysite.
pub fn legacy(id: &str, questions: &[Question]) -> String {
    let canonical: Vec<_> = questions
        .iter()
        .map(|q| {
            (
                q.id.as_str(),
                q.kind,
                q.prompt.trim(),
                q.options.iter().map(|o| o.trim()).collect::<Vec<_>>(),
                keys::answer_string(&q.answer),
            )
        })
        .collect();
    let json = serde_json::to_string(&(id, canonical)).unwrap_or_default();
    crate::encode::hex(&Sha256::digest(json.as_bytes()))
}
