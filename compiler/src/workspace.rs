//! Finding a workspace: `gantry.kdl` at its root (found by walking up, as cargo finds
//! Cargo.toml) and the spec files below it.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::syntax::Document;
use crate::vfs::Vfs;

pub const WORKSPACE_FILE: &str = "gantry.kdl";
pub const DEFAULT_OUTPUT: &str = "generated";

/// Why a workspace could not be read at all (as opposed to diagnostics about its content).
#[derive(Debug)]
pub enum LoadError {
    NoWorkspace {
        from: PathBuf,
    },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NoWorkspace { from } => write!(
                f,
                "no `{WORKSPACE_FILE}` found in {} or any folder above it\n  help: a workspace starts with a `{WORKSPACE_FILE}` holding `workspace \"NAME\" {{ … }}`; create one at the root of your specs",
                from.display()
            ),
            LoadError::Io { path, error } => write!(f, "cannot read {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// The folder holding `gantry.kdl`, from `start` (a folder or a file in it) upwards.
pub fn find_root(vfs: &dyn Vfs, start: &Path) -> Result<PathBuf, LoadError> {
    let mut dir = if vfs.is_file(start) {
        start.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        start.to_path_buf()
    };
    loop {
        if vfs.is_file(&dir.join(WORKSPACE_FILE)) {
            return Ok(dir);
        }
        if !dir.pop() || dir.as_os_str().is_empty() {
            return Err(LoadError::NoWorkspace {
                from: start.to_path_buf(),
            });
        }
    }
}

/// What discovery needs from `gantry.kdl` before the rest is checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub output: String,
    pub ignore: Vec<String>,
}

impl Layout {
    /// Reads `output` and `ignore` from a parsed `gantry.kdl`, with defaults when absent.
    pub fn from_document(doc: Option<&Document>) -> Layout {
        let workspace = doc.and_then(|d| d.nodes.iter().find(|n| n.name.value == "workspace"));
        let strings = |name: &str| -> Vec<String> {
            workspace
                .into_iter()
                .flat_map(|w| w.children.iter().filter(move |c| c.name.value == name))
                .flat_map(|c| {
                    c.args()
                        .filter_map(|a| a.value.as_str().map(str::to_string))
                })
                .collect()
        };
        let output = strings("output")
            .into_iter()
            .last()
            .unwrap_or_else(|| DEFAULT_OUTPUT.to_string());
        Layout {
            output: output.trim_end_matches('/').to_string(),
            ignore: strings("ignore"),
        }
    }
}

/// A path relative to the root with `/` separators, as shown to users.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn glob_set(patterns: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        if let Ok(glob) = Glob::new(pattern) {
            builder.add(glob);
        }
        // A folder glob such as `vendor` also covers what is inside it.
        if let Ok(glob) = Glob::new(&format!("{}/**", pattern.trim_end_matches('/'))) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// The spec files of a workspace, sorted by their relative path; `gantry.kdl` excluded.
pub fn spec_files(vfs: &dyn Vfs, root: &Path, layout: &Layout) -> Result<Vec<PathBuf>, LoadError> {
    let ignore = glob_set(&layout.ignore);
    let output = root.join(&layout.output);
    let skip_dir = |dir: &Path| {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        name.starts_with('.')
            || name == "target"
            || name == "node_modules"
            || dir == output
            || ignore.is_match(display_path(root, dir))
            // A nested workspace is its own.
            || vfs.is_file(&dir.join(WORKSPACE_FILE))
    };
    let mut files: Vec<PathBuf> = vfs
        .files_below(root, &skip_dir)
        .map_err(|error| LoadError::Io {
            path: root.to_path_buf(),
            error,
        })?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .filter(|p| p.parent() != Some(root) || p.file_name().is_none_or(|n| n != WORKSPACE_FILE))
        .filter(|p| !ignore.is_match(display_path(root, p)))
        .collect();
    files.sort_by_key(|p| display_path(root, p));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemoryFs;

    #[test]
    fn finds_the_root_upwards_and_skips_what_is_not_spec() {
        let fs = MemoryFs::new()
            .with("/w/gantry.kdl", "workspace \"w\"")
            .with("/w/b.kdl", "")
            .with("/w/a/x.kdl", "")
            .with("/w/a/notes.md", "")
            .with("/w/generated/out.kdl", "")
            .with("/w/.git/x.kdl", "")
            .with("/w/target/x.kdl", "")
            .with("/w/vendor/v.kdl", "")
            .with("/w/nested/gantry.kdl", "")
            .with("/w/nested/n.kdl", "");
        assert_eq!(
            find_root(&fs, Path::new("/w/a")).unwrap(),
            PathBuf::from("/w")
        );
        assert!(matches!(
            find_root(&fs, Path::new("/elsewhere")),
            Err(LoadError::NoWorkspace { .. })
        ));
        let layout = Layout {
            output: "generated".into(),
            ignore: vec!["vendor".into()],
        };
        let files = spec_files(&fs, Path::new("/w"), &layout).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|p| display_path(Path::new("/w"), p))
            .collect();
        assert_eq!(names, ["a/x.kdl", "b.kdl"]);
    }
}
