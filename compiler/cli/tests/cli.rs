//! The `gantry` binary: exit codes, output formats and workspace discovery, run as a user would.

use std::path::{Path, PathBuf};

mod common;
use common::gantry;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
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

const WORKSPACE: &str = "workspace \"w\" {\n    team \"payments\" { oncall pager=\"pager\"; }\n    receiver \"pager\" kind=\"pagerduty\" routing-key-file=\"/etc/alertmanager/pager\"\n}\n";

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

#[test]
fn explain_prints_a_rules_documentation_and_suggests_on_a_typo() {
    let out = gantry(&["explain", "agent-budget-per-run-only"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("# agent-budget-per-run-only (lint rule, error by default)"),
        "{text}"
    );
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
    ] {
        assert!(text.contains(section), "{text}");
    }
    let out = gantry(&["explain", "syntax"], &repo());
    assert!(String::from_utf8_lossy(&out.stdout).contains("error of the language"));
    let out = gantry(&["explain", "agent-without-budgt"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `agent-without-budget`?"));
}

#[test]
fn rules_lists_every_id_with_its_severity() {
    let out = gantry(&["rules"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for id in gantry::rules::all_ids() {
        assert!(text.contains(id), "`{id}` missing from:\n{text}");
    }
    assert!(
        text.contains("image-without-digest                 warning"),
        "{text}"
    );
}

#[test]
fn graph_draws_and_answers_impact_queries() {
    let out = gantry(
        &["graph", "examples/checkout", "--format", "mermaid"],
        &repo(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("graph LR"));
    let out = gantry(
        &["graph", "examples/checkout", "--impact", "payments/api"],
        &repo(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("service:checkout/api") && text.contains("depends on service:payments/api"),
        "{text}"
    );
    let out = gantry(
        &["graph", "examples/checkout", "--impact", "payments/apj"],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(2));
    let out = gantry(
        &[
            "graph",
            "examples/checkout",
            "--format",
            "json",
            "--env",
            "staging",
        ],
        &repo(),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON graph");
    assert!(json["nodes"].as_array().is_some_and(|n| n.len() > 10));
}

#[test]
fn sarif_and_github_formats() {
    let dir = workspace(
        "cli-ci-formats",
        &[
            ("gantry.kdl", WORKSPACE),
            (
                "shop.kdl",
                "feature \"shop\" {\n    owner \"payments\"\n    tier \"critcal\"\n}\n",
            ),
        ],
    );
    let out = gantry(&["check", "--format", "sarif", "."], &dir);
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "unknown-preset");
    let out = gantry(&["check", "--format", "github", "."], &dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("::error file=shop.kdl,line=3,col=10,"),
        "{text}"
    );
}

#[test]
fn stdlib_lists_and_prints_presets() {
    let out = gantry(&["stdlib"], &repo());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("std/canary-standard") && text.contains("critical"),
        "{text}"
    );
    let out = gantry(&["stdlib", "std/canary-standard"], &repo());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("preset \"std/canary-standard\"") && text.contains("step weight=25"),
        "{text}"
    );
    let out = gantry(&["stdlib", "risk"], &repo());
    assert!(String::from_utf8_lossy(&out.stdout).contains("risk \"datastore\" change=\"delete\""));
    let out = gantry(&["stdlib", "std/canary-standrd"], &repo());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn warnings_alone_exit_zero_and_lint_levels_come_from_gantry_kdl() {
    let spec = r#"feature "shop" {
    owner "payments"
    service "api" {
        image "registry.acme.example/api:1.0.0"
        port 8080
    }
    telemetry { metrics path="/metrics" port=9090; }
    slo "availability" objective=99.9 runbook="api-down" { ratio preset="std/http-availability"; }
    runbook "api-down" { summary "The API fails"; step "Roll back"; }
}
"#;
    let dir = workspace(
        "cli-warnings",
        &[("gantry.kdl", WORKSPACE), ("shop.kdl", spec)],
    );
    let out = gantry(&["check", "."], &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("image-without-digest") && stderr.contains("0 errors, 1 warning"),
        "{stderr}"
    );

    let strict = "workspace \"w\" {\n    team \"payments\"\n    lint { deny \"image-without-digest\"; }\n}\n";
    let dir = workspace("cli-deny", &[("gantry.kdl", strict), ("shop.kdl", spec)]);
    let out = gantry(&["check", "."], &dir);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn files_are_named_from_where_gantry_runs() {
    let dir = workspace(
        "cli-named-from-cwd",
        &[
            ("gantry.kdl", WORKSPACE),
            (
                "specs/shop.kdl",
                "feature \"shop\" {\n    owner \"paymnts\"\n}\n",
            ),
        ],
    );
    let parent = dir.parent().expect("parent");
    let out = gantry(
        &["check", "cli-named-from-cwd", "--format", "github"],
        parent,
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("file=cli-named-from-cwd/specs/shop.kdl,line=2,col=11"),
        "{stdout}"
    );
    let out = gantry(&["check", "--format", "json"], &dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"file\": \"specs/shop.kdl\""), "{stdout}");
}

#[test]
fn a_file_that_is_not_utf8_is_a_diagnostic_and_the_others_are_still_checked() {
    let dir = workspace(
        "cli-not-utf8",
        &[
            ("gantry.kdl", WORKSPACE),
            ("shop.kdl", "feature \"shop\" {\n    owner \"paymnts\"\n}\n"),
        ],
    );
    std::fs::write(
        dir.join("cart.kdl"),
        b"feature \"cart\" {\n    owner \"pay\xffments\"\n}\n",
    )
    .expect("write");
    let out = gantry(&["check", "--format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let found: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the diagnostics are JSON");
    let at = |file: &str, id: &str| {
        found
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| d["file"] == file && d["id"] == id)
            .map(|d| (d["line"].clone(), d["column"].clone()))
    };
    assert_eq!(
        at("cart.kdl", "syntax"),
        Some((2.into(), 15.into())),
        "{found:#}"
    );
    assert!(
        at("shop.kdl", "unresolved-reference").is_some(),
        "{found:#}"
    );
}

/// Fixtures of what a target would refuse, which the check finds before any target runs.
const REFUSED_BY_TARGETS: &[&str] = &[
    // terraform
    "invalid-value/aws-names-refused.kdl",
    "invalid-value/datastore-engine-version-and-window.kdl",
    "invalid-value/datastore-size-not-an-instance-class.kdl",
    "missing-required/datastore-without-size-or-storage.kdl",
    // alertmanager
    "invalid-value/chat-names-several-slack-receivers.kdl",
    "invalid-value/receiver-settings-refused.kdl",
    "missing-required/receiver-without-required-setting.kdl",
    "missing-required/team-without-oncall.kdl",
];

/// `gantry check` fails on each at the lines its `// expect:` comments name, and `gantry build`
/// stops at the check and writes nothing.
#[test]
// The test looks at the folder the binary would have written, as a user would.
#[allow(clippy::disallowed_methods)]
fn check_fails_on_what_a_target_would_refuse_and_build_stops_there() {
    let fixtures = repo().join("tests/fixtures/language");
    for case in REFUSED_BY_TARGETS {
        let fixture =
            gantry_tests::Fixture::load(&fixtures.join(case)).expect("a fixture's main file");
        let mut files = vec![(
            fixture.workspace.name.as_str(),
            fixture.workspace.text.as_ref(),
        )];
        files.extend(
            fixture
                .specs
                .iter()
                .map(|s| (s.name.as_str(), s.text.as_ref())),
        );
        let dir = workspace(&format!("cli-refused-{}", case.replace('/', "-")), &files);

        let out = gantry(&["check", "--format", "json"], &dir);
        assert_eq!(out.status.code(), Some(1), "{case}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let found: std::collections::BTreeSet<(String, String, usize, usize)> = json
            .as_array()
            .expect("array")
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| {
                let number = |v: &serde_json::Value| v.as_u64().expect("a number") as usize;
                (
                    d["file"].as_str().expect("file").to_string(),
                    d["id"].as_str().expect("id").to_string(),
                    number(&d["line"]),
                    number(&d["column"]),
                )
            })
            .collect();
        assert_eq!(found, fixture.expected(), "{case}");

        let build = gantry(&["build"], &dir);
        assert_eq!(build.status.code(), Some(1), "{case}");
        let stderr = String::from_utf8_lossy(&build.stderr);
        assert!(
            stderr.contains("`gantry check` shows every diagnostic"),
            "{case}: the build did not stop at the check: {stderr}"
        );
        assert!(!dir.join("generated").exists(), "{case}: wrote output");
    }
}
