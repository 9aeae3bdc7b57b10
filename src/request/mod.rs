//! Social Media Account Requests: the request file the form produces ([`schema`]), the checks the
//! Communications Department runs on it ([`check`]), and the central directory ([`directory`]).
//! It knows neither templates nor the site model: the `/directory/` view is in [`crate::request_view`].

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
