//! The output folder as a build finds it: its files, and which of them the previous build
//! generated. What no manifest lists was added by people, and gantry never replaces or deletes
//! it.
//!
//! A folder can hold hundreds of thousands of generated files: only what the build will need
//! of them is kept, which in a whole build is nothing but people's files. What `--check` asks
//! at its end (which files a build would delete) it asks of the manifest, read again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gantry::build::MANIFEST;

use super::disk;

pub struct Folder {
    pub path: PathBuf,
    /// The folder as users name it, in messages.
    pub shown: String,
    /// The files people added (no manifest lists them), by `/`-separated relative path.
    hand_added: BTreeSet<String>,
    /// The previous build's files that this one does not rebuild (other environments or
    /// targets) and that are still there, each with its spec sources, sorted by path.
    pub kept: Vec<(String, Vec<String>)>,
    /// Whether the previous build's manifest could be read: what it lists counts as generated.
    pub has_manifest: bool,
}

impl Folder {
    /// Reads the folder at `path` for a build of the generated paths `in_scope`.
    pub fn read(
        path: &Path,
        shown: &str,
        in_scope: &dyn Fn(&str) -> bool,
    ) -> Result<Folder, String> {
        let mut rebuilt: Vec<Box<str>> = Vec::new();
        let mut kept: Vec<(String, Vec<String>)> = Vec::new();
        let readable = disk::previous_manifest(path, &mut |file, sources| {
            if in_scope(&file) {
                rebuilt.push(file.into_boxed_str());
            } else {
                kept.push((file, sources));
            }
        });
        if !readable {
            rebuilt.clear();
            kept.clear();
        }
        rebuilt.sort_unstable();
        rebuilt.dedup();
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        kept.dedup_by(|later, first| later.0 == first.0);
        let mut hand_added = BTreeSet::new();
        let mut still_there = vec![false; kept.len()];
        disk::each_file(path, &mut |file| {
            if rebuilt.binary_search_by(|p| (**p).cmp(&file)).is_ok() {
                return;
            }
            match kept.binary_search_by(|(p, _)| p.cmp(&file)) {
                Ok(at) => still_there[at] = true,
                Err(_) if file != MANIFEST => {
                    hand_added.insert(file);
                }
                Err(_) => {}
            }
        })
        .map_err(|e| format!("cannot read {shown}/: {e}"))?;
        let mut there = still_there.into_iter();
        kept.retain(|_| there.next().unwrap_or(false));
        Ok(Folder {
            path: path.to_path_buf(),
            shown: shown.to_string(),
            hand_added,
            kept,
            has_manifest: readable,
        })
    }

    /// Hands each file the previous build's manifest lists to `each`, reading it again: a build
    /// does not hold hundreds of thousands of paths for the few questions it asks at its end.
    pub fn each_previous(&self, each: &mut dyn FnMut(String)) {
        if self.has_manifest {
            disk::previous_manifest(&self.path, &mut |file, _| each(file));
        }
    }

    /// Whether `path` holds a file that people added (no manifest lists it).
    pub fn is_hand_added(&self, path: &str) -> bool {
        self.hand_added.contains(path)
    }

    /// The files people added, which every build carries over as they are.
    pub fn hand_added(&self) -> impl Iterator<Item = &str> {
        self.hand_added.iter().map(String::as_str)
    }
}
