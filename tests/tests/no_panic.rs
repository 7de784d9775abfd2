//! No input makes the checker panic: every prefix of every example file, and byte-mutated
//! copies of them, give diagnostics or success.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use gantry::check::{Input, check_files};
use gantry_tests::{read, repo_root};

fn example_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for example in ["examples/checkout", "examples/platform"] {
        let dir = repo_root().join(example);
        for entry in std::fs::read_dir(&dir).expect("example folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "kdl") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 4);
    files
}

/// Checks `text` as a spec file (or as gantry.kdl) and fails the test on a panic.
fn check_survives(name: &str, text: &str, as_workspace: bool) {
    let workspace = read(&repo_root().join("tests/fixtures/language/gantry.kdl"));
    let input = |name: &str, text: &str| Input {
        name: name.to_string(),
        text: text.into(),
    };
    let (ws, specs) = if as_workspace {
        (input("gantry.kdl", text), vec![])
    } else {
        (input("gantry.kdl", &workspace), vec![input(name, text)])
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| check_files(ws, specs)));
    if outcome.is_err() {
        let preview: String = text
            .chars()
            .rev()
            .take(80)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        panic!(
            "check panicked on {name} ({} bytes), ending with:\n{preview}",
            text.len()
        );
    }
}

#[test]
fn every_prefix_of_every_example_file() {
    for path in example_files() {
        let text = read(&path);
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("spec.kdl");
        let as_workspace = name == "gantry.kdl";
        for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            check_survives(name, &text[..end], as_workspace);
        }
    }
}

#[test]
fn byte_mutations_of_every_example_file() {
    const REPLACEMENTS: &[&[u8]] = &[
        b"{",
        b"}",
        b"\"",
        b"=",
        b"#",
        b"\n",
        b"/*",
        b"\\",
        b"0",
        b"-",
        b"\xff",
        b"\x00",
        b"(",
        b" ",
        b"*",
        b"\xe2\x80\xa8",
    ];
    // A small linear congruential generator: deterministic, no dependency.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for path in example_files() {
        let bytes = std::fs::read(&path).expect("readable");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("spec.kdl");
        for _ in 0..300 {
            let mut mutated = bytes.clone();
            for _ in 0..1 + next() % 3 {
                let at = next() % mutated.len();
                let replacement = REPLACEMENTS[next() % REPLACEMENTS.len()];
                match next() % 3 {
                    0 => {
                        mutated.splice(at..at + 1, replacement.iter().copied());
                    }
                    1 => {
                        mutated.splice(at..at, replacement.iter().copied());
                    }
                    _ => {
                        mutated.remove(at);
                    }
                }
            }
            let text = String::from_utf8_lossy(&mutated);
            check_survives(name, &text, name == "gantry.kdl");
        }
    }
}
