//! `gantry build` run as a user would, on throwaway copies of the checkout example: determinism,
//! atomicity, drift checks and hand-added files. Works with whatever targets exist: where a test
//! needs a generated file it takes the first the manifest lists (manifest.json at least).

// These tests inspect what the binary left on the real disk.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::gantry;

/// A copy of examples/checkout (specs only) under the target directory.
fn example(name: &str) -> PathBuf {
    copy_of("examples/checkout", name)
}

/// A copy of the specs of a repository folder under the target directory.
fn copy_of(folder: &str, name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(folder);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for entry in std::fs::read_dir(&from).expect("example") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "kdl") {
            let name = path.file_name().expect("name");
            std::fs::copy(&path, dir.join(name)).expect("copy");
        }
    }
    dir
}

fn ok(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    stderr
}

/// Every file below `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("lists") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("reads");
                out.insert(path.strip_prefix(dir).expect("below").to_path_buf(), bytes);
            }
        }
    }
    out
}

/// Names in the workspace folder that are neither specs nor the output folder: staging leftovers.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".kdl") && n != "generated")
        .collect()
}

/// The first file the manifest lists, or the manifest itself.
fn a_generated_file(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("generated/manifest.json")).expect("manifest");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("json");
    manifest["files"][0]["path"]
        .as_str()
        .unwrap_or("manifest.json")
        .to_string()
}

#[test]
fn the_workspace_of_design_md_builds_every_target() {
    let dir = copy_of("tests/design", "design");
    let stderr = ok(&gantry(&["build"], &dir));
    // §2's team chats on a channel no receiver posts to: a warning, and its tickets page.
    assert!(
        stderr.contains("1 warning; `gantry check` shows them"),
        "{stderr}"
    );
    let manifest = std::fs::read_to_string(dir.join("generated/manifest.json")).expect("manifest");
    for target in [
        "kubernetes/",
        "prometheus/",
        "alertmanager/",
        "grafana/",
        "terraform/",
        "policy/",
        "agents/",
        "runbooks/",
    ] {
        assert!(manifest.contains(target), "no {target} output");
    }
}

#[test]
fn two_builds_are_byte_identical_wherever_they_run() {
    let a = example("build-twice-a");
    let b = example("build-twice-b");
    let stderr = ok(&gantry(&["build"], &a));
    assert!(stderr.contains("to generated/ (staging, prod)"), "{stderr}");
    let first = snapshot(&a.join("generated"));
    assert!(first.contains_key(Path::new("manifest.json")));
    ok(&gantry(&["build", "."], &a));
    assert_eq!(snapshot(&a.join("generated")), first);
    ok(&gantry(&["build", a.to_str().expect("utf-8")], &b));
    ok(&gantry(&["build"], &b));
    assert_eq!(snapshot(&b.join("generated")), first);
}

#[test]
fn a_failed_build_leaves_the_output_folder_as_it_was() {
    let dir = example("build-fails");
    ok(&gantry(&["build"], &dir));
    std::fs::write(dir.join("generated/notes.md"), "mine").expect("write");
    let before = snapshot(&dir.join("generated"));
    let spec = dir.join("checkout.kdl");
    let text = std::fs::read_to_string(&spec).expect("spec");
    std::fs::write(
        &spec,
        format!("{text}\nfeature \"broken\" {{\n    owner \"nobody\"\n}}\n"),
    )
    .expect("write");
    let out = gantry(&["build"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot(&dir.join("generated")), before);
    assert_eq!(leftovers(&dir), Vec::<String>::new());
}

#[test]
fn check_passes_after_a_build_and_catches_a_hand_edit() {
    let dir = example("build-drift");
    ok(&gantry(&["build"], &dir));
    ok(&gantry(&["build", "--check"], &dir));
    let path = a_generated_file(&dir);
    let file = dir.join("generated").join(&path);
    let text = std::fs::read_to_string(&file).expect("generated file");
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .expect("a line");
    let edited = text.replacen(line, &format!("{line} edited by hand"), 1);
    std::fs::write(&file, &edited).expect("edit");
    let before = snapshot(&dir.join("generated"));
    let out = gantry(&["build", "--check"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("generated/{path} differs")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("-{line} edited by hand")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("+{line}")), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "NO_COLOR: no escape codes");
    assert_eq!(
        snapshot(&dir.join("generated")),
        before,
        "--check writes nothing"
    );
}

#[test]
fn check_writes_nothing_and_reports_a_missing_output() {
    let dir = example("build-check-empty");
    let out = gantry(&["build", "--check"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("generated/manifest.json is missing"));
    assert!(!dir.join("generated").exists());
    assert_eq!(leftovers(&dir), Vec::<String>::new());
}

#[test]
fn a_hand_added_file_survives_a_rebuild_and_is_reported() {
    let dir = example("build-hand-added");
    ok(&gantry(&["build"], &dir));
    std::fs::create_dir_all(dir.join("generated/docs")).expect("mkdir");
    std::fs::write(dir.join("generated/docs/notes.md"), "mine").expect("write");
    let stderr = ok(&gantry(&["build"], &dir));
    assert!(
        stderr.contains("kept generated/docs/notes.md: not generated by gantry"),
        "{stderr}"
    );
    let notes = std::fs::read_to_string(dir.join("generated/docs/notes.md")).expect("kept");
    assert_eq!(notes, "mine");
    // A hand-added file is not drift.
    ok(&gantry(&["build", "--check"], &dir));
}

#[test]
fn a_file_the_last_build_listed_but_this_one_does_not_is_drift_then_deleted() {
    let dir = example("build-stale");
    ok(&gantry(&["build"], &dir));
    let manifest = dir.join("generated/manifest.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).expect("manifest")).expect("json");
    let files = value["files"].as_array_mut().expect("files");
    files.push(serde_json::json!({"path": "prod/old/gone.yaml", "sha256": "", "sources": []}));
    std::fs::write(&manifest, value.to_string()).expect("write");
    std::fs::create_dir_all(dir.join("generated/prod/old")).expect("mkdir");
    std::fs::write(dir.join("generated/prod/old/gone.yaml"), "a: 1\n").expect("write");
    let out = gantry(&["build", "--check"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("generated/prod/old/gone.yaml is no longer generated"),
        "{stdout}"
    );
    assert!(stdout.contains("-a: 1"), "{stdout}");
    let stderr = ok(&gantry(&["build"], &dir));
    assert!(!stderr.contains("kept"), "{stderr}");
    assert!(!dir.join("generated/prod/old/gone.yaml").exists());
}

#[test]
fn an_unknown_environment_or_target_is_a_usage_error() {
    let dir = example("build-usage");
    let out = gantry(&["build", "--env", "prd"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("did you mean `prod`?"), "{stderr}");
    let out = gantry(&["build", "--target", "no-such-target"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("generated").exists());
}

#[test]
fn every_generated_yaml_file_parses_back_and_carries_the_header() {
    let dir = example("build-yaml");
    ok(&gantry(&["build"], &dir));
    for (path, bytes) in snapshot(&dir.join("generated")) {
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(
            text.starts_with("# Generated by gantry from "),
            "{}",
            path.display()
        );
        let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!docs.is_empty(), "{}", path.display());
    }
}
