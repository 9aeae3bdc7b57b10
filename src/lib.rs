//! policysite: a static site generator for a school district's social media regulation and the
//! training staff must pass before they run an official account.
//!
//! The pipeline is `load → model → render → write` (see ARCHITECTURE.md). The quiz/completion-code
//! logic ([`quiz`]) and the account request logic ([`request`]) are modules of their own that both the
//! CLI and the templates call.

pub mod accounts;
pub mod cmd;
pub mod config;
pub mod date;
pub mod diag;
pub mod emit;
pub mod encode;
pub mod engine;
pub mod export;
pub mod feature;
pub mod features;
pub mod fsutil;
pub mod ident;
pub mod layout;
pub mod links;
pub mod load;
pub mod lockfile;
pub mod markdown;
pub mod model;
pub mod output;
pub mod policy;
pub mod quiz;
pub mod quiz_view;
pub mod render;
pub mod request;
pub mod request_view;
pub mod revise;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod search_index;
pub mod serve;
pub mod site_checks;
pub mod xml;
pub mod yaml;
