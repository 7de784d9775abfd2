//! Reading the output folder as it is: its files and the previous build's manifest.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::Path;

use gantry::build::{MANIFEST, read_manifest};

/// Every file (and symlink) below `output`, by its `/`-separated path relative to it; empty
/// when the folder does not exist yet.
pub fn files(output: &Path) -> io::Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    match std::fs::symlink_metadata(output) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
        Ok(meta) if !meta.is_dir() => {
            return Err(io::Error::other(format!(
                "{} is not a folder",
                output.display()
            )));
        }
        Ok(_) => {}
    }
    for entry in walkdir::WalkDir::new(output)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(output)
            .map_err(io::Error::other)?
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.insert(relative);
    }
    Ok(out)
}

/// The files the previous build's manifest lists, with their spec sources. Without a readable
/// manifest nothing counts as generated, so nothing will be deleted.
pub fn previous_manifest(output: &Path) -> BTreeMap<String, Vec<String>> {
    std::fs::read_to_string(output.join(MANIFEST))
        .ok()
        .and_then(|text| read_manifest(&text))
        .unwrap_or_default()
}
