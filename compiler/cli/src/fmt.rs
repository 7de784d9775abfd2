//! `gantry fmt [PATH] [--check]`: the canonical layout of spec files (the formatter the language
//! server uses too).

use std::path::{Path, PathBuf};

use gantry::format::format;
use gantry::vfs::{OsFs, Vfs};

use crate::exit;

/// Folders that never hold specs of the workspace's own.
fn skipped(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|n| n == ".git" || n == "target" || n == "node_modules")
}

/// The `.kdl` files of a path: itself, or every one below it.
fn kdl_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if OsFs.is_file(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = OsFs
        .files_below(path, &skipped)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect();
    files.sort();
    Ok(files)
}

pub fn run(path: &Path, check: bool) -> u8 {
    let files = match kdl_files(path) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return exit::USAGE;
        }
    };
    let mut unformatted = Vec::new();
    let mut failed = false;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", file.display());
                failed = true;
                continue;
            }
        };
        let formatted = match format(&text) {
            Ok(formatted) => formatted,
            Err(e) => {
                eprintln!("error: {}: {e}; `gantry check` shows why", file.display());
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if check {
            unformatted.push(file);
        } else if let Err(e) = std::fs::write(file, formatted) {
            eprintln!("error: cannot write {}: {e}", file.display());
            failed = true;
        } else {
            println!("formatted {}", file.display());
        }
    }
    for file in &unformatted {
        println!("{}", file.display());
    }
    if !unformatted.is_empty() {
        eprintln!(
            "error: {} file(s) are not formatted; `gantry fmt` formats them",
            unformatted.len()
        );
    }
    if failed || !unformatted.is_empty() {
        exit::ERRORS
    } else {
        exit::OK
    }
}
