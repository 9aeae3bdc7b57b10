//! What an export's parts share: the SCORM edition and the module being packaged. The manifest and
//! the package writer import them from here, not from the parent module, which re-exports them.

/// The two SCORM editions LMSs import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScormVersion {
    /// SCORM 1.2 (Canvas, Moodle and nearly every LMS).
    V12,
    /// SCORM 2004 4th Edition.
    V2004,
}

impl ScormVersion {
    pub fn parse(s: &str) -> Option<ScormVersion> {
        match s {
            "1.2" | "12" => Some(ScormVersion::V12),
            "2004" | "2004-4" => Some(ScormVersion::V2004),
            _ => None,
        }
    }

    /// Used in package file names: `scorm12`, `scorm2004`.
    pub fn slug(self) -> &'static str {
        match self {
            ScormVersion::V12 => "scorm12",
            ScormVersion::V2004 => "scorm2004",
        }
    }
}

/// One training module to package: its quiz and its page.
#[derive(Debug, Clone)]
pub struct Module {
    pub quiz: String,
    pub title: String,
    pub revision: u32,
    /// The launch file inside the package (the module page), e.g. `training/public-records/index.html`.
    pub launch: String,
}
