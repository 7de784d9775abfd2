//! The synthetic workspace is a valid one: gantry checks it without a single diagnostic and
//! every target emits it, so the benchmark measures the work a clean workspace costs.

use std::path::Path;

use gantry::check::Checked;
use gantry::vfs::MemoryFs;

/// The check of a generated workspace of `features` features.
fn check_generated(features: usize, seed: u64) -> Checked {
    let root = Path::new("/synthetic");
    let mut fs = MemoryFs::new();
    for file in gantry_bench::workspace(features, seed) {
        fs.insert(root.join(&file.path), file.text);
    }
    gantry::check::check_path(&fs, root).expect("a workspace").1
}

#[test]
fn a_generated_workspace_checks_without_diagnostics() {
    let checked = check_generated(60, 7);
    let messages: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.id, d.message))
        .collect();
    assert!(messages.is_empty(), "{messages:#?}");
    assert_eq!(checked.features.len(), 60);
}

#[test]
fn a_generated_workspace_builds_every_target() {
    let checked = check_generated(60, 11);
    for environment in &checked.environments {
        let model = gantry::model::Model::of(&checked, &environment.name).expect("a model");
        for (target, emit) in gantry_targets::all() {
            if let Err(found) = emit.collect(&model) {
                let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
                panic!("{target} in {}: {messages:#?}", environment.name);
            }
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_workspace() {
    let text = |seed| {
        gantry_bench::workspace(25, seed)
            .into_iter()
            .map(|f| f.path + &f.text)
            .collect::<String>()
    };
    assert_eq!(text(3), text(3));
    assert_ne!(text(3), text(4));
}
