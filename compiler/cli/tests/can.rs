//! `gantry can` run as a user would: decisions on the examples with the spec lines that made
//! them, approvals, default denies, and usage errors with suggestions.

// These tests write a throwaway workspace to the real disk.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::gantry;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn can(args: &[&str], dir: &Path) -> (Option<i32>, String, String) {
    let mut all = vec!["can"];
    all.extend_from_slice(args);
    let Output {
        status,
        stdout,
        stderr,
    } = gantry(&all, dir);
    (
        status.code(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

#[test]
fn an_allowed_action_names_the_rule_that_allows_it() {
    let (code, out, err) = can(
        &["checkout/deploy-bot", "deploy", "k8s:checkout/api"],
        &examples().join("checkout"),
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(
        out,
        "allow: agent checkout/deploy-bot may `deploy` k8s:checkout/api (environment prod)\n  checkout.kdl:173:9  allow \"deploy\" \"k8s:checkout/api\"\n"
    );
}

#[test]
fn a_deny_wins_and_is_named() {
    // `deploy-bot` is unique in the workspace: the feature may be left out.
    let (code, out, err) = can(
        &["deploy-bot", "read", "datastore:checkout/orders"],
        &examples().join("checkout"),
    );
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.starts_with("deny: agent checkout/deploy-bot may not `read` datastore:checkout/orders (environment prod)\n"), "{out}");
    assert!(
        out.contains("  checkout.kdl:176:9  deny \"read\" \"datastore:checkout/orders\"\n      a deny wins over any allow\n"),
        "{out}"
    );
}

#[test]
fn no_rule_means_denied_by_default() {
    let (code, out, _) = can(
        &[
            "checkout/deploy-bot",
            "rollback",
            "flag:checkout/new-payment-flow",
        ],
        &examples().join("checkout"),
    );
    assert_eq!(code, Some(1));
    assert!(out.contains("denied by default: no rule of agent checkout/deploy-bot allows `rollback` flag:checkout/new-payment-flow"), "{out}");
    // A forbid that waits for an approval is not the reason when no rule allows the action.
    let (code, out, _) = can(
        &["checkout/deploy-bot", "delete", "k8s:checkout/api"],
        &examples().join("checkout"),
    );
    assert_eq!(code, Some(1));
    assert!(out.contains("denied by default"), "{out}");
}

#[test]
fn the_environment_decides() {
    let dir = examples().join("platform");
    let (code, out, _) = can(
        &[
            "incident-tools/deps-updater",
            "deploy",
            "k8s:incident-tools/api",
            "--env",
            "staging",
        ],
        &dir,
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("(environment staging)"), "{out}");
    let (code, out, _) = can(
        &[
            "incident-tools/deps-updater",
            "deploy",
            "k8s:incident-tools/api",
            "--env",
            "prod",
        ],
        &dir,
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("deny \"deploy\" \"k8s:incident-tools/api\""),
        "{out}"
    );
}

/// A workspace whose agent may migrate a datastore once two teams approve.
fn migration_workspace() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("can-migration");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("gantry.kdl"),
        r#"workspace "shop" {
    targets "policy"
    environment "prod"
    team "payments"
    team "platform"
}
"#,
    )
    .expect("write");
    std::fs::write(
        dir.join("orders.kdl"),
        r#"feature "orders" {
    owner "payments"
    datastore "ledger" kind="postgres" size="db.t4g.medium" storage-gb=20 {
        backup retention-days=7
    }
    agent "janitor" {
        allow "agent-can-bypass-gate" reason="migrations wait for both teams' approval"
        purpose "Runs migrations"
        model "claude-sonnet" provider="anthropic"
        budget tokens-per-run=1000 tokens-per-day=10000
        rate-limit requests-per-minute=5
        retry max-attempts=2 backoff="exponential"
        credentials source="vault" ttl="1h"
        slo "task-success" objective=95
        allow "migrate" "datastore:ledger"
    }
    gate "ledger" tier="irreversible" {
        approve team="payments" count=1
        approve team="platform" count=1
    }
}
"#,
    )
    .expect("write");
    dir
}

#[test]
fn an_irreversible_action_waits_for_every_approving_team() {
    let dir = migration_workspace();
    let args = ["janitor", "migrate", "datastore:orders/ledger"];
    let (code, out, err) = can(&args, &dir);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains("  orders.kdl:18:9  approve team=\"payments\" count=1\n"),
        "{out}"
    );
    assert!(
        out.contains("missing: the approval of team `platform` (--approved-by platform)"),
        "{out}"
    );
    assert!(
        out.contains("once approved, it is allowed by:\n  orders.kdl:15:9  allow \"migrate\" \"datastore:ledger\"\n"),
        "{out}"
    );
    let (code, out, _) = can(&[&args[..], &["--approved-by", "payments"]].concat(), &dir);
    assert_eq!(code, Some(1), "{out}");
    assert!(!out.contains("`payments` (--approved-by"), "{out}");
    assert!(out.contains("(--approved-by platform)"), "{out}");
    let (code, out, _) = can(
        &[
            &args[..],
            &["--approved-by", "payments", "--approved-by", "platform"],
        ]
        .concat(),
        &dir,
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("allow: agent orders/janitor may `migrate` datastore:orders/ledger (environment prod, approved by payments, platform)\n"), "{out}");
}

#[test]
fn usage_errors_suggest_what_was_meant() {
    let dir = examples().join("checkout");
    for (args, message, help) in [
        (
            &["deploy-bott", "read", "k8s:checkout/api"][..],
            "error: no agent `deploy-bott` in the workspace",
            "help: did you mean `deploy-bot`?",
        ),
        (
            &["deploy-bot", "deplyo", "k8s:checkout/api"][..],
            "error: `deplyo` is not an action",
            "help: did you mean `deploy`?",
        ),
        (
            &["deploy-bot", "read", "k8s:checkout/apii"][..],
            "error: no k8s:checkout/apii in the workspace",
            "help: did you mean `k8s:checkout/api`?",
        ),
        (
            &["deploy-bot", "read", "k8s:checkout/*"][..],
            "error: `k8s:checkout/*` is a pattern, not one resource",
            "help: name one resource",
        ),
        (
            &[
                "deploy-bot",
                "read",
                "k8s:checkout/api",
                "--approved-by",
                "paymnets",
            ][..],
            "error: no team `paymnets` in the workspace",
            "help: did you mean `payments`?",
        ),
        (
            &["deploy-bot", "read", "k8s:checkout/api", "--env", "prd"][..],
            "error: no environment `prd`",
            "help: did you mean `prod`?",
        ),
    ] {
        let (code, out, err) = can(args, &dir);
        assert_eq!(code, Some(2), "{args:?}: {out}{err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(err.contains(help), "{args:?}: {err}");
    }
}

#[test]
fn a_name_that_several_features_use_must_be_qualified() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("can-ambiguous");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("gantry.kdl"),
        "workspace \"shop\" {\n    targets \"policy\"\n    environment \"prod\"\n    team \"payments\"\n}\n",
    )
    .expect("write");
    for feature in ["alpha", "beta"] {
        std::fs::write(
            dir.join(format!("{feature}.kdl")),
            format!(
                r#"feature "{feature}" {{
    owner "payments"
    agent "bot" {{
        purpose "Reads"
        model "claude-sonnet" provider="anthropic"
        budget tokens-per-run=1000 tokens-per-day=10000
        rate-limit requests-per-minute=5
        retry max-attempts=2 backoff="exponential"
        credentials source="vault" ttl="1h"
        slo "task-success" objective=95
        allow "read" "agent:{feature}/bot"
    }}
}}
"#
            ),
        )
        .expect("write");
    }
    let (code, _, err) = can(&["bot", "read", "agent:alpha/bot"], &dir);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("`bot` names several agents: alpha/bot, beta/bot"),
        "{err}"
    );
    assert!(err.contains("help: write FEATURE/NAME"), "{err}");
    let (code, out, err) = can(&["beta/bot", "read", "agent:alpha/bot"], &dir);
    assert_eq!(code, Some(1), "{out}{err}");
    let (code, out, err) = can(&["alpha/bot", "read", "agent:alpha/bot"], &dir);
    assert_eq!(code, Some(0), "{out}{err}");
}
