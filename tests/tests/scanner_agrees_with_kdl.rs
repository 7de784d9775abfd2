//! The syntax scanner that runs before the `kdl` crate never rejects a document the crate
//! accepts: compared on every spec of the repository and on mutated copies of them.

use std::path::Path;

use gantry::syntax::first_error;
use gantry_tests::{read, repo_root};

fn kdl_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            kdl_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "kdl") {
            out.push(path);
        }
    }
}

fn assert_agrees(name: &str, text: &str) {
    let kdl_ok = kdl::KdlDocument::parse_v2(text).is_ok();
    // Nesting beyond gantry's depth limit is refused on purpose, however valid the KDL.
    if kdl_ok
        && let Some(e) = first_error(text)
        && !e.message.contains("nested more than")
    {
        panic!(
            "the scanner rejects {name}, which the kdl crate accepts: {} at {:?} ({:?})",
            e.message,
            e.range,
            &text[e.range.start.saturating_sub(60)..e.range.end]
        );
    }
}

#[test]
fn scanner_accepts_what_kdl_accepts() {
    let mut files = Vec::new();
    for dir in ["examples", "stdlib", "tests/fixtures", "tests/design"] {
        kdl_files(&repo_root().join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 20);
    let mut state: u64 = 7;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    const PIECES: &[&str] = &[
        "{", "}", "\"", "=", "#", "\n", ";", "/-", "//", "/*", "*/", "\\", "(t)", " ", "#true",
        "r", "1", "-", ".", "\"\"\"",
    ];
    for path in files {
        let text = read(&path);
        let name = path.display().to_string();
        assert_agrees(&name, &text);
        let chars: Vec<char> = text.chars().collect();
        for _ in 0..200 {
            let mut mutated = chars.clone();
            let at = next() % (mutated.len() + 1);
            let piece = PIECES[next() % PIECES.len()];
            if next() % 2 == 0 && at < mutated.len() {
                mutated.remove(at);
            }
            let at = at.min(mutated.len());
            mutated.splice(at..at, piece.chars());
            assert_agrees(&name, &mutated.into_iter().collect::<String>());
        }
    }
}

#[test]
fn scanner_accepts_the_kdl_spec_constructs() {
    for text in [
        "node 1 2 3",
        "node key=\"value\" (type)key2=0x10 #true #false #null #inf #-inf #nan",
        "node {\n  child; other \"x\"\n}",
        "node \"\"\"\n  multi\n  line\n  \"\"\"",
        "node #\"raw \"quote\" \"#",
        "node ##\"raw #\" hashes\"##",
        "/- node 1\nother /-1 /-key=2 /-{ x }",
        "node \\\n  continued",
        "node 1.5e10 -2 +3 0b101 0o17 1_000",
        "\"quoted node\" 'x'",
        "node a=b",
        "(t)node",
        "node /* inline */ 1",
        "node \"esc \\u{1F600} \\n \\\" \\\\\"",
    ] {
        let kdl_ok = kdl::KdlDocument::parse_v2(text).is_ok();
        let scan_ok = first_error(text).is_none();
        assert!(
            !kdl_ok || scan_ok,
            "scanner rejects valid `{text}`: {:?}",
            first_error(text)
        );
    }
}
