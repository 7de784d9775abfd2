//! Reading the output folder as it is: its files and the previous build's manifest.

use std::io;
use std::path::Path;

use gantry::build::{MANIFEST, read_manifest};

/// Hands every file (and symlink) below `output` to `each`, by its `/`-separated path relative
/// to it; nothing when the folder does not exist yet.
pub fn each_file(output: &Path, each: &mut dyn FnMut(String)) -> io::Result<()> {
    match std::fs::symlink_metadata(output) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
        Ok(meta) if !meta.is_dir() => {
            return Err(io::Error::other(format!(
                "{} is not a folder",
                output.display()
            )));
        }
        Ok(_) => {}
    }
    for entry in walkdir::WalkDir::new(output).follow_links(false) {
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
        each(relative);
    }
    Ok(())
}

/// Hands each file the previous build's manifest lists to `each`, with its spec sources. False
/// when there is no readable manifest: then nothing counts as generated, so nothing will be
/// deleted (and `each` may have seen some files, to be forgotten).
pub fn previous_manifest(output: &Path, each: &mut dyn FnMut(String, Vec<String>)) -> bool {
    std::fs::File::open(output.join(MANIFEST))
        .ok()
        .is_some_and(|file| read_manifest(file, each).is_ok())
}
