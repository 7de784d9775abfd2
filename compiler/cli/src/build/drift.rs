//! `gantry build --check`: compares the would-be tree with the output folder and prints a
//! unified diff of every file that differs, is missing, or is generated but no longer produced.
//! Writes nothing.

use std::io::IsTerminal;

use similar::TextDiff;

use super::sink::Finished;
use crate::exit;

pub fn run(shown: &str, finished: &Finished) -> u8 {
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    for drift in &finished.drifted {
        let path = &drift.path;
        let what = match (&drift.old, &drift.new) {
            (None, _) => "is missing",
            // A file the last build generated that this one would not: the build would delete it.
            (Some(_), None) => "is no longer generated",
            (Some(_), Some(_)) => "differs",
        };
        println!("{shown}/{path} {what}");
        let text = |bytes: &Option<Vec<u8>>| {
            bytes
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default()
        };
        print_diff(
            &format!("{shown}/{path}"),
            &text(&drift.old),
            &text(&drift.new),
            color,
        );
    }
    let drifted = finished.drifted.len();
    if drifted == 0 {
        eprintln!("{shown}/ is up to date ({} files)", finished.files);
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
