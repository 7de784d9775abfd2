//! Writing a build atomically: every file goes into a fresh folder beside the output folder,
//! which is then swapped in with two renames. Until [`Staging::commit`] the output folder is
//! untouched, and a staging folder that is dropped uncommitted is deleted.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// Where the previous output folder goes while the new one moves in.
    old: PathBuf,
    /// The folders made so far: files are written from every core, and most share a folder.
    made: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// A fresh, empty staging folder for `output`.
    pub fn create(output: &Path) -> io::Result<Staging> {
        let (parent, name) = match (output.parent(), output.file_name()) {
            (Some(parent), Some(name)) => (parent, name.to_string_lossy()),
            _ => return Err(io::Error::other("the output folder has no parent")),
        };
        std::fs::create_dir_all(parent)?;
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.tmp-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        // A folder left by a killed run with the same id is ours to replace.
        remove_if_present(&dir)?;
        std::fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            old,
            made: Mutex::new(HashSet::new()),
            committed: false,
        })
    }

    /// Writes one file at its `/`-separated path (already checked to stay inside the folder).
    pub fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.dir.join(path);
        self.make_parent(&target)?;
        std::fs::write(&target, bytes)
    }

    /// Creates the file at `path` (as [`Staging::put`] would), to be written as it is made.
    pub fn create_file(&self, path: &str) -> io::Result<std::fs::File> {
        let target = self.dir.join(path);
        self.make_parent(&target)?;
        std::fs::File::create(&target)
    }

    /// Carries a file people added over from the output folder, a symlink as a symlink.
    pub fn carry_over(&self, path: &str) -> io::Result<()> {
        let (from, to) = (self.output.join(path), self.dir.join(path));
        self.make_parent(&to)?;
        if std::fs::symlink_metadata(&from)?.file_type().is_symlink() {
            return link(&std::fs::read_link(&from)?, &to);
        }
        std::fs::copy(from, to).map(|_| ())
    }

    fn make_parent(&self, file: &Path) -> io::Result<()> {
        let Some(dir) = file.parent() else {
            return Ok(());
        };
        let mut made = self
            .made
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if !made.contains(dir) {
            std::fs::create_dir_all(dir)?;
            made.insert(dir.to_path_buf());
        }
        Ok(())
    }

    /// Moves the old output folder away, the staging folder in, then deletes the old one. If the
    /// second rename fails the old folder is put back.
    pub fn commit(mut self) -> io::Result<()> {
        let old = self.old.clone();
        match std::fs::symlink_metadata(&self.output) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                std::fs::rename(&self.dir, &self.output)?;
                self.committed = true;
                return Ok(());
            }
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        remove_if_present(&old)?;
        std::fs::rename(&self.output, &old)?;
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            let _ = std::fs::rename(&old, &self.output);
            return Err(e);
        }
        self.committed = true;
        // The new tree is in place; a leftover old folder is only clutter, so say so and go on.
        if let Err(e) = remove_tree(&old) {
            eprintln!("warning: cannot remove {}: {e}", old.display());
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(unix)]
fn link(target: &Path, to: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, to)
}

#[cfg(not(unix))]
fn link(target: &Path, _to: &Path) -> io::Result<()> {
    Err(io::Error::other(format!(
        "cannot carry over the symlink to {}",
        target.display()
    )))
}

/// Deletes a folder and everything below it, its `ENV/TARGET` folders on every core: a previous
/// build can leave hundreds of thousands of files. Symlinks are removed, never followed.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let mut parts = Vec::new();
    for env in std::fs::read_dir(dir)? {
        let env = env?;
        if env.file_type()?.is_dir() {
            for target in std::fs::read_dir(env.path())? {
                let target = target?;
                if target.file_type()?.is_dir() {
                    parts.push(target.path());
                }
            }
        }
    }
    gantry::parallel::map_jobs(&parts, |part| std::fs::remove_dir_all(part))
        .into_iter()
        .collect::<io::Result<()>>()?;
    std::fs::remove_dir_all(dir)
}

fn remove_if_present(dir: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
