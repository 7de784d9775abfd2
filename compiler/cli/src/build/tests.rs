//! The writer on trees built by hand, so it is tested whatever targets exist.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gantry::build::{File, MANIFEST, Tree};

use super::plan::plan;
use super::write::write;

fn folder(name: &str) -> PathBuf {
    // CARGO_TARGET_TMPDIR is for integration tests only; the process id keeps runs apart.
    let dir = std::env::temp_dir()
        .join(format!("gantry-writer-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir.join("generated")
}

fn tree(files: &[(&str, &str)]) -> Tree {
    Tree {
        files: files
            .iter()
            .map(|(p, t)| {
                let file = File {
                    bytes: t.as_bytes().to_vec(),
                    sources: vec!["a.kdl".to_string()],
                };
                (p.to_string(), file)
            })
            .collect(),
    }
}

fn build(output: &Path, files: &[(&str, &str)], scope: &dyn Fn(&str) -> bool) -> Vec<String> {
    let plan = plan(output, "generated", tree(files), scope).expect("plans");
    write(output, &plan).expect("writes");
    plan.kept
}

/// Every file below `dir` with its text.
fn contents(dir: &Path) -> BTreeMap<String, String> {
    super::disk::files(dir)
        .expect("reads")
        .into_iter()
        .map(|(p, f)| (p, std::fs::read_to_string(f).unwrap_or_default()))
        .collect()
}

fn siblings(output: &Path) -> Vec<String> {
    let parent = output.parent().expect("parent");
    let mut names: Vec<String> = std::fs::read_dir(parent)
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_rebuild_replaces_generated_files_and_keeps_hand_added_ones() {
    let out = folder("rebuild");
    let all = |_: &str| true;
    build(
        &out,
        &[("prod/k/a.yaml", "a"), ("prod/k/old.yaml", "x")],
        &all,
    );
    std::fs::write(out.join("notes.md"), "mine").expect("write");
    let kept = build(&out, &[("prod/k/a.yaml", "b")], &all);
    assert_eq!(kept, vec!["notes.md".to_string()]);
    let files = contents(&out);
    assert_eq!(files.get("prod/k/a.yaml").map(String::as_str), Some("b"));
    assert_eq!(files.get("notes.md").map(String::as_str), Some("mine"));
    assert!(!files.contains_key("prod/k/old.yaml"), "{files:?}");
    assert!(files.contains_key(MANIFEST));
    assert_eq!(siblings(&out), vec!["generated".to_string()]);
}

#[test]
fn a_subset_build_keeps_the_other_environments_files() {
    let out = folder("subset");
    build(
        &out,
        &[("prod/k/a.yaml", "p1"), ("staging/k/a.yaml", "s1")],
        &|_| true,
    );
    build(&out, &[("staging/k/a.yaml", "s2")], &|p| {
        p.starts_with("staging/")
    });
    let files = contents(&out);
    assert_eq!(files.get("prod/k/a.yaml").map(String::as_str), Some("p1"));
    assert_eq!(
        files.get("staging/k/a.yaml").map(String::as_str),
        Some("s2")
    );
    // The kept file is still listed, so a later full build may replace or delete it.
    assert!(files[MANIFEST].contains("prod/k/a.yaml"));
}

#[test]
fn a_hand_added_file_on_a_generated_path_is_not_overwritten() {
    let out = folder("conflict");
    std::fs::create_dir_all(out.join("prod/k")).expect("mkdir");
    std::fs::write(out.join("prod/k/a.yaml"), "mine").expect("write");
    let result = plan(&out, "generated", tree(&[("prod/k/a.yaml", "a")]), &|_| {
        true
    });
    assert!(result.is_err());
}

#[test]
fn a_failed_write_leaves_the_folder_as_it_was_and_no_staging_folder() {
    let out = folder("failure");
    build(&out, &[("prod/k/a.yaml", "a")], &|_| true);
    // A hand-added file `x` and a generated folder `x/` cannot both exist in the new tree.
    std::fs::write(out.join("x"), "mine").expect("write");
    let before = contents(&out);
    let plan = plan(&out, "generated", tree(&[("x/a.yaml", "a")]), &|_| true).expect("plans");
    assert!(write(&out, &plan).is_err());
    assert_eq!(contents(&out), before);
    assert_eq!(siblings(&out), vec!["generated".to_string()]);
}
