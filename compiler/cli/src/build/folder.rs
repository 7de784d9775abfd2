//! The output folder as a build finds it: its files, and which of them the previous build
//! generated. What no manifest lists was added by people, and gantry never replaces or deletes
//! it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gantry::build::MANIFEST;

use super::disk;

pub struct Folder {
    pub path: PathBuf,
    /// The folder as users name it, in messages.
    pub shown: String,
    /// Every file below the folder, by its `/`-separated relative path.
    pub existing: BTreeSet<String>,
    /// What the previous build's manifest listed, with each file's spec sources.
    pub previous: BTreeMap<String, Vec<String>>,
}

impl Folder {
    pub fn read(path: &Path, shown: &str) -> Result<Folder, String> {
        let existing = disk::files(path).map_err(|e| format!("cannot read {shown}/: {e}"))?;
        Ok(Folder {
            path: path.to_path_buf(),
            shown: shown.to_string(),
            existing,
            previous: disk::previous_manifest(path),
        })
    }

    /// Whether `path` holds a file that people added (no manifest lists it).
    pub fn is_hand_added(&self, path: &str) -> bool {
        path != MANIFEST && self.existing.contains(path) && !self.previous.contains_key(path)
    }

    /// The files people added, which every build carries over as they are.
    pub fn hand_added(&self) -> impl Iterator<Item = &str> {
        self.existing
            .iter()
            .map(String::as_str)
            .filter(|path| self.is_hand_added(path))
    }
}
