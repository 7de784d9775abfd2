//! Writing a planned tree atomically: everything goes into a fresh folder beside the output
//! folder, which is then swapped in with two renames. A failure before the swap leaves the
//! output folder as it was.

use std::io;
use std::path::Path;

use super::plan::Plan;

pub fn write(output: &Path, plan: &Plan) -> io::Result<()> {
    let (parent, name) = match (output.parent(), output.file_name()) {
        (Some(parent), Some(name)) => (parent, name.to_string_lossy()),
        _ => return Err(io::Error::other("the output folder has no parent")),
    };
    std::fs::create_dir_all(parent)?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    // A folder left by a killed run with the same id is ours to replace.
    remove_if_present(&staging)?;
    let result = fill(&staging, output, plan).and_then(|()| swap(&staging, output, &old));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn fill(staging: &Path, output: &Path, plan: &Plan) -> io::Result<()> {
    std::fs::create_dir(staging)?;
    for (path, file) in &plan.tree.files {
        let target = staging.join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&target, &file.bytes)?;
    }
    for path in &plan.kept {
        copy(&output.join(path), &staging.join(path))?;
    }
    Ok(())
}

/// Copies a hand-added file, or recreates a symlink as a symlink.
fn copy(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if std::fs::symlink_metadata(from)?.file_type().is_symlink() {
        return link(&std::fs::read_link(from)?, to);
    }
    std::fs::copy(from, to).map(|_| ())
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

/// Moves the old output folder away, the new one in, then deletes the old one. If the second
/// rename fails the old folder is put back.
fn swap(staging: &Path, output: &Path, old: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(output) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return std::fs::rename(staging, output),
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    remove_if_present(old)?;
    std::fs::rename(output, old)?;
    if let Err(e) = std::fs::rename(staging, output) {
        let _ = std::fs::rename(old, output);
        return Err(e);
    }
    // The new tree is in place; a leftover old folder is only clutter, so say so and go on.
    if let Err(e) = std::fs::remove_dir_all(old) {
        eprintln!("warning: cannot remove {}: {e}", old.display());
    }
    Ok(())
}

fn remove_if_present(dir: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
