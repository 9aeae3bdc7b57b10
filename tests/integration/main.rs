//! Every Rust integration test, in one binary: one link of the library and its dependencies instead of one
//! per file keeps a clean build small (CI once ran out of disk linking 22 test binaries). Each module is
//! one area; `cargo test --test integration AREA::` runs one of them.

mod build_errors;
mod build_memo;
mod build_output;
mod build_reads;
mod code_vectors;
mod common;
mod content;
mod diagnostics;
mod link_check;
mod output_safety;
mod platform_history;
mod policy_revisions;
mod quiz_lifecycle;
mod quiz_preview;
mod quiz_retraining;
mod quiz_support;
mod quiz_validation;
mod records_locks;
mod records_server;
mod records_xml;
mod registry_input;
mod registry_year;
mod request_cli;
mod request_common;
mod request_defects;
mod request_lms;
mod revise;
mod scaffold;
mod schemas;
mod scorm_export;
mod search_nav;
mod search_stems;
mod section_pages;
mod serve;
