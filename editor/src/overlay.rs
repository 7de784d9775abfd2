//! The file system the server checks: open buffers over the disk, so that unsaved edits count
//! and every other file of the workspace is read as it is on disk.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gantry::vfs::{OsFs, Vfs};

#[derive(Debug, Default)]
pub struct OverlayFs {
    open: BTreeMap<PathBuf, Arc<str>>,
}

impl OverlayFs {
    pub fn open(&mut self, path: PathBuf, text: Arc<str>) {
        self.open.insert(path, text);
    }

    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
    }
}

impl Vfs for OverlayFs {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        match self.open.get(path) {
            Some(text) => Ok(text.to_string()),
            None => OsFs.read_to_string(path),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.open.contains_key(path) || OsFs.is_file(path)
    }

    fn files_below(
        &self,
        root: &Path,
        skip_dir: &dyn Fn(&Path) -> bool,
    ) -> io::Result<Vec<PathBuf>> {
        let mut files = OsFs.files_below(root, skip_dir)?;
        // A buffer not yet saved is part of the workspace too.
        for path in self.open.keys().filter(|p| p.starts_with(root)) {
            let skipped = path
                .ancestors()
                .skip(1)
                .take_while(|a| *a != root)
                .any(skip_dir);
            if !skipped && !files.contains(path) {
                files.push(path.clone());
            }
        }
        files.sort();
        Ok(files)
    }
}
