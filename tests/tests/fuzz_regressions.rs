//! Inputs the fuzzers (fuzz/) found to break gantry, minimized and kept under
//! tests/fuzz-regressions/: `parse/` holds documents the two KDL parsers read differently,
//! `check/` spec files that made the checker or a target panic. Every file of both folders
//! must check (and, without errors, build every target) without a panic; the parsers must
//! agree on every file of `parse/`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use gantry::build::{Emitted, render};
use gantry::check::{Input, check_files};
use gantry::model::Model;
use gantry::source::FileId;
use gantry::syntax::{parse_fast, parse_with_kdl_crate};
use gantry_tests::repo_root;

fn cases(folder: &str) -> Vec<(PathBuf, String)> {
    let dir = repo_root().join("tests/fuzz-regressions").join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
        .map(|p| {
            let bytes = std::fs::read(&p).expect("readable");
            (p, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

/// Checks `text` as the one spec file of a workspace and builds every target when it checks.
fn check_and_build(text: &str) {
    let workspace = gantry_tests::read(&repo_root().join("tests/design/gantry.kdl"));
    let checked = check_files(
        Input {
            name: "gantry.kdl".into(),
            text: workspace.into(),
        },
        vec![Input {
            name: "spec.kdl".into(),
            text: text.into(),
        }],
    );
    if checked.has_errors() {
        return;
    }
    let mut emitted = Vec::new();
    for environment in &checked.environments {
        let Some(model) = Model::of(&checked, &environment.name) else {
            continue;
        };
        for (target, emit) in gantry_targets::all() {
            if let Ok(artifacts) = emit.collect(&model) {
                emitted.push(Emitted {
                    environment: environment.name.clone(),
                    target: target.to_string(),
                    artifacts,
                });
            }
        }
    }
    if let Some(workspace) = &checked.workspace {
        let _ = render(&emitted, workspace.name.span);
    }
}

#[test]
fn no_regression_makes_check_or_build_panic() {
    let all: Vec<(PathBuf, String)> = cases("check").into_iter().chain(cases("parse")).collect();
    assert!(!all.is_empty(), "no regression cases found");
    let panicked: Vec<String> = all
        .iter()
        .filter(|(_, text)| catch_unwind(AssertUnwindSafe(|| check_and_build(text))).is_err())
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        panicked.is_empty(),
        "check or build panicked on {panicked:?}"
    );
}

#[test]
fn the_parsers_agree_on_every_parse_regression() {
    let mut disagreements = Vec::new();
    for (path, text) in cases("parse") {
        let fast = parse_fast(FileId(0), &text).is_ok();
        let careful = parse_with_kdl_crate(FileId(0), &text).is_ok();
        // The fast parser may give up on a valid document (the crate then reads it); it must
        // never accept one the crate rejects.
        if fast && !careful {
            disagreements.push(format!("{}: {text:?}", path.display()));
        }
    }
    assert!(
        disagreements.is_empty(),
        "the fast parser accepts documents the kdl crate rejects:\n{}",
        disagreements.join("\n")
    );
}
