//! The file-system trait the front end reads through. The CLI hands it the real disk, tests and
//! the language server an in-memory or overlay file system.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Read access to files. Paths are absolute or relative to the same base for one run.
pub trait Vfs: Sync {
    fn read_to_string(&self, path: &Path) -> io::Result<String>;

    /// The text of a file, as a shared value: a file system that keeps what it read hands out
    /// the same value while the file is unchanged.
    fn read_shared(&self, path: &Path) -> io::Result<std::sync::Arc<str>> {
        self.read_to_string(path).map(std::sync::Arc::from)
    }

    /// The bytes of a file, for a text that is not UTF-8 (see [`Vfs::read_to_string`]).
    fn read_bytes(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.read_to_string(path).map(String::into_bytes)
    }

    fn is_file(&self, path: &Path) -> bool;

    /// Every file below `root`, recursively, not entering folders for which `skip_dir` says yes.
    fn files_below(
        &self,
        root: &Path,
        skip_dir: &dyn Fn(&Path) -> bool,
    ) -> io::Result<Vec<PathBuf>>;
}

/// Files held in memory, keyed by path.
#[derive(Debug, Default, Clone)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, String>,
}

impl MemoryFs {
    pub fn new() -> MemoryFs {
        MemoryFs::default()
    }

    pub fn with(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> MemoryFs {
        self.insert(path, text);
        self
    }

    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }
}

impl Vfs for MemoryFs {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.files.get(path).cloned().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} not found", path.display()),
            )
        })
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    fn files_below(
        &self,
        root: &Path,
        skip_dir: &dyn Fn(&Path) -> bool,
    ) -> io::Result<Vec<PathBuf>> {
        Ok(self
            .files
            .keys()
            .filter(|p| p.starts_with(root))
            .filter(|p| {
                p.ancestors()
                    .skip(1)
                    .take_while(|a| *a != root && a.starts_with(root))
                    .all(|a| !skip_dir(a))
            })
            .cloned()
            .collect())
    }
}

/// The disk, read with walkdir.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsFs;

#[allow(clippy::disallowed_methods)] // the one place the front end's reads reach the disk
impl Vfs for OsFs {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn read_bytes(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn files_below(
        &self,
        root: &Path,
        skip_dir: &dyn Fn(&Path) -> bool,
    ) -> io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !(e.depth() > 0 && e.file_type().is_dir() && skip_dir(e.path())));
        for entry in walker {
            let entry = entry.map_err(io::Error::other)?;
            if entry.file_type().is_file() {
                out.push(entry.into_path());
            }
        }
        Ok(out)
    }
}
