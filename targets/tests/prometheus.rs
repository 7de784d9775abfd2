//! The prometheus target: the output tree of every example, the burn-rate thresholds of the
//! alerts equal to `consequences`, the agent alerts each spec asks for (and their tests), and the
//! same groups as a valid `PrometheusRule` when the workspace asks for the operator format.

mod support;

use gantry::artifact::Artifact;
use support::*;

const EXAMPLES: [&str; 2] = ["checkout", "platform"];

fn emit_prometheus(example_name: &str, environment: &str) -> Vec<Artifact> {
    let checked = example(example_name);
    let model = gantry::model::Model::of(&checked, environment).expect("a model");
    gantry_targets::prometheus::emit(&model).expect("the example emits")
}

#[test]
fn output_trees_of_the_examples() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let mut tree = String::new();
            for artifact in &emit_prometheus(example_name, &environment) {
                tree.push_str(&format!("--- {}\n", artifact.path));
                tree.push_str(&yaml(artifact));
            }
            insta::assert_snapshot!(format!("{example_name}-{environment}"), tree);
        }
    }
}

#[test]
fn the_fast_page_alert_uses_the_workbook_threshold() {
    let artifacts = emit_prometheus("checkout", "prod");
    let rules = find(&artifacts, "checkout/slo-rules.yaml");
    let groups = rules["groups"].as_array().expect("groups");
    let alerts = groups
        .iter()
        .find(|g| g["name"] == "sloth-slo-alerts-checkout-availability")
        .expect("the availability alerts");
    let exprs: Vec<&str> = alerts["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["expr"].as_str().expect("an expr"))
        .collect();
    assert_eq!(exprs.len(), 4, "one alert per window pair");
    for (expr, threshold) in exprs.iter().zip(["0.0144", "0.006", "0.003", "0.001"]) {
        assert!(expr.contains(&format!("> {threshold})")), "{expr}");
    }
}

fn rule_names(artifacts: &[Artifact], path: &str) -> Vec<String> {
    find(artifacts, path)["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["rules"].as_array().expect("rules").iter())
        .filter_map(|r| r["alert"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn agents_get_an_alert_for_each_limit_their_spec_sets_and_no_other() {
    let checkout = rule_names(
        &emit_prometheus("checkout", "prod"),
        "checkout/slo-rules.yaml",
    );
    let agent: Vec<&str> = checkout
        .iter()
        .filter_map(|n| n.strip_prefix("checkout-deploy-bot-"))
        .filter(|n| !n.starts_with("task-success"))
        .collect();
    // deploy-bot: tokens-per-run, tokens-per-day and usd-per-month; retries; guardrail "secrets"
    // blocks; allow/deny rules; cost-per-task. No usd-per-day, no tokens-per-month.
    assert_eq!(
        agent,
        [
            "cost-per-task",
            "guardrail-blocks-spike",
            "policy-denials-spike",
            "retry-spiral",
            "run-rate-anomaly",
            "tokens-per-day",
            "tokens-per-run",
            "usd-month-forecast",
            "usd-per-month",
        ]
    );
    let task_success = checkout
        .iter()
        .filter(|n| n.starts_with("checkout-deploy-bot-task-success-burn-rate-"))
        .count();
    assert_eq!(task_success, 4, "one burn-rate alert per window pair");
}

#[test]
fn the_examples_exercise_every_kind_of_agent_alert() {
    let mut kinds = std::collections::BTreeSet::new();
    for (example_name, feature, agents) in [
        ("checkout", "checkout", &["deploy-bot"][..]),
        (
            "platform",
            "incident-tools",
            &["oncall-triage", "deps-updater"][..],
        ),
    ] {
        let names = rule_names(
            &emit_prometheus(example_name, "prod"),
            &format!("{feature}/slo-rules.yaml"),
        );
        for agent in agents {
            let prefix = format!("{feature}-{agent}-");
            kinds.extend(
                names
                    .iter()
                    .filter_map(|n| n.strip_prefix(&prefix))
                    .map(|n| n.split("-burn-rate-").next().unwrap_or(n).to_string()),
            );
        }
    }
    let expected = [
        "cost-per-task",
        "guardrail-blocks-spike",
        "policy-denials-spike",
        "retry-spiral",
        "run-rate-anomaly",
        "task-success",
        "tokens-month-forecast",
        "tokens-per-day",
        "tokens-per-month",
        "tokens-per-run",
        "usd-month-forecast",
        "usd-per-day",
        "usd-per-month",
    ];
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), expected);
}

#[test]
fn agent_alerts_link_the_agents_page_or_its_own_runbook() {
    let artifacts = emit_prometheus("platform", "prod");
    let rules = find(&artifacts, "incident-tools/slo-rules.yaml");
    let url_of = |alert: &str| {
        rules["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .flat_map(|g| g["rules"].as_array().expect("rules").iter())
            .find(|r| r["alert"] == alert)
            .map(|r| r["annotations"]["runbook_url"].clone())
            .expect("the alert exists")
    };
    assert_eq!(
        url_of("incident-tools-deps-updater-tokens-per-day"),
        "https://runbooks.platform.acme.example/incident-tools/agents/deps-updater.md"
    );
    // oncall-triage names the workspace runbook `triage-agent`.
    assert_eq!(
        url_of("incident-tools-oncall-triage-tokens-per-day"),
        "https://runbooks.platform.acme.example/incident-tools/triage-agent.md"
    );
    // Its owner team gets its alerts, not the feature's.
    let owner = rules["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["rules"].as_array().expect("rules").iter())
        .find(|r| r["alert"] == "incident-tools-deps-updater-tokens-per-day")
        .map(|r| r["labels"]["owner"].clone());
    assert_eq!(owner, Some(serde_json::json!("platform")));
}

#[test]
fn a_test_proves_the_daily_budget_catches_an_agent_that_runs_more_often() {
    let artifacts = emit_prometheus("checkout", "prod");
    let tests = find(&artifacts, "checkout/slo-rules.every-30m.test.yaml");
    let test = tests["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .find(|t| {
            t["name"]
                .as_str()
                .is_some_and(|n| n.contains("runs more often"))
        })
        .expect("the runs-more-often test");
    let checks = test["alert_rule_test"].as_array().expect("checks");
    let daily = &checks[0];
    let per_run = &checks[1];
    assert_eq!(daily["alertname"], "checkout-deploy-bot-tokens-per-day");
    assert_eq!(daily["exp_alerts"].as_array().map(Vec::len), Some(1));
    assert_eq!(per_run["alertname"], "checkout-deploy-bot-tokens-per-run");
    assert_eq!(per_run["exp_alerts"].as_array().map(Vec::len), Some(0));
}

#[test]
fn recording_rules_are_tested_on_raw_counters() {
    let artifacts = emit_prometheus("checkout", "prod");
    let tests = find(&artifacts, "checkout/slo-rules.test.yaml");
    let names: Vec<&str> = tests["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .filter(|n| n.contains("records an error ratio"))
        .collect();
    // availability (std/http-availability), latency (a histogram) and the agent's task success.
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn the_operator_format_carries_the_same_groups_in_a_valid_prometheus_rule() {
    let checked = example("checkout");
    let model = gantry::model::Model::of(&checked, "prod").expect("a model");
    let kubernetes = gantry_targets::kubernetes::emit(&model).expect("kubernetes emits");
    let rule = find(&kubernetes, "checkout/prometheusrule-checkout.yaml");
    let prometheus = emit_prometheus("checkout", "prod");
    assert_eq!(
        rule["spec"]["groups"],
        find(&prometheus, "checkout/slo-rules.yaml")["groups"]
    );
    let schemas = support::schemas::Schemas::new();
    assert_eq!(schemas.errors(rule), Vec::<String>::new());
    // The platform workspace keeps the default, plain files only.
    let checked = example("platform");
    let model = gantry::model::Model::of(&checked, "prod").expect("a model");
    let kubernetes = gantry_targets::kubernetes::emit(&model).expect("kubernetes emits");
    assert!(!kubernetes.iter().any(|a| a.path.contains("prometheusrule")));
}

/// Every query the examples' rule files hold (which promtool accepts in CI) passes the check
/// that `gantry check` puts a spec's PromQL through: it refuses no valid query it could meet.
#[test]
fn the_spec_promql_check_accepts_every_generated_query() {
    let mut checked_queries = 0;
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            for (path, object) in objects(&emit_prometheus(example_name, &environment)) {
                let Some(groups) = object["groups"].as_array() else {
                    continue;
                };
                for rule in groups
                    .iter()
                    .flat_map(|g| g["rules"].as_array().into_iter().flatten())
                {
                    let expr = rule["expr"].as_str().expect("an expr");
                    assert_eq!(
                        gantry::promql_syntax::check(expr).map_err(|e| e.message),
                        Ok(()),
                        "{path}: {expr}"
                    );
                    checked_queries += 1;
                }
            }
        }
    }
    assert!(checked_queries > 100, "only {checked_queries} queries");
}
