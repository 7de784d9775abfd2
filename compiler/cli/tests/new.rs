//! `gantry new` run as a user would, on throwaway copies of the checkout example: the scaffold
//! checks with no diagnostic at all; existing files, bad
//! names and unknown owners are refused with a clear message and nothing written.

// These tests inspect what the binary left on the real disk.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::gantry;

/// A copy of examples/checkout (specs only) under the target directory.
fn example(name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("new")
        .join(name);
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

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn succeeds(out: &Output) -> String {
    let text = stderr(out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    text
}

fn kdl_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".kdl"))
        .collect();
    names.sort();
    names
}

#[test]
fn the_scaffold_checks_with_no_diagnostic() {
    let dir = example("clean");
    let out = gantry(&["new", "search"], &dir);
    succeeds(&out);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "created search.kdl\n");
    let text = std::fs::read_to_string(dir.join("search.kdl")).expect("search.kdl was written");
    assert!(text.contains("feature \"search\" {"), "{text}");
    // The workspace's first team owns it.
    assert!(text.contains("    owner \"payments\"\n"), "{text}");

    let check = gantry(&["check"], &dir);
    let report = succeeds(&check);
    assert!(
        report.ends_with("(3 features): 0 errors, 0 warnings\n"),
        "{report}"
    );
    let json = gantry(&["check", "--format", "json"], &dir);
    assert_eq!(json.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&json.stdout);
    assert!(!stdout.contains("search.kdl"), "{stdout}");
}

#[test]
fn an_owner_and_a_folder_can_be_given() {
    let dir = example("owner");
    std::fs::create_dir_all(dir.join("teams/platform")).expect("mkdir");
    let out = gantry(
        &[
            "new",
            "search",
            "--owner",
            "platform",
            "--path",
            "teams/platform",
        ],
        &dir,
    );
    succeeds(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "created teams/platform/search.kdl\n"
    );
    let text = std::fs::read_to_string(dir.join("teams/platform/search.kdl")).expect("written");
    assert!(text.contains("    owner \"platform\"\n"), "{text}");
    assert!(text.contains("manual-override team=\"platform\""), "{text}");
    let report = succeeds(&gantry(&["check"], &dir));
    assert!(report.contains(": 0 errors, 0 warnings"), "{report}");
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = example("overwrite");
    std::fs::write(dir.join("search.kdl"), "// mine\n").expect("write");
    let out = gantry(&["new", "search"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: search.kdl already exists; nothing was written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("search.kdl")).expect("still there"),
        "// mine\n"
    );

    // A feature of that name in another file would be a duplicate.
    std::fs::write(
        dir.join("more.kdl"),
        "feature \"reviews\" {\n    owner \"payments\"\n}\n",
    )
    .expect("write");
    let out = gantry(&["new", "reviews"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the workspace already has a feature `reviews`, in more.kdl"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("reviews.kdl").exists());
}

#[test]
fn bad_names_and_owners_are_refused_clearly() {
    let dir = example("refused");
    let before = kdl_files(&dir);
    let cases: [(&[&str], &str); 5] = [
        (
            &["new", "Search"],
            "cannot create feature `Search`: `Search` is not a valid name",
        ),
        (&["new", "search_v2"], "try `search-v2`"),
        (
            &["new", "../escape"],
            "cannot create feature `../escape`: `../escape` is not a valid name",
        ),
        (&["new", &"a".repeat(64)], "is longer than 63 characters"),
        (
            &["new", "search", "--owner", "nobody"],
            "`nobody` is not a team of the workspace\n  help: the teams are `payments`, `platform`",
        ),
    ];
    for (args, message) in cases {
        let out = gantry(args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(kdl_files(&dir), before, "nothing was written");
}

#[test]
fn a_workspace_without_teams_is_a_clear_error() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("new/no-teams");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("gantry.kdl"),
        "workspace \"w\" {\n    environment \"prod\"\n}\n",
    )
    .expect("write");
    let out = gantry(&["new", "search"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the workspace declares no team, and every feature needs an owner"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("search.kdl").exists());
}

#[test]
fn a_folder_the_workspace_does_not_read_is_refused() {
    let dir = example("output-folder");
    std::fs::create_dir_all(dir.join("generated")).expect("mkdir");
    let out = gantry(&["new", "search", "--path", "generated"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("would not be read as a spec of the workspace"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("generated/search.kdl").exists());
}

const DIGEST: &str = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

#[test]
fn a_pinned_image_makes_a_spec_that_builds() {
    let dir = example("image");
    let image = format!("registry.acme.example/search-api:0.1.0@{DIGEST}");
    succeeds(&gantry(&["new", "search", "--image", &image], &dir));
    let text = std::fs::read_to_string(dir.join("search.kdl")).expect("written");
    assert!(
        text.contains(&format!(
            "        image \"registry.acme.example/search-api:0.1.0\" digest=\"{DIGEST}\"\n"
        )),
        "{text}"
    );
    let report = succeeds(&gantry(&["check"], &dir));
    assert!(report.contains(": 0 errors, 0 warnings"), "{report}");
    succeeds(&gantry(&["build"], &dir));
    let folder = dir.join("generated/prod/kubernetes/search");
    let pinned = format!("registry.acme.example/search-api@{DIGEST}");
    let uses_it = std::fs::read_dir(&folder)
        .expect("the feature's Kubernetes objects")
        .any(|e| {
            std::fs::read_to_string(e.expect("entry").path())
                .is_ok_and(|t| t.contains(&format!("image: {pinned}")))
        });
    assert!(uses_it, "no workload runs {pinned}");
}

#[test]
fn a_scaffold_the_workspace_would_reject_is_not_written() {
    // checkout's gantry.kdl denies images pinned by tag only.
    let dir = example("tag-only");
    let out = gantry(
        &[
            "new",
            "search",
            "--image",
            "registry.acme.example/search-api:0.1.0",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(
        text.contains("image of service `api` is not pinned by digest"),
        "{text}"
    );
    assert!(
        text.contains("the new spec would not check cleanly in this workspace (1 diagnostic(s) above); nothing was written"),
        "{text}"
    );
    assert!(!dir.join("search.kdl").exists());
}

#[test]
fn a_name_too_long_for_the_targets_is_refused() {
    // A DNS label, but `NAME-api` is too long for a Kubernetes object.
    let dir = example("long-name");
    let name = "a".repeat(63);
    let image = format!("registry.acme.example/x:1@{DIGEST}");
    let out = gantry(&["new", &name, "--image", &image], &dir);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.contains("nothing was written"), "{text}");
    assert!(!dir.join(format!("{name}.kdl")).exists());
}
