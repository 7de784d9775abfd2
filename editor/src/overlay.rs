//! The file system the server checks: open buffers over the disk, so that unsaved edits count
//! and every other file of the workspace is read as it is on disk. What was read from disk is
//! kept while the file keeps its modification time and length: a check after a keystroke does
//! not read the workspace again, and hands the checker the same texts, known unchanged.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use gantry::vfs::{OsFs, Vfs};

#[derive(Debug, Default)]
pub struct OverlayFs {
    open: BTreeMap<PathBuf, Arc<str>>,
    read: Mutex<HashMap<PathBuf, (Stamp, Arc<str>)>>,
}

/// A file's modification time and length, as read with its text.
type Stamp = (SystemTime, u64);

/// A file changed more recently than this before it was read may change again within the same
/// modification time (file systems count time coarsely): its text is not kept.
const SETTLED: Duration = Duration::from_secs(2);

impl OverlayFs {
    pub fn open(&mut self, path: PathBuf, text: Arc<str>) {
        self.open.insert(path, text);
    }

    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
    }

    /// Forgets what was read from disk: the client says files changed.
    pub fn forget_reads(&mut self) {
        self.read
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn read_disk(&self, path: &Path) -> io::Result<Arc<str>> {
        let meta = std::fs::metadata(path)?;
        let stamp = (meta.modified()?, meta.len());
        let mut read = self.read.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((kept, text)) = read.get(path)
            && *kept == stamp
        {
            return Ok(text.clone());
        }
        let text: Arc<str> = OsFs.read_to_string(path)?.into();
        let settled = SystemTime::now()
            .duration_since(stamp.0)
            .is_ok_and(|age| age >= SETTLED);
        if settled {
            read.insert(path.to_path_buf(), (stamp, text.clone()));
        } else {
            read.remove(path);
        }
        Ok(text)
    }
}

impl Vfs for OverlayFs {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.read_shared(path).map(|text| text.to_string())
    }

    fn read_shared(&self, path: &Path) -> io::Result<Arc<str>> {
        match self.open.get(path) {
            Some(text) => Ok(text.clone()),
            None => self.read_disk(path),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file in a folder of its own under the system's temporary folder, written `age` ago.
    fn file(name: &str, text: &str, age: Duration) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gantry-overlay-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let path = dir.join("spec.kdl");
        write(&path, text, age);
        path
    }

    fn write(path: &Path, text: &str, age: Duration) {
        std::fs::write(path, text).expect("write");
        let when = SystemTime::now() - age;
        let file = std::fs::File::options()
            .write(true)
            .open(path)
            .expect("open");
        file.set_modified(when).expect("set the time");
    }

    #[test]
    fn a_settled_file_is_read_once_until_its_time_or_length_changes() {
        let fs = OverlayFs::default();
        let path = file("settled", "feature \"a\" {}\n", Duration::from_secs(60));
        let first = fs.read_shared(&path).expect("read");
        let again = fs.read_shared(&path).expect("read");
        assert!(Arc::ptr_eq(&first, &again), "the kept text is handed out");

        // Same length, another time.
        write(&path, "feature \"b\" {}\n", Duration::from_secs(30));
        let changed = fs.read_shared(&path).expect("read");
        assert_eq!(&*changed, "feature \"b\" {}\n");
        let _ = std::fs::remove_dir_all(path.parent().expect("a folder"));
    }

    #[test]
    fn a_file_written_just_now_is_read_every_time() {
        let fs = OverlayFs::default();
        let path = file("fresh", "feature \"a\" {}\n", Duration::ZERO);
        let first = fs.read_shared(&path).expect("read");
        let again = fs.read_shared(&path).expect("read");
        assert!(
            !Arc::ptr_eq(&first, &again),
            "a time this recent may hide a change"
        );
        let _ = std::fs::remove_dir_all(path.parent().expect("a folder"));
    }

    #[test]
    fn forgetting_reads_and_open_buffers_take_precedence() {
        let mut fs = OverlayFs::default();
        let path = file("forget", "feature \"a\" {}\n", Duration::from_secs(60));
        let first = fs.read_shared(&path).expect("read");
        fs.forget_reads();
        let after = fs.read_shared(&path).expect("read");
        assert!(!Arc::ptr_eq(&first, &after));
        assert_eq!(first, after);

        fs.open(path.clone(), Arc::from("feature \"unsaved\" {}\n"));
        assert_eq!(
            &*fs.read_shared(&path).expect("read"),
            "feature \"unsaved\" {}\n"
        );
        fs.close(&path);
        assert_eq!(&*fs.read_shared(&path).expect("read"), "feature \"a\" {}\n");
        let _ = std::fs::remove_dir_all(path.parent().expect("a folder"));
    }
}
