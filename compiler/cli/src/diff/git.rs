//! Reading a revision of the workspace from git objects, with the `git` command: no checkout of
//! the user's tree, no network. `rev-parse` finds the repository and the commit, `ls-tree` the
//! files below the workspace, `cat-file --batch` their contents, all into a [`MemoryFs`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gantry::vfs::MemoryFs;

pub struct Repository {
    /// The top folder of the work tree.
    top: PathBuf,
}

impl Repository {
    /// The git repository holding `path`.
    pub fn around(path: &Path) -> Result<Repository, String> {
        let dir = if path.is_dir() {
            path
        } else {
            path.parent().unwrap_or(path)
        };
        let top = git(dir, &["rev-parse", "--show-toplevel"], None)
            .map_err(|e| format!("`gantry diff --base` needs a git repository: {e}"))?;
        let top = String::from_utf8_lossy(&top).trim().to_string();
        Ok(Repository {
            top: PathBuf::from(top),
        })
    }

    /// Every file below `path` at revision `rev`, under the same absolute paths as on disk.
    pub fn files_at(&self, rev: &str, path: &Path) -> Result<MemoryFs, String> {
        if rev.starts_with('-') {
            return Err(format!("`{rev}` is not a revision"));
        }
        let commit = git(
            &self.top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
            None,
        )
        .map_err(|_| format!("no revision `{rev}` in this repository"))?;
        let commit = String::from_utf8_lossy(&commit).trim().to_string();
        let top = self.top.canonicalize().unwrap_or_else(|_| self.top.clone());
        let dir = if path.is_dir() {
            path.to_path_buf()
        } else {
            path.parent().unwrap_or(path).to_path_buf()
        };
        let dir = dir.canonicalize().unwrap_or(dir);
        let relative = dir.strip_prefix(&top).unwrap_or(Path::new(""));
        let prefix = relative.to_string_lossy().replace('\\', "/");
        let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", commit.as_str()];
        if !prefix.is_empty() {
            args.extend(["--", prefix.as_str()]);
        }
        let listing = git(&self.top, &args, None)?;
        let mut blobs = Vec::new();
        for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, name)) = entry.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split(' ');
            let (Some(_mode), Some(kind), Some(object)) = (meta.next(), meta.next(), meta.next())
            else {
                continue;
            };
            // Spec files, and the Handlebars templates a workspace may override.
            if kind == "blob" && (name.ends_with(".kdl") || name.ends_with(".hbs")) {
                blobs.push((object.to_string(), name.to_string()));
            }
        }
        let mut request = String::new();
        for (object, _) in &blobs {
            request.push_str(object);
            request.push('\n');
        }
        let output = git(
            &self.top,
            &["cat-file", "--batch"],
            Some(request.as_bytes()),
        )?;
        let mut fs = MemoryFs::new();
        let mut rest: &[u8] = &output;
        for (_, name) in &blobs {
            let header_end = rest
                .iter()
                .position(|b| *b == b'\n')
                .ok_or("git cat-file ended early")?;
            let header = String::from_utf8_lossy(&rest[..header_end]).to_string();
            let size: usize = header
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| format!("git cat-file: unexpected `{header}`"))?;
            let body = rest
                .get(header_end + 1..header_end + 1 + size)
                .ok_or("git cat-file ended early")?;
            let text = String::from_utf8(body.to_vec())
                .map_err(|_| format!("{name} at {rev} is not UTF-8"))?;
            fs.insert(self.top.join(name), text);
            rest = rest.get(header_end + 1 + size + 1..).unwrap_or(&[]);
        }
        Ok(fs)
    }
}

/// Runs git in `dir` with no prompts and no pager; stdout, or the error it printed.
fn git(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_PAGER", "cat")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        // Written from a thread, so that a large answer on stdout cannot block the writer.
        let input = input.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let output = child.wait_with_output().map_err(|e| e.to_string())?;
        let _ = writer.join();
        return finish(output);
    }
    finish(child.wait_with_output().map_err(|e| e.to_string())?)
}

fn finish(output: std::process::Output) -> Result<Vec<u8>, String> {
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}
