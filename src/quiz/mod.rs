//! Training quizzes (`quizzes/*.yaml`) as a domain module: what a quiz is, loading and validating it
//! ([`source`]), what decides right or wrong versus its wording ([`fingerprint`]), the record of
//! published revisions ([`lock`], compared in [`revision`], written by [`publish`]), answer-derived
//! keys ([`keys`]), completion codes ([`code`]) and their verification ([`verify`]).
//!
//! This module knows neither Tera nor the site model: the module pages' view of a quiz is built in
//! `crate::quiz_view`.

pub mod code;
pub mod fingerprint;
pub mod keys;
pub mod lock;
pub mod publish;
pub mod quizzes;
pub mod revision;
pub mod source;
pub mod types;
pub mod verify;

pub use quizzes::{Quiz, Quizzes};
pub(crate) use source::QuizFile;
pub use source::load_all;
pub use types::{Answer, Editorial, Kind, LOCK_FILE, MAX_REVISION, QUIZ_DIR, Question};
