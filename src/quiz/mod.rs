//! Training quizzes (`quizzes/*.yaml`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostics;
use crate::model::{Page, Site};

#[derive(Debug, Clone)]
pub struct Quiz {}

pub fn load_all(_root: &Path) -> Result<BTreeMap<String, Quiz>, Diagnostics> {
    Ok(BTreeMap::new())
}

pub fn check_references(_site: &Site) -> Diagnostics {
    Diagnostics::default()
}

pub fn page_context(_site: &Site, _page: &Page) -> Vec<(&'static str, tera::Value)> {
    Vec::new()
}

pub fn site_files(_site: &Site) -> Vec<(String, Vec<u8>)> {
    Vec::new()
}
