//! The runbooks target: the page tree of every example, the SLO figures on a runbook page, the
//! agent pages and how to stop an agent, and spec text that cannot inject Markdown or HTML.

mod support;

use gantry::artifact::{Artifact, Content};
use gantry::check::Checked;
use gantry::diagnostics::Diagnostic;
use support::*;

const EXAMPLES: [&str; 2] = ["checkout", "platform"];

fn emit_runbooks(checked: &Checked, environment: &str) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    gantry_targets::runbooks::emit(&model(checked, environment))
}

fn page<'a>(artifacts: &'a [Artifact], path: &str) -> &'a str {
    let artifact = artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| {
            let paths: Vec<_> = artifacts.iter().map(|a| a.path.as_str()).collect();
            panic!("no page {path} among {paths:?}")
        });
    match &artifact.content {
        Content::Text(text) => text,
        other => panic!("{path} is not text: {other:?}"),
    }
}

#[test]
fn runbook_trees_of_the_examples() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit_runbooks(&checked, &environment).expect("the example emits");
            assert!(!artifacts.is_empty());
            let mut tree = String::new();
            for artifact in &artifacts {
                tree.push_str(&format!("--- {}\n", artifact.path));
                tree.push_str(&yaml(artifact));
            }
            insta::assert_snapshot!(format!("{example_name}-{environment}"), tree);
        }
    }
}

#[test]
fn the_runbook_page_shows_the_slos_budget_and_thresholds() {
    let artifacts = emit_runbooks(&example("checkout"), "prod").expect("emits");
    let text = page(&artifacts, "checkout/checkout-availability.md");
    assert!(text.contains("Objective: 99.9 % over 30d"), "{text}");
    assert!(
        text.contains("43.2 minutes of full outage per 30d"),
        "{text}"
    );
    for (windows, threshold) in [
        ("1h and 5m", "0.0144"),
        ("6h and 30m", "0.006"),
        ("1d and 2h", "0.003"),
        ("3d and 6h", "0.001"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.contains(windows) && l.contains(&format!("| {threshold} |"))),
            "{windows} {threshold}:\n{text}"
        );
    }
    assert!(text.contains("fires when 2 % of the 30d budget burns within 1h"));
    assert!(text.contains("1. Look at the canary"));
    assert!(text.contains("Escalate to team **payments** after 30m"));
    // Staging overrides the objective.
    let staging = emit_runbooks(&example("checkout"), "staging").expect("emits");
    let text = page(&staging, "checkout/checkout-availability.md");
    assert!(text.contains("Objective: 99 % over 30d"), "{text}");
    assert!(text.contains("| 0.144 |"), "{text}");
}

#[test]
fn every_agent_gets_a_page_that_says_how_to_stop_it() {
    let artifacts = emit_runbooks(&example("checkout"), "prod").expect("emits");
    let text = page(&artifacts, "checkout/agents/deploy-bot.md");
    for want in [
        "Owner: payments",
        "Purpose: Bumps the checkout image and drives canaries",
        "tokens per run: 200000",
        "tokens per day: 5000000",
        "USD per month: 400",
        "Worst-case daily token spend: **5000000** tokens (bound by tokens-per-day)",
        "Rate limit, requests per minute: 30",
        "Retry policy: at most 3 attempts, exponential backoff",
        "Source: vault; time to live: 1h.",
        "| pii | redact |",
        "| secrets | block |",
        "| allow | deploy | k8s:checkout/api |",
        "| deny | read | datastore:checkout/orders |",
        "## How to stop it",
        "Revoke its credentials in vault",
        "Set its rate limit to zero",
        "kubectl --namespace checkout delete rolebinding agent.checkout.deploy-bot",
        "kubectl --namespace checkout delete serviceaccount agent.checkout.deploy-bot",
    ] {
        assert!(text.contains(want), "missing {want:?}:\n{text}");
    }
}

const WORKSPACE: &str = r#"
workspace "tests" {
    environment "prod"
    team "payments" {
        oncall pager="payments-pager"
        approvers "alice@acme.example"
    }
    receiver "payments-pager" kind="pagerduty" routing-key-file="/etc/alertmanager/payments"
}
"#;

/// A feature whose runbook summary, second step and agent purpose are `text`; agent `bot` has
/// Kubernetes rights, agent `helper` links the workspace's runbook instead of a generated page.
fn feature(text: &str) -> String {
    format!(
        r#"
feature "shop" {{
    owner "payments"
    tier "experimental"
    service "api" {{
        image "registry.acme.example/api:1.0.0" digest="sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
        port 8080
        probe "readiness" path="/ready"
        probe "liveness" path="/live"
    }}
    telemetry {{ metrics path="/metrics" port=9090; }}
    slo "availability" objective=99.5 runbook="api-down" {{
        ratio preset="std/http-availability"
    }}
    runbook "api-down" {{
        summary {text}
        step "Roll back"
        step {text}
        escalate team="payments" after="15m"
    }}
    agent "bot" {{
        purpose {text}
        owner "payments"
        budget tokens-per-run=1000 tokens-per-day=50000
        rate-limit requests-per-minute=10
        credentials source="vault" ttl="1h"
        allow "read" "k8s:shop/*"
    }}
    agent "helper" {{
        purpose "Reads logs"
        owner "payments"
        budget tokens-per-run=1000 tokens-per-day=50000
        allow "read" "k8s:shop/*"
        runbook "api-down"
    }}
}}
"#,
        text = kdl_string(text)
    )
}

/// Hostile spec text and how a page must show it.
const HOSTILE: &[(&str, &str)] = &[
    (
        "<script>alert(1)</script>",
        "&lt;script&gt;alert\\(1\\)&lt;/script&gt;",
    ),
    (
        "<img src=x onerror=alert(1)>",
        "&lt;img src=x onerror=alert\\(1\\)&gt;",
    ),
    ("**x**", "\\*\\*x\\*\\*"),
    ("_x_", "\\_x\\_"),
    ("`code`", "\\`code\\`"),
    (
        "[link](https://evil.example)",
        "\\[link\\]\\(https://evil.example\\)",
    ),
    ("![img](x)", "\\!\\[img\\]\\(x\\)"),
    ("# heading", "\\# heading"),
    ("## heading", "\\#\\# heading"),
    ("a | b", "a \\| b"),
    ("- item", "\\- item"),
    ("+ item", "\\+ item"),
    ("1. item", "1\\. item"),
    ("> quote", "&gt; quote"),
    ("line one\n# line two", "line one \\# line two"),
    ("line one\n---", "line one ---"),
    ("a & b", "a &amp; b"),
    ("&lt;", "&amp;lt;"),
    ("back\\slash", "back\\\\slash"),
    ("~~strike~~", "\\~\\~strike\\~\\~"),
    ("\"quoted\"", "&quot;quoted&quot;"),
    ("ünïcødé 👍", "ünïcødé 👍"),
];

#[test]
fn spec_text_renders_as_text() {
    for (hostile, escaped) in HOSTILE {
        let checked = workspace(WORKSPACE, &[("shop.kdl", &feature(hostile))]);
        let artifacts = emit_runbooks(&checked, "prod").expect("emits");
        let runbook = page(&artifacts, "shop/api-down.md");
        let agent = page(&artifacts, "shop/agents/bot.md");
        assert!(
            runbook.contains(&format!("\n2. {escaped}\n")),
            "step {hostile:?} not shown as {escaped:?}:\n{runbook}"
        );
        assert!(
            runbook.contains(&format!("\n{escaped}\n")),
            "summary {hostile:?} not shown as {escaped:?}:\n{runbook}"
        );
        assert!(
            agent.contains(&format!("- Purpose: {escaped}\n")),
            "purpose {hostile:?} not shown as {escaped:?}:\n{agent}"
        );
        for (path, text) in [("runbook", runbook), ("agent", agent)] {
            assert!(
                !text.contains('<'),
                "{hostile:?}: raw `<` in the {path} page"
            );
            assert!(
                !text.contains('>'),
                "{hostile:?}: raw `>` in the {path} page"
            );
            for line in text.lines() {
                // Only gantry's own headings start with `#`.
                if line.starts_with('#') {
                    assert!(
                        ["# Runbook: ", "# Agent: ", "## ", "### "]
                            .iter()
                            .any(|p| line.starts_with(p))
                            && !line.contains("heading"),
                        "{hostile:?}: heading {line:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn an_agent_with_its_own_runbook_gets_no_generated_page() {
    let checked = workspace(WORKSPACE, &[("shop.kdl", &feature("x"))]);
    let artifacts = emit_runbooks(&checked, "prod").expect("emits");
    let paths: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["shop/agents/bot.md", "shop/api-down.md"]);
    let runbook = page(&artifacts, "shop/api-down.md");
    assert!(runbook.contains("### Agent helper"), "{runbook}");
    assert!(runbook.contains("### SLO availability"), "{runbook}");
    assert!(runbook.contains("Escalate to team **payments** after 15m"));
    let bot = page(&artifacts, "shop/agents/bot.md");
    assert!(bot.contains("kubectl --namespace shop delete serviceaccount agent.shop.bot"));
    assert!(bot.contains("(bound by tokens-per-day)"), "{bot}");
}
