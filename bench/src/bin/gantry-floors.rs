//! The floors gantry is measured against, on a workspace folder:
//!
//! - `gantry-floors kdl DIR`: parse every `.kdl` file with the `kdl` crate alone;
//! - `gantry-floors io DIR OUTPUT`: read every spec file, then write the files of a built output
//!   folder `OUTPUT` again (into a fresh folder beside it).
//!
//! Each prints one line of JSON: the seconds the work took and what it covered.

// A measuring tool: it reads and writes files.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

fn files_below(root: &Path, extension: Option<&str>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if extension.is_none_or(|e| path.extension().is_some_and(|x| x == e)) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn kdl_floor(dir: &Path) -> Result<String, String> {
    let files = files_below(dir, Some("kdl"));
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display())))
        .collect::<Result<_, _>>()?;
    let bytes: usize = texts.iter().map(String::len).sum();
    let start = Instant::now();
    let mut nodes = 0;
    for text in &texts {
        let doc = kdl::KdlDocument::parse_v2(text).map_err(|e| e.to_string())?;
        nodes += doc.nodes().len();
    }
    let seconds = start.elapsed().as_secs_f64();
    Ok(format!(
        r#"{{"floor":"kdl","files":{},"bytes":{bytes},"top_level_nodes":{nodes},"seconds":{seconds:.4}}}"#,
        files.len()
    ))
}

fn io_floor(dir: &Path, output: &Path) -> Result<String, String> {
    let start = Instant::now();
    let mut read = 0;
    for path in files_below(dir, Some("kdl")) {
        read += std::fs::read(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
    }
    let read_seconds = start.elapsed().as_secs_f64();
    let outputs: Vec<(PathBuf, Vec<u8>)> = files_below(output, None)
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let relative = p.strip_prefix(output).ok()?.to_path_buf();
            Some((relative, bytes))
        })
        .collect();
    let copy = output.with_extension("floor-copy");
    let _ = std::fs::remove_dir_all(&copy);
    let start = Instant::now();
    let mut written = 0;
    for (relative, bytes) in &outputs {
        let path = copy.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        written += bytes.len();
    }
    let write_seconds = start.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&copy);
    Ok(format!(
        r#"{{"floor":"io","read_bytes":{read},"read_seconds":{read_seconds:.4},"written_files":{},"written_bytes":{written},"write_seconds":{write_seconds:.4}}}"#,
        outputs.len()
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["kdl", dir] => kdl_floor(Path::new(dir)),
        ["io", dir, output] => io_floor(Path::new(dir), Path::new(output)),
        _ => Err("usage: gantry-floors kdl DIR | io DIR OUTPUT".to_string()),
    };
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
