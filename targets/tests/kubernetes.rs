//! The kubernetes target: the output tree of every example, every object valid against its
//! schema, the canary gated at the SLO's page threshold, strings that survive YAML, replicas
//! left to the HPA, and the controller's own checks pre-empted as diagnostics.

mod support;

use gantry::consequences::page_threshold;
use gantry::values::Duration;
use serde_json::Value;
use support::schemas::Schemas;
use support::*;

const EXAMPLES: [&str; 2] = ["checkout", "platform"];

/// The whole tree, one file after another with `--- path` headers, as the writer renders it.
#[test]
fn output_trees_of_the_examples() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit(&checked, &environment).expect("the example emits");
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
fn every_object_matches_its_schema() {
    let schemas = Schemas::new();
    let mut failures = Vec::new();
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit(&checked, &environment).expect("the example emits");
            for (path, object) in objects(&artifacts) {
                for error in schemas.errors(object) {
                    failures.push(format!("{example_name}/{environment}/{path}: {error}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn failure_threshold(template: &Value, metric: &str) -> f64 {
    let metric = template["spec"]["metrics"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["name"] == metric))
        .unwrap_or_else(|| panic!("no metric {metric}"));
    let condition = metric["failureCondition"]
        .as_str()
        .expect("a failureCondition");
    condition
        .strip_prefix("result[0] > ")
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("unexpected condition {condition}"))
}

#[test]
fn the_canary_fails_at_the_slos_page_threshold() {
    let checked = example("checkout");
    let thirty_days = Duration::from_minutes(30 * 24 * 60);
    for (environment, availability) in [("prod", 99.9), ("staging", 99.0)] {
        let artifacts = emit(&checked, environment).expect("emits");
        let template = find(
            &artifacts,
            "checkout/analysistemplate-checkout-api-error-budget.yaml",
        );
        for (metric, objective) in [("availability", availability), ("latency", 99.0)] {
            let got = failure_threshold(template, metric);
            let want = page_threshold(objective, thirty_days);
            assert!(
                (got - want).abs() < 1e-9,
                "{environment}/{metric}: {got} != {want}"
            );
        }
    }
    let prod = emit(&checked, "prod").expect("emits");
    let template = find(
        &prod,
        "checkout/analysistemplate-checkout-api-error-budget.yaml",
    );
    assert_eq!(failure_threshold(template, "availability"), 0.0144);
    let query = template["spec"]["metrics"][0]["provider"]["prometheus"]["query"].as_str();
    assert_eq!(
        query,
        Some(
            r#"1 - ((sum(rate(http_requests_total{job="checkout-api",code!~"5.."}[5m]))) / (sum(rate(http_requests_total{job="checkout-api"}[5m]))))"#
        )
    );
    for metric in template["spec"]["metrics"].as_array().expect("metrics") {
        assert!(
            metric["count"].as_u64().is_some_and(|c| c > 0),
            "count is never 0"
        );
    }
}

#[test]
fn no_replicas_when_an_hpa_owns_the_workload() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit(&checked, &environment).expect("emits");
            let objects = objects(&artifacts);
            let scaled: Vec<(&str, &str)> = objects
                .iter()
                .filter(|(_, o)| o["kind"] == "HorizontalPodAutoscaler")
                .map(|(_, o)| {
                    let target = &o["spec"]["scaleTargetRef"];
                    (
                        target["kind"].as_str().unwrap_or(""),
                        target["name"].as_str().unwrap_or(""),
                    )
                })
                .collect();
            let mut workloads = 0;
            for (path, object) in &objects {
                let kind = object["kind"].as_str().unwrap_or("");
                if kind != "Deployment" && kind != "Rollout" {
                    continue;
                }
                workloads += 1;
                let name = object["metadata"]["name"].as_str().unwrap_or("");
                let has_hpa = scaled.contains(&(kind, name));
                let has_replicas = object["spec"].get("replicas").is_some();
                assert_ne!(has_hpa, has_replicas, "{example_name}/{environment}/{path}");
            }
            assert!(workloads > 0);
        }
    }
    // payments' webhooks run exactly one replica in staging: no HPA, a fixed count.
    let staging = emit(&example("checkout"), "staging").expect("emits");
    let webhooks = find(&staging, "payments/deployment-payments-webhooks.yaml");
    assert_eq!(webhooks["spec"]["replicas"], 1);
}

const WORKSPACE: &str = r#"
workspace "tests" {
    environment "prod"
    flags provider="openfeature-operator"
    team "payments" {
        oncall pager="payments-pager"
        approvers "alice@acme.example"
    }
    receiver "payments-pager" kind="pagerduty" routing-key-file="/etc/alertmanager/payments"
}
"#;

/// A clean feature with a canary deploy, whose steps, env value and flag variant are given.
fn feature(steps: &str, env_value: &str, variant_value: &str) -> String {
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
        env "GREETING" value={env}
    }}
    flag "greeting-style" default="plain" {{
        variant "plain" value="hello"
        variant "odd" value={variant}
    }}
    deploy strategy="canary" {{
        {steps}
        rollback-when slo="availability"
    }}
    telemetry {{ metrics path="/metrics" port=9090; }}
    slo "availability" objective=99.5 runbook="api-down" {{
        ratio preset="std/http-availability"
    }}
    runbook "api-down" {{ summary "The API fails requests"; step "Roll back"; }}
}}
"#,
        env = kdl_string(env_value),
        variant = kdl_string(variant_value),
    )
}

fn kdl_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

const GOOD_STEPS: &str = r#"step weight=20 pause="5m"
        step weight=60 approve="payments""#;

#[test]
fn hostile_strings_come_back_unchanged() {
    let hostile = [
        "yes",
        "no",
        "on",
        "off",
        "null",
        "~",
        "true",
        "0777",
        "1e3",
        "12:30",
        "2024-01-01",
        "*alias",
        "&anchor",
        "!tag",
        "- item",
        "key: value",
        "# not a comment",
        "a # b",
        "{{job}}",
        "{{",
        "}}",
        "'single'",
        "\"double\"",
        "line one\nline two",
        "trailing ",
        " leading",
        "[1, 2]",
        "{a: 1}",
        "%YAML",
        "---",
        "...",
        "@at",
        "`tick`",
        "<<",
        "=",
        "back\\slash",
        "tab\there",
        "ünïcødé",
        "👍",
    ];
    for text in hostile {
        let checked = workspace(WORKSPACE, &[("shop.kdl", &feature(GOOD_STEPS, text, text))]);
        let artifacts = emit(&checked, "prod").expect("emits");
        for artifact in &artifacts {
            let written = yaml(artifact);
            let back: Value = serde_saphyr::from_str(&written).unwrap_or_else(|e| {
                panic!(
                    "{text:?}: {} does not parse back: {e}\n{written}",
                    artifact.path
                )
            });
            let gantry::artifact::Content::Yaml(docs) = &artifact.content else {
                continue;
            };
            assert_eq!(
                &back, &docs[0],
                "{text:?} changed the structure of {}",
                artifact.path
            );
        }
        let deployment = find(&artifacts, "shop/rollout-shop-api.yaml");
        let env = &deployment["spec"]["template"]["spec"]["containers"][0]["env"][0];
        assert_eq!(env["value"], text);
        let config_map = find(&artifacts, "shop/configmap-shop-flags.yaml");
        let flags: Value = serde_json::from_str(
            config_map["data"]["flags.flagd.json"]
                .as_str()
                .expect("flags"),
        )
        .expect("flagd JSON parses");
        assert_eq!(flags["flags"]["greeting-style"]["variants"]["odd"], text);
        let feature_flag = find(&artifacts, "shop/featureflag-shop-flags.yaml");
        assert_eq!(
            feature_flag["spec"]["flagSpec"]["flags"]["greeting-style"]["variants"]["odd"],
            text
        );
    }
}

fn step_diagnostics(steps: &str) -> Vec<String> {
    let checked = workspace(WORKSPACE, &[("shop.kdl", &feature(steps, "x", "y"))]);
    match emit(&checked, "prod") {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics
            .iter()
            .map(|d| {
                let (line, column) = checked
                    .sources
                    .get(d.primary.span.file)
                    .line_col(d.primary.span.start);
                format!("{} at {line}:{column}: {}", d.id, d.message)
            })
            .collect(),
    }
}

#[test]
fn invalid_canary_steps_are_diagnostics_on_the_spec() {
    assert!(step_diagnostics(GOOD_STEPS).is_empty());
    let cases = [
        (
            "falling weights",
            "step weight=50 pause=\"5m\"\n        step weight=20 pause=\"5m\"",
        ),
        (
            "equal weights",
            "step weight=20 pause=\"5m\"\n        step weight=20 pause=\"5m\"",
        ),
        (
            "weight zero",
            "step weight=0 pause=\"5m\"\n        step weight=20 pause=\"5m\"",
        ),
        (
            "two waits",
            "step weight=20 pause=\"5m\" approve=\"payments\"",
        ),
        ("no weight at all", "step pause=\"5m\""),
    ];
    let mut report = String::new();
    for (case, steps) in cases {
        let found = step_diagnostics(steps);
        assert!(!found.is_empty(), "{case}: no diagnostic");
        assert!(
            found.iter().all(|d| d.starts_with("invalid-value")),
            "{case}: {found:?}"
        );
        report.push_str(&format!("{case}:\n"));
        for d in found {
            report.push_str(&format!("  {d}\n"));
        }
    }
    insta::assert_snapshot!(report);
}

/// Guards the guard: a schema check that passes everything would prove nothing.
#[test]
fn the_schemas_reject_what_a_cluster_would() {
    let schemas = Schemas::new();
    let staging = emit(&example("checkout"), "staging").expect("emits");
    let mut deployment = find(&staging, "payments/deployment-payments-webhooks.yaml").clone();
    assert!(schemas.errors(&deployment).is_empty());
    deployment["spec"]["replica"] = serde_json::json!(2);
    assert!(
        !schemas.errors(&deployment).is_empty(),
        "an unknown field fails"
    );
    let mut rollout = find(&staging, "checkout/rollout-checkout-api.yaml").clone();
    rollout["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = serde_json::json!(1);
    assert!(
        !schemas.errors(&rollout).is_empty(),
        "a Rollout's pod template is checked"
    );
}
