//! Social Media Account Requests: the request file the form produces ([`schema`]), the checks the
//! Communications Department runs on it ([`check`]), and the central directory ([`directory`]).
//! It knows neither templates nor the site model: the `/directory/` view is in [`crate::request_view`].
//!
//! The parts: `schema.rs` (the request file, the renewal file), `envelope.rs` (a request from a JSON
//! file, pasted email text or a saved `.eml`: `mail-parser`, format=flowed, quote prefixes),
//! `file.rs` (size limits, byte-order mark, JSON errors), `check.rs` (every problem of a request;
//! update requests against their account), `text.rs` (control characters made visible in everything
//! printed), `email.rs` (district addresses, `email_address`), `training.rs` (each administrator's
//! evidence: a code through `quiz::verify`, or the LMS report), `lms/` (the LMS completion report:
//! decoding with `encoding_rs`, an RFC 4180 splitter, vendor date forms, long and wide reports read
//! into rows mapped to quizzes), `report.rs` (one file's verdict, human or JSON), `directory.rs`
//! (approve with evidence, update, renew, review, revoke; history; migration of old files),
//! `store.rs` (the exclusive lock on `data/.directory.yaml.lock`, re-read under it, written
//! atomically, leftover temporary files removed) and `audit.rs` (the registry's health report). The
//! account types and the principal's rule are the regulation's vocabulary and live at the ground
//! floor, `crate::accounts`, so loading does not import this module.

pub mod audit;
pub mod check;
pub mod context;
pub mod directory;
pub mod email;
pub mod envelope;
pub mod file;
pub mod lms;
pub mod report;
pub mod schema;
pub mod store;
pub mod text;
pub mod training;
