//! Input beyond gantry's limits (compiler/src/limits.rs) gets one clear `limit-exceeded`
//! diagnostic — which file, where, what limit, how to fix — and never exhausts the memory or
//! the stack. The oversized inputs are generated in memory.

use std::path::Path;

use gantry::check::{Checked, check_path};
use gantry::diagnostics::{Diagnostic, render_human};
use gantry::limits::{MAX_ENTITIES, MAX_FEATURES, MAX_FILE_BYTES, MAX_NESTING, MAX_NODES_PER_FILE};
use gantry::vfs::MemoryFs;

const WORKSPACE: &str = "workspace \"limits\" {\n    environment \"prod\"\n}\n";

fn check(specs: &[(&str, &str)]) -> Checked {
    check_with_workspace(WORKSPACE, specs)
}

fn check_with_workspace(workspace: &str, specs: &[(&str, &str)]) -> Checked {
    let mut vfs = MemoryFs::new().with("/ws/gantry.kdl", workspace);
    for (name, text) in specs {
        vfs.insert(Path::new("/ws").join(name), *text);
    }
    let (_, checked) = check_path(&vfs, Path::new("/ws")).expect("the workspace loads");
    checked
}

fn limit_errors(checked: &Checked) -> Vec<&Diagnostic> {
    checked
        .diagnostics
        .iter()
        .filter(|d| d.id == "limit-exceeded")
        .collect()
}

/// `(file, line, column)` of a diagnostic.
fn location(checked: &Checked, d: &Diagnostic) -> (String, usize, usize) {
    let file = checked.sources.get(d.primary.span.file);
    let (line, column) = file.line_col(d.primary.span.start);
    (file.name.clone(), line, column)
}

/// A valid spec file padded with a comment to exactly `len` bytes.
fn padded_spec(len: usize) -> String {
    let feature = "feature \"padded\" { }\n";
    let mut text = String::with_capacity(len);
    text.push_str(feature);
    text.push_str("// ");
    text.push_str(&"x".repeat(len - feature.len() - 4));
    text.push('\n');
    assert_eq!(text.len(), len);
    text
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let text = padded_spec(MAX_FILE_BYTES + 1);
    let checked = check(&[("huge.kdl", &text)]);
    let errors = limit_errors(&checked);
    assert_eq!(errors.len(), 1, "{:#?}", checked.diagnostics);
    assert_eq!(location(&checked, errors[0]), ("huge.kdl".into(), 1, 1));
    assert!(
        errors[0].message.contains("at most 8 MiB"),
        "{}",
        errors[0].message
    );
    assert!(
        errors[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("split"))
    );
    // Nothing of it was read: no feature, and its text is not kept for the report.
    assert!(checked.features.is_empty());
    let rendered = render_human(&checked.diagnostics, &checked.sources);
    assert!(rendered.len() < 2_000, "{rendered}");
    assert!(rendered.contains("huge.kdl"), "{rendered}");
}

#[test]
fn a_file_at_the_size_limit_is_read() {
    let text = padded_spec(MAX_FILE_BYTES);
    let checked = check(&[("large.kdl", &text)]);
    assert!(
        limit_errors(&checked).is_empty(),
        "{:#?}",
        checked.diagnostics
    );
    assert_eq!(checked.features.len(), 1);
}

#[test]
fn an_oversized_gantry_kdl_is_refused() {
    let mut workspace = WORKSPACE.to_string();
    workspace.push_str(&"// padding\n".repeat(MAX_FILE_BYTES / 10));
    let checked = check_with_workspace(&workspace, &[("a.kdl", "feature \"a\" { }\n")]);
    let errors = limit_errors(&checked);
    assert_eq!(errors.len(), 1, "{:#?}", checked.diagnostics);
    assert_eq!(location(&checked, errors[0]).0, "gantry.kdl");
}

/// `depth` blocks nested in a feature: `feature "deep" { a { a { … } } }`.
fn nested(depth: usize) -> String {
    let mut text = String::from("feature \"deep\" ");
    for _ in 1..depth {
        text.push_str("{ a ");
    }
    text.push_str("{ }");
    for _ in 1..depth {
        text.push_str(" }");
    }
    text.push('\n');
    text
}

#[test]
fn nesting_past_the_limit_points_at_the_first_block_too_deep() {
    let text = nested(MAX_NESTING + 1);
    let checked = check(&[("deep.kdl", &text)]);
    let errors = limit_errors(&checked);
    assert_eq!(errors.len(), 1, "{:#?}", checked.diagnostics);
    let d = errors[0];
    // The first `{` past the limit: the feature's block is the first, each `{ a ` is 4 bytes.
    let expected_offset = "feature \"deep\" ".len() + 4 * MAX_NESTING;
    assert_eq!(d.primary.span.start as usize, expected_offset);
    assert_eq!(&text[d.primary.span.range()], "{");
    assert!(d.message.contains("256"), "{}", d.message);
    assert!(d.help.is_some());
}

#[test]
fn nesting_at_the_limit_is_read() {
    let checked = check(&[("deep.kdl", &nested(MAX_NESTING))]);
    assert!(limit_errors(&checked).is_empty());
    assert!(checked.diagnostics.iter().all(|d| d.id != "syntax"));
}

#[test]
fn nesting_far_past_the_limit_does_not_overflow_the_stack() {
    // Unclosed, and closed: both must stop at the limit, on the test thread's small stack.
    let open = "a {".repeat(200_000);
    let closed = nested(200_000);
    for text in [&open, &closed] {
        let checked = check(&[("deep.kdl", text)]);
        assert_eq!(
            limit_errors(&checked).len(),
            1,
            "{:#?}",
            checked.diagnostics
        );
    }
}

#[test]
fn a_file_with_too_many_nodes_points_at_the_first_node_over() {
    let text = "a\n".repeat(MAX_NODES_PER_FILE + 1);
    let checked = check(&[("many.kdl", &text)]);
    let errors = limit_errors(&checked);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        location(&checked, errors[0]),
        ("many.kdl".into(), MAX_NODES_PER_FILE + 1, 1)
    );
    assert!(
        errors[0].message.contains("1000000 nodes"),
        "{}",
        errors[0].message
    );
    // The file is not validated node by node: one diagnostic, not a million.
    assert_eq!(
        checked.diagnostics.len(),
        1,
        "{:#?}",
        &checked.diagnostics[..3]
    );
}

#[test]
fn a_workspace_with_too_many_features_is_refused_after_parsing() {
    // Across two files, so the count is the workspace's, not one file's.
    let half = MAX_FEATURES / 2 + 1;
    let features = |prefix: &str| -> String {
        (0..half)
            .map(|i| format!("feature \"{prefix}{i}\"\n"))
            .collect()
    };
    let (first, second) = (features("a"), features("b"));
    let checked = check(&[("a.kdl", &first), ("b.kdl", &second)]);
    let errors = limit_errors(&checked);
    assert_eq!(errors.len(), 1, "{:#?}", &checked.diagnostics[..3]);
    let over = MAX_FEATURES - half;
    assert_eq!(location(&checked, errors[0]), ("b.kdl".into(), over + 1, 1));
    assert!(
        errors[0]
            .message
            .contains(&format!("at most {MAX_FEATURES}")),
        "{}",
        errors[0].message
    );
    assert!(checked.environments.is_empty());
}

#[test]
fn a_workspace_with_too_many_entities_is_refused_after_parsing() {
    let per_file = MAX_ENTITIES / 4 + 1;
    let file = |feature: &str| -> String {
        let mut text = format!("feature \"{feature}\" {{\n");
        for i in 0..per_file {
            text.push_str(&format!("secret \"s{i}\" from=\"vault\"\n"));
        }
        text.push_str("}\n");
        text
    };
    let texts: Vec<(String, String)> = (0..4)
        .map(|i| (format!("f{i}.kdl"), file(&format!("f{i}"))))
        .collect();
    let specs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let checked = check(&specs);
    let errors = limit_errors(&checked);
    assert_eq!(errors.len(), 1, "{:#?}", &checked.diagnostics[..3]);
    // Entity MAX_ENTITIES + 1 is the last but three of the last file.
    let (file, line, _) = location(&checked, errors[0]);
    assert_eq!((file.as_str(), line), ("f3.kdl", per_file + 1 - 3));
    assert!(checked.environments.is_empty());
}
