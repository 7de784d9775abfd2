//! The `gantry` binary: exit codes, output formats and workspace discovery, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gantry(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gantry"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("gantry runs")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

/// A throwaway workspace folder under the target directory.
fn workspace(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

const WORKSPACE: &str = "workspace \"w\" {\n    team \"payments\"\n}\n";

#[test]
fn a_clean_example_exits_zero() {
    let out = gantry(&["check", "examples/checkout"], &repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("0 errors"), "{stderr}");
}

#[test]
fn errors_exit_one_and_name_file_line_and_column() {
    let dir = workspace(
        "cli-errors",
        &[
            ("gantry.kdl", WORKSPACE),
            (
                "specs/shop.kdl",
                "feature \"shop\" {\n    owner \"paymnts\"\n    servce \"api\"\n}\n",
            ),
        ],
    );
    let out = gantry(&["check"], &dir.join("specs"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("specs/shop.kdl:2:11"), "{stderr}");
    assert!(stderr.contains("specs/shop.kdl:3:5"), "{stderr}");
    assert!(stderr.contains("did you mean `payments`?"), "{stderr}");
    assert!(stderr.contains("2 errors"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "NO_COLOR output has no escape codes"
    );
}

#[test]
fn json_has_one_object_per_diagnostic() {
    let dir = workspace(
        "cli-json",
        &[
            ("gantry.kdl", WORKSPACE),
            (
                "shop.kdl",
                "feature \"shop\" {\n    owner \"payments\"\n    tier \"critcal\"\n}\n",
            ),
        ],
    );
    let out = gantry(&["check", "--format", "json", "."], &dir);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let items = json.as_array().expect("array");
    assert_eq!(items.len(), 1);
    let d = &items[0];
    assert_eq!(d["id"], "unknown-preset");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "shop.kdl");
    assert_eq!(d["line"], 3);
    assert_eq!(d["column"], 10);
    assert_eq!(d["end"]["column"], 19);
    assert_eq!(d["help"], "did you mean `critical`?");
}

#[test]
fn no_workspace_and_bad_usage_exit_two() {
    let dir = workspace("cli-empty", &[("notes.txt", "")]);
    let out = gantry(&["check", "."], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `gantry.kdl` found"));
    let out = gantry(&["check", "--format", "yaml"], &dir);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_output_folder_and_ignored_files_are_not_specs() {
    let dir = workspace(
        "cli-ignore",
        &[
            (
                "gantry.kdl",
                "workspace \"w\" {\n    output \"out\"\n    ignore \"drafts\"\n}\n",
            ),
            ("out/broken.kdl", "this is { not"),
            ("drafts/broken.kdl", "neither {"),
            ("target/broken.kdl", "nor {"),
        ],
    );
    let out = gantry(&["check", "."], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
