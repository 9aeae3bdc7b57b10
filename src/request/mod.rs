//! Social Media Account Requests: the request file the form produces, its checks, and the directory.

pub mod directory;

use crate::model::Site;

/// Files generated for the request process (the directory's JSON export).
pub fn site_files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let _ = site;
    Vec::new()
}
