//! Offline search index.
use crate::model::Site;
pub fn index_files(_site: &Site) -> Vec<(String, Vec<u8>)> {
    Vec::new()
}
