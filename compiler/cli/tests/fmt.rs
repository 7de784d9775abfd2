//! `gantry fmt`: every KDL file of the repository formats to a fixpoint that means what the file
//! meant, and `--check` lists what is not formatted.

// These tests read the repository's files and what the binary wrote on the real disk.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::{Path, PathBuf};

use common::gantry;
use gantry::format::{FormatError, format, same_document};
use gantry::source::FileId;
use gantry::syntax::parse;
use gantry::vfs::{OsFs, Vfs};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn repository_kdl_files() -> Vec<PathBuf> {
    let skip = |dir: &Path| {
        dir.file_name().is_some_and(|n| {
            n == "target" || n == ".git" || n == ".ci-tools" || n == "node_modules"
        })
    };
    OsFs.files_below(&repository(), &skip)
        .expect("list the repository")
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .collect()
}

#[test]
fn every_kdl_file_of_the_repository_formats_to_a_fixpoint_with_the_same_tree() {
    let files = repository_kdl_files();
    assert!(files.len() > 100, "found only {} files", files.len());
    let mut formatted = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        let once = match format(&text) {
            Ok(once) => once,
            // Fixtures of syntax errors are not KDL: the formatter leaves them alone.
            Err(FormatError::Syntax) => {
                assert!(parse(FileId(0), &text).is_err(), "{}", file.display());
                continue;
            }
            Err(e) => panic!("{}: {e}", file.display()),
        };
        let twice = format(&once).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(once, twice, "{} is not a fixpoint", file.display());
        let before = parse(FileId(0), &text).expect("parses");
        let after = parse(FileId(0), &once).expect("formatted text parses");
        assert!(
            same_document(&before, &after),
            "{} changed meaning",
            file.display()
        );
        // Comments are kept: every comment's text is still there.
        for comment in text
            .lines()
            .filter_map(|l| l.split_once("// ").map(|(_, c)| c.trim()))
        {
            assert!(
                once.contains(comment),
                "{}: lost `{comment}`",
                file.display()
            );
        }
        formatted += 1;
    }
    assert!(formatted > 100, "formatted only {formatted} files");
}

#[test]
fn check_lists_unformatted_files_and_fmt_fixes_them() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fmt-check");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("tidy.kdl"),
        "feature \"a\" {\n    owner \"x\"\n}\n",
    )
    .expect("write");
    std::fs::write(dir.join("messy.kdl"), "feature \"b\"{\n owner   \"x\" }\n").expect("write");

    let out = gantry(&["fmt", "--check", "."], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "./messy.kdl");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 file(s) are not formatted"));

    let out = gantry(&["fmt", "."], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.join("messy.kdl")).expect("read"),
        "feature \"b\" {\n    owner \"x\"\n}\n"
    );
    let out = gantry(&["fmt", "--check", "."], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn files_that_do_not_parse_are_reported_and_left_alone() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fmt-invalid");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("broken.kdl"), "feature \"a\" {\n").expect("write");
    let out = gantry(&["fmt", "broken.kdl"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("broken.kdl: the file is not valid KDL v2")
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.kdl")).expect("read"),
        "feature \"a\" {\n"
    );
}

#[test]
fn a_path_that_cannot_be_read_is_a_usage_error() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fmt-missing");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for args in [
        &["fmt", "nonexistent"][..],
        &["fmt", "--check", "nonexistent"],
    ] {
        let out = gantry(args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("error: cannot read nonexistent"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
