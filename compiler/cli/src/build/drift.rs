//! `gantry build --check`: compares the would-be tree with the output folder and prints a
//! unified diff of every file that differs, is missing, or is generated but no longer produced.
//! Writes nothing.

use std::io::IsTerminal;
use std::path::Path;

use similar::TextDiff;

use super::plan::Plan;
use crate::exit;

pub fn run(output: &Path, shown: &str, plan: &Plan) -> u8 {
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    let mut drifted = 0;
    for (path, file) in &plan.tree.files {
        let on_disk = std::fs::read(output.join(path)).ok();
        if on_disk.as_deref() == Some(file.bytes.as_slice()) {
            continue;
        }
        drifted += 1;
        let old = on_disk.as_deref().map(String::from_utf8_lossy);
        let what = if old.is_some() {
            "differs"
        } else {
            "is missing"
        };
        println!("{shown}/{path} {what}");
        print_diff(
            &format!("{shown}/{path}"),
            old.as_deref().unwrap_or(""),
            &String::from_utf8_lossy(&file.bytes),
            color,
        );
    }
    // A file the last build generated that this one would not: the build would delete it.
    for path in plan.previous.keys() {
        if plan.tree.files.contains_key(path) {
            continue;
        }
        let Ok(bytes) = std::fs::read(output.join(path)) else {
            continue;
        };
        drifted += 1;
        println!("{shown}/{path} is no longer generated");
        print_diff(
            &format!("{shown}/{path}"),
            &String::from_utf8_lossy(&bytes),
            "",
            color,
        );
    }
    if drifted == 0 {
        eprintln!("{shown}/ is up to date ({} files)", plan.tree.files.len());
        exit::OK
    } else {
        eprintln!(
            "error: {drifted} file{} in {shown}/ differ from the specs; run `gantry build` and \
             commit the result",
            if drifted == 1 { "" } else { "s" }
        );
        exit::ERRORS
    }
}

fn print_diff(path: &str, old: &str, new: &str, color: bool) {
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    for line in text.lines() {
        let paint = match line.as_bytes().first() {
            _ if !color || line.starts_with("---") || line.starts_with("+++") => None,
            Some(b'-') => Some("31"),
            Some(b'+') => Some("32"),
            Some(b'@') => Some("36"),
            _ => None,
        };
        match paint {
            Some(code) => println!("\x1b[{code}m{line}\x1b[0m"),
            None => println!("{line}"),
        }
    }
}
