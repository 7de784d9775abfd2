//! `gantry diff` on throwaway git repositories: the checkout example as the base commit, one
//! change in the working tree (or a second commit), and the markdown and JSON a reviewer and the
//! gate policy read, snapshotted.

// These tests build git repositories on the real disk.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::gantry;

/// A git repository holding a copy of examples/checkout (specs only), committed.
fn repository(name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/checkout");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("diff")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for entry in std::fs::read_dir(&from).expect("example") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "kdl") {
            std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    git(&dir, &["init", "-q", "-b", "main"]);
    commit(&dir, "base");
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

/// Replaces `from` with `to` in a spec file of the repository's working tree.
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("spec");
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn run(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["diff", "--base", "main"];
    all.extend_from_slice(args);
    gantry(&all, dir)
}

fn stdout(out: &Output) -> String {
    assert!(
        matches!(out.status.code(), Some(0 | 2 | 3)),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The JSON change set of the working tree against `main`.
fn json(dir: &Path) -> Value {
    serde_json::from_str(&stdout(&run(dir, &["--format", "json"]))).expect("json")
}

/// The JSON without the object diffs (snapshotted in the markdown), so that the snapshot shows
/// what the gate policy reads.
fn gate_input(mut set: Value) -> Value {
    if let Some(objects) = set.get_mut("objects").and_then(Value::as_array_mut) {
        for o in objects {
            if let Some(map) = o.as_object_mut() {
                map.remove("diff");
            }
        }
    }
    set
}

/// Snapshots markdown and JSON of one scenario; returns the change set.
fn scenario(name: &str, change: impl FnOnce(&Path)) -> Value {
    let dir = repository(name);
    change(&dir);
    let markdown = stdout(&run(&dir, &["--format", "markdown"]));
    let set = json(&dir);
    insta::assert_snapshot!(format!("{name}.md"), markdown);
    let gate = serde_json::to_string_pretty(&gate_input(set.clone())).expect("json");
    insta::assert_snapshot!(format!("{name}.json"), gate);
    set
}

fn changes(set: &Value) -> Vec<&Value> {
    set["changes"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn find<'a>(set: &'a Value, id: &str) -> &'a Value {
    changes(set)
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no change {id} in {set:#}"))
}

fn effects(change: &Value) -> String {
    change["effects"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[test]
fn an_image_bump_is_reversible_and_passes_automated_review() {
    let set = scenario("image-bump", |dir| {
        edit(
            dir,
            "checkout.kdl",
            "checkout-api:1.4.2",
            "checkout-api:1.4.3",
        );
        edit(
            dir,
            "checkout.kdl",
            "digest=\"sha256:0f1e2d3c",
            "digest=\"sha256:1a2b3c4d",
        );
    });
    let c = find(&set, "checkout/service/api");
    assert_eq!(c["change"], "update");
    assert_eq!(c["risk"], "reversible");
    assert_eq!(c["environment"], Value::Null);
    assert!(effects(c).contains("image `registry.acme.example/checkout-api:1.4.2` → `registry.acme.example/checkout-api:1.4.3`"));
    assert!(c["objects"].as_array().is_some_and(|o| o.iter().any(|o| {
        o.as_str()
            .is_some_and(|o| o.contains("Rollout/checkout/checkout-api"))
    })));
    assert_eq!(set["verdict"]["gate"], "automated");
}

#[test]
fn a_canary_step_change_shows_the_new_timeline() {
    let set = scenario("canary-step", |dir| {
        edit(
            dir,
            "checkout.kdl",
            "step weight=25 pause=\"10m\"",
            "step weight=25 pause=\"20m\"",
        )
    });
    let c = find(&set, "checkout/deploy/*");
    assert_eq!(c["risk"], "reversible");
    assert!(
        effects(c).contains("checkout/api canary now reaches 50 % after 25 min (was 15 min)"),
        "{}",
        effects(c)
    );
}

#[test]
fn an_slo_objective_change_shows_how_sensitive_the_pages_become() {
    let set = scenario("slo-objective", |dir| {
        edit(
            dir,
            "checkout.kdl",
            "objective=99.9 window=\"30d\"",
            "objective=99.5 window=\"30d\"",
        )
    });
    let prod: Vec<&Value> = changes(&set)
        .into_iter()
        .filter(|c| c["id"] == "checkout/slo/availability")
        .collect();
    // Staging overrides the objective, so only prod changes.
    assert_eq!(prod.len(), 1, "{set:#}");
    assert_eq!(prod[0]["environment"], "prod");
    assert!(
        effects(prod[0])
            .contains("checkout/availability page threshold 0.0144 → 0.072 (5× less sensitive)"),
        "{}",
        effects(prod[0])
    );
}

#[test]
fn a_datastore_engine_change_is_a_replace_and_needs_the_gate() {
    let set = scenario("datastore-engine", |dir| {
        edit(
            dir,
            "checkout.kdl",
            "datastore \"orders\" kind=\"postgres\"",
            "datastore \"orders\" kind=\"mysql\"",
        )
    });
    let c = find(&set, "checkout/datastore/orders");
    assert_eq!(c["change"], "replace");
    assert_eq!(c["risk"], "irreversible");
    assert_eq!(set["verdict"]["gate"], "human");
    assert_eq!(set["verdict"]["required"][0]["team"], "payments");
}

#[test]
fn a_datastore_size_change_is_irreversible() {
    let set = scenario("datastore-size", |dir| {
        edit(
            dir,
            "checkout.kdl",
            "size=\"db.t4g.medium\"",
            "size=\"db.r6g.large\"",
        )
    });
    let c = find(&set, "checkout/datastore/orders");
    assert_eq!(c["change"], "update");
    assert_eq!(c["risk"], "irreversible");
    assert!(effects(c).contains("size db.t4g.medium → db.r6g.large"));
}

#[test]
fn a_new_secret_is_irreversible() {
    let set = scenario("secret-added", |dir| {
        edit(
            dir,
            "checkout.kdl",
            "secret \"orders-db\" from=\"aws-secretsmanager\"",
            "secret \"orders-db\" from=\"aws-secretsmanager\"\n    secret \"psp-token\" from=\"vault\" path=\"kv/checkout/psp\"",
        )
    });
    let c = find(&set, "checkout/secret/psp-token");
    assert_eq!(c["change"], "create");
    assert_eq!(c["risk"], "irreversible");
}

#[test]
fn an_agent_gaining_migrate_widens_its_rights() {
    let set = scenario("agent-migrate", |dir| {
        edit(
            dir,
            "checkout.kdl",
            "allow \"deploy\" \"k8s:checkout/api\"",
            "allow \"deploy\" \"k8s:checkout/api\"\n        allow \"migrate\" \"datastore:checkout/orders\"\n        allow \"agent-can-bypass-gate\" reason=\"runs reviewed migrations\"",
        )
    });
    let c = find(&set, "checkout/agent/deploy-bot");
    assert_eq!(c["change"], "widen");
    assert_eq!(c["risk"], "irreversible");
    assert!(
        effects(c)
            .contains("agent checkout/deploy-bot gains `migrate` on datastore:checkout/orders"),
        "{}",
        effects(c)
    );
    assert_eq!(set["verdict"]["gate"], "human");
}

#[test]
fn a_raised_budget_widens() {
    let set = scenario("budget-raised", |dir| {
        edit(
            dir,
            "checkout.kdl",
            "usd-per-month=400",
            "usd-per-month=450",
        )
    });
    let c = find(&set, "checkout/budget/deploy-bot");
    assert_eq!(c["change"], "widen");
    assert_eq!(c["risk"], "irreversible");
    assert!(
        effects(c).contains("checkout/deploy-bot monthly budget 400 → 450 USD"),
        "{}",
        effects(c)
    );
}

#[test]
fn a_renamed_runbook_is_a_rename() {
    let set = scenario("runbook-rename", |dir| {
        edit(
            dir,
            "checkout.kdl",
            "runbook=\"queue-backlog\"",
            "runbook=\"orders-queue\"",
        );
        edit(
            dir,
            "checkout.kdl",
            "runbook \"queue-backlog\" {",
            "runbook \"orders-queue\" {",
        );
    });
    let c = find(&set, "checkout/runbook/orders-queue");
    assert_eq!(c["change"], "rename");
    assert_eq!(c["renamed_from"], "queue-backlog");
}

#[test]
fn nothing_changed_exits_0_and_changes_exit_2_or_3_when_asked() {
    let dir = repository("exit-codes");
    let out = run(&dir, &["--detailed-exitcode", "--fail-on", "irreversible"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    edit(
        &dir,
        "checkout.kdl",
        "checkout-api:1.4.2",
        "checkout-api:1.4.3",
    );
    assert_eq!(run(&dir, &["--detailed-exitcode"]).status.code(), Some(2));
    assert_eq!(
        run(&dir, &["--fail-on", "irreversible"]).status.code(),
        Some(0)
    );
    edit(
        &dir,
        "checkout.kdl",
        "size=\"db.t4g.medium\"",
        "size=\"db.r6g.large\"",
    );
    assert_eq!(
        run(&dir, &["--fail-on", "irreversible"]).status.code(),
        Some(3)
    );
    let approved = run(
        &dir,
        &[
            "--fail-on",
            "irreversible",
            "--approved-by",
            "payments:alice@acme.example",
        ],
    );
    assert_eq!(approved.status.code(), Some(0));
    // An agent cannot approve its own change.
    let own = run(
        &dir,
        &[
            "--fail-on",
            "irreversible",
            "--author-kind",
            "agent",
            "--author",
            "bot",
            "--approved-by",
            "payments:bot",
        ],
    );
    assert_eq!(own.status.code(), Some(3));
    assert_eq!(
        gantry(&["diff", "--base", "no-such-rev"], &dir)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_committed_head_is_read_from_git_too() {
    let dir = repository("two-commits");
    git(&dir, &["switch", "-q", "-c", "head"]);
    edit(&dir, "checkout.kdl", "percent=10", "percent=50");
    commit(&dir, "flag");
    // The working tree is back at the base: only `--head` sees the change.
    edit(&dir, "checkout.kdl", "percent=50", "percent=10");
    let set: Value =
        serde_json::from_str(&stdout(&run(&dir, &["--head", "head", "--format", "json"])))
            .expect("json");
    let c = find(&set, "checkout/flag/new-payment-flow");
    assert!(effects(c).contains("rollout 10 % → 50 %"), "{}", effects(c));
    assert_eq!(set["head"], "head");
}

#[test]
fn secret_looking_values_never_appear_in_any_format() {
    let dir = repository("redaction");
    // A receiver setting whose name says it holds a key: its value must not be shown, and the
    // feature's generated objects change too (a new env var that reads a secret).
    edit(
        &dir,
        "checkout.kdl",
        "env \"DB_PASSWORD\" secret=\"orders-db\"",
        "env \"DB_PASSWORD\" secret=\"orders-db\"\n        env \"API_TOKEN\" secret=\"orders-db\" key=\"sentinel-tokenvalue\"",
    );
    for format in ["human", "markdown", "json"] {
        let text = stdout(&run(&dir, &["--format", format]));
        assert!(!text.contains("sentinel-tokenvalue"), "{format}: {text}");
        assert!(
            text.contains("API_TOKEN"),
            "{format}: the changed key is still named"
        );
    }
}

/// A feature deleted: every object of it goes, graded irreversible.
#[test]
fn a_deleted_feature_is_irreversible() {
    let set = scenario("feature-deleted", |dir| {
        let text = std::fs::read_to_string(dir.join("checkout.kdl")).expect("spec");
        std::fs::write(dir.join("checkout.kdl"), comment_out_feature(&text)).expect("write");
    });
    let c = find(&set, "checkout");
    assert_eq!(c["change"], "delete");
    assert_eq!(c["risk"], "irreversible");
    assert!(c["objects"].as_array().is_some_and(|o| o.len() > 5));
}

/// The spec file with its feature removed (comments kept).
fn comment_out_feature(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim_start().starts_with("//") || l.trim().is_empty() {
                l.to_string()
            } else {
                format!("// {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The generated Rego gate policy (`gates.rego` of the head's policy target), evaluated with
/// regorus on the change set `gantry diff --format json` writes: `allow` and the missing
/// approvals.
fn gate_decision(dir: &Path, set: &Value) -> (bool, Value) {
    let built = gantry(&["build", "."], dir);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let policy = std::fs::read_to_string(dir.join("generated/prod/policy/gates.rego"))
        .expect("the policy target wrote gates.rego");
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("gates.rego".to_string(), policy)
        .unwrap_or_else(|e| panic!("gates.rego does not parse: {e}"));
    engine
        .set_input_json(&set.to_string())
        .expect("the change set is JSON");
    let as_json = |v: regorus::Value| -> Value {
        serde_json::from_str(&v.to_json_str().expect("serializes")).expect("JSON")
    };
    let allow = engine
        .eval_rule("data.gantry.gates.allow".to_string())
        .expect("allow evaluates");
    let missing = engine
        .eval_rule("data.gantry.gates.missing".to_string())
        .expect("missing evaluates");
    (as_json(allow) == Value::Bool(true), as_json(missing))
}

#[test]
fn the_gate_policy_decides_on_the_change_sets_of_diff() {
    // A reversible change: automated review lets it through.
    let dir = repository("gate-image");
    edit(
        &dir,
        "checkout.kdl",
        "digest=\"sha256:0f1e2d3c",
        "digest=\"sha256:1a2b3c4d",
    );
    let set = json(&dir);
    assert_eq!(set["verdict"]["gate"], "automated");
    assert!(gate_decision(&dir, &set).0);

    // An irreversible one: refused until the gate's team approves.
    let dir = repository("gate-engine");
    edit(
        &dir,
        "checkout.kdl",
        "datastore \"orders\" kind=\"postgres\"",
        "datastore \"orders\" kind=\"mysql\"",
    );
    let (allow, missing) = gate_decision(&dir, &json(&dir));
    assert!(!allow);
    assert!(
        missing.to_string().contains("\"payments\""),
        "the missing approval names payments: {missing}"
    );
    let approved: Value = serde_json::from_str(&stdout(&run(
        &dir,
        &[
            "--format",
            "json",
            "--approved-by",
            "payments:alice@acme.example",
        ],
    )))
    .expect("json");
    let (allow, missing) = gate_decision(&dir, &approved);
    assert!(allow, "approved by payments, still missing {missing}");

    // The same approval named by the agent that made the change does not count.
    let own: Value = serde_json::from_str(&stdout(&run(
        &dir,
        &[
            "--format",
            "json",
            "--author-kind",
            "agent",
            "--author",
            "alice@acme.example",
            "--approved-by",
            "payments:alice@acme.example",
        ],
    )))
    .expect("json");
    assert!(!gate_decision(&dir, &own).0);
}
