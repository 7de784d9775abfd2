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
        Ok((root, mut checked)) => {
            if let Some(shown) = std::env::current_dir()
                .ok()
                .and_then(|cwd| relative_path(&root, &cwd))
            {
                checked.sources.set_display_root(&shown);
            }
            Ok((root, checked))
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(exit::USAGE)
        }
    }
}

/// `path` as reached from the folder `from` (both absolute), with `/` between its parts:
/// `examples/checkout`, `../shop`, or `` for `from` itself; the absolute path when the two
/// share no folder but the file system's root. `None` when no path leads there (another drive)
/// or a part is not Unicode; the names stay relative to the root then.
fn relative_path(path: &Path, from: &Path) -> Option<String> {
    let to: Vec<_> = path.components().collect();
    let from: Vec<_> = from.components().collect();
    if to.first() != from.first() {
        return None;
    }
    let shared = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    if shared <= 1 {
        return path.to_str().map(str::to_string);
    }
    let mut parts: Vec<&str> = vec![".."; from.len() - shared];
    for part in &to[shared..] {
        parts.push(part.as_os_str().to_str()?);
    }
    Some(parts.join("/"))
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

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn a_workspace_is_named_from_where_gantry_runs() {
        let root = Path::new("/repo/examples/checkout");
        assert_eq!(
            relative_path(root, Path::new("/repo")).as_deref(),
            Some("examples/checkout")
        );
        assert_eq!(relative_path(root, root).as_deref(), Some(""));
        assert_eq!(
            relative_path(root, Path::new("/repo/examples/checkout/specs")).as_deref(),
            Some("..")
        );
        assert_eq!(
            relative_path(root, Path::new("/repo/tools")).as_deref(),
            Some("../examples/checkout")
        );
        assert_eq!(
            relative_path(root, Path::new("/tmp/work")).as_deref(),
            Some("/repo/examples/checkout")
        );
    }
}
