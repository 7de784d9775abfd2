//! `gantry check`.

use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};

use gantry::check::{Checked, check_path};
use gantry::diagnostics::{Counts, HumanRenderer, render_github, render_json, render_sarif};
use gantry::vfs::OsFs;

use super::{Format, exit, use_color};

/// The process ends after the command: what it built is left to the operating system rather
/// than freed one allocation at a time (a tenth of the run on a large workspace).
pub fn run(path: &Path, format: Format) -> u8 {
    let checked = match load(path) {
        Ok(checked) => ManuallyDrop::new(checked),
        Err(code) => return code,
    };
    report(&checked, format);
    if checked.has_errors() {
        exit::ERRORS
    } else {
        exit::OK
    }
}

/// Checks the workspace around `path`, printing a load error (no workspace, unreadable file).
pub fn load(path: &Path) -> Result<Checked, u8> {
    load_with_root(path).map(|(_, checked)| checked)
}

/// [`load`], also giving the workspace's root folder (absolute).
pub fn load_with_root(path: &Path) -> Result<(PathBuf, Checked), u8> {
    let absolute = match std::path::absolute(path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot resolve {}: {e}", path.display());
            return Err(exit::USAGE);
        }
    };
    match check_path(&OsFs, &absolute) {
        Ok(loaded) => Ok(loaded),
        Err(e) => {
            eprintln!("error: {e}");
            Err(exit::USAGE)
        }
    }
}

/// Prints diagnostics: JSON on stdout, or rendered snippets and a summary on stderr.
pub fn report(checked: &Checked, format: Format) {
    match format {
        Format::Json => print!("{}", render_json(&checked.diagnostics, &checked.sources)),
        Format::Sarif => print!("{}", render_sarif(&checked.diagnostics, &checked.sources)),
        Format::Github => print!("{}", render_github(&checked.diagnostics, &checked.sources)),
        Format::Human => {
            let renderer = HumanRenderer::new(use_color());
            for d in &checked.diagnostics {
                eprintln!("{}", renderer.render(d, &checked.sources));
            }
            let counts = Counts::of(&checked.diagnostics);
            let files = checked
                .sources
                .files()
                .filter(|(_, f)| !gantry::stdlib::is_stdlib(&f.name))
                .count();
            let features = checked.features.len();
            eprintln!(
                "checked {files} file{} ({features} feature{}): {} error{}, {} warning{}",
                plural(files),
                plural(features),
                counts.errors,
                plural(counts.errors),
                counts.warnings,
                plural(counts.warnings)
            );
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
