//! The grafana target: the dashboards of every example and environment, read back from their
//! JSON; their structure as Grafana's import needs it (unique ids, panels inside the 24-column
//! grid that do not overlap, every query an expression and a refId); and every query reading
//! only series that exist: the recording rules the prometheus target emits for the same feature
//! (with the same `sloth_id`), the agent metrics of DESIGN §6 and the Argo Rollouts
//! controller's metrics.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use gantry::artifact::{Artifact, Content};
use gantry::check::Checked;
use gantry_targets::grafana::{SCHEMA_VERSION, dashboard_path, dashboard_uid};
use serde_json::Value;
use support::*;

const EXAMPLES: [&str; 2] = ["checkout", "platform"];

/// The runtime's metrics (DESIGN §6), as queried: counters and the run histogram's buckets.
const AGENT_METRICS: [&str; 6] = [
    "agent_runs_total",
    "agent_tokens_total",
    "agent_run_tokens_bucket",
    "agent_cost_usd_total",
    "agent_tool_calls_total",
    "agent_guardrail_actions_total",
];

/// The Argo Rollouts controller's metrics the rollout panels read.
const ROLLOUT_METRICS: [&str; 4] = [
    "rollout_info",
    "rollout_info_replicas_desired",
    "rollout_info_replicas_updated",
    "rollout_info_replicas_available",
];

fn dashboards(checked: &Checked, environment: &str) -> Vec<Artifact> {
    gantry_targets::grafana::emit(&model(checked, environment)).expect("the example emits")
}

fn json_of(artifact: &Artifact) -> &Value {
    match &artifact.content {
        Content::Json(value) => value,
        _ => panic!("{} is not JSON", artifact.path),
    }
}

#[test]
fn output_of_the_examples() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let mut tree = String::new();
            for artifact in &dashboards(&checked, &environment) {
                let text = yaml(artifact);
                let back: Value = serde_json::from_str(&text).expect("the JSON parses");
                assert_eq!(&back, json_of(artifact), "the JSON reads back unchanged");
                tree.push_str(&format!("--- {}\n{text}", artifact.path));
            }
            insta::assert_snapshot!(format!("{example_name}-{environment}"), tree);
        }
    }
}

#[test]
fn one_dashboard_per_feature_at_the_published_path() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let model = model(&checked, &environment);
            let artifacts = dashboards(&checked, &environment);
            assert_eq!(artifacts.len(), model.features.len());
            for feature in &model.features {
                let name = &feature.name.value;
                let artifact = artifacts
                    .iter()
                    .find(|a| a.path == dashboard_path(name))
                    .unwrap_or_else(|| panic!("no dashboard for {name}"));
                let dashboard = json_of(artifact);
                assert_eq!(dashboard["uid"], dashboard_uid(name));
            }
        }
    }
}

/// Whether two grid rectangles share any cell.
fn overlap(a: &Value, b: &Value) -> bool {
    let r = |p: &Value| {
        let n = |k: &str| p["gridPos"][k].as_u64().expect("a grid number");
        (n("x"), n("y"), n("x") + n("w"), n("y") + n("h"))
    };
    let (ax0, ay0, ax1, ay1) = r(a);
    let (bx0, by0, bx1, by1) = r(b);
    ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1
}

#[test]
fn dashboards_have_the_structure_grafana_imports() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            for artifact in &dashboards(&checked, &environment) {
                let d = json_of(artifact);
                let uid = d["uid"].as_str().expect("a uid");
                assert!(!uid.is_empty() && uid.len() <= 40, "{uid}");
                assert!(d["title"].as_str().is_some_and(|t| !t.is_empty()));
                assert_eq!(d["schemaVersion"], SCHEMA_VERSION);
                let variables = d["templating"]["list"].as_array().expect("variables");
                assert!(variables.iter().any(|v| v["name"] == "datasource"
                    && v["type"] == "datasource"
                    && v["query"] == "prometheus"));
                let panels = d["panels"].as_array().expect("panels");
                assert!(!panels.is_empty(), "{}: no panel", artifact.path);
                let mut ids = BTreeSet::new();
                for (i, panel) in panels.iter().enumerate() {
                    let id = panel["id"].as_u64().expect("an id");
                    assert!(ids.insert(id), "{}: id {id} twice", artifact.path);
                    let w = panel["gridPos"]["w"].as_u64().expect("w");
                    let h = panel["gridPos"]["h"].as_u64().expect("h");
                    let x = panel["gridPos"]["x"].as_u64().expect("x");
                    assert!(w >= 1 && h >= 1 && x + w <= 24, "{panel}");
                    for other in &panels[..i] {
                        assert!(!overlap(panel, other), "{panel} overlaps {other}");
                    }
                    if panel["type"] == "row" {
                        continue;
                    }
                    assert!(
                        ["timeseries", "stat", "gauge"]
                            .contains(&panel["type"].as_str().expect("a type")),
                        "{panel}"
                    );
                    assert_eq!(panel["datasource"]["uid"], "${datasource}");
                    let targets = panel["targets"].as_array().expect("targets");
                    assert!(!targets.is_empty(), "{panel}: no query");
                    let mut ref_ids = BTreeSet::new();
                    for target in targets {
                        let expr = target["expr"].as_str().expect("an expr");
                        assert!(!expr.is_empty());
                        let ref_id = target["refId"].as_str().expect("a refId");
                        assert!(ref_ids.insert(ref_id.to_string()), "{panel}");
                        assert_balanced(expr);
                    }
                }
            }
        }
    }
}

/// Brackets balance outside string literals, and every string literal ends.
fn assert_balanced(expr: &str) {
    let mut stack = Vec::new();
    let mut chars = expr.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => loop {
                match chars.next() {
                    Some('\\') => {
                        chars.next();
                    }
                    Some('"') => break,
                    Some(_) => {}
                    None => panic!("an unterminated string in {expr}"),
                }
            },
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                let open = stack.pop();
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                assert_eq!(open, Some(want), "unbalanced {c} in {expr}");
            }
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?} in {expr}");
}

/// Every `metric{label="value", …}` of a PromQL expression: the metric and its equality
/// matchers, string escapes undone.
fn selectors(expr: &str) -> Vec<(String, BTreeMap<String, String>)> {
    let bytes: Vec<char> = expr.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != '{' {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > 0
            && (bytes[start - 1].is_ascii_alphanumeric() || "_:".contains(bytes[start - 1]))
        {
            start -= 1;
        }
        let metric: String = bytes[start..i].iter().collect();
        let mut labels = BTreeMap::new();
        i += 1;
        loop {
            while i < bytes.len() && (bytes[i] == ' ' || bytes[i] == ',') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == '}' {
                break;
            }
            let key_start = i;
            while i < bytes.len() && bytes[i] != '=' && bytes[i] != '!' {
                i += 1;
            }
            let key: String = bytes[key_start..i].iter().collect();
            while i < bytes.len() && bytes[i] != '"' {
                i += 1;
            }
            i += 1;
            let mut value = String::new();
            while i < bytes.len() && bytes[i] != '"' {
                if bytes[i] == '\\' {
                    i += 1;
                    match bytes.get(i) {
                        Some('n') => value.push('\n'),
                        Some(c) => value.push(*c),
                        None => {}
                    }
                } else {
                    value.push(bytes[i]);
                }
                i += 1;
            }
            i += 1;
            labels.insert(key.trim().to_string(), value);
        }
        out.push((metric, labels));
        i += 1;
    }
    out
}

/// The recording rules the prometheus target emits, by feature: record name and `sloth_id`.
fn recorded(checked: &Checked, environment: &str) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let artifacts =
        gantry_targets::prometheus::emit(&model(checked, environment)).expect("prometheus emits");
    let mut out: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for artifact in artifacts
        .iter()
        .filter(|a| a.path.ends_with("/slo-rules.yaml"))
    {
        let feature = artifact.path.split('/').next().expect("a feature folder");
        let Content::Yaml(docs) = &artifact.content else {
            panic!("rules are YAML");
        };
        for rule in docs
            .iter()
            .flat_map(|d| d["groups"].as_array().expect("groups"))
            .flat_map(|g| g["rules"].as_array().expect("rules"))
        {
            if let Some(record) = rule["record"].as_str() {
                let id = rule["labels"]["sloth_id"].as_str().unwrap_or_default();
                out.entry(feature.to_string())
                    .or_default()
                    .insert((record.to_string(), id.to_string()));
            }
        }
    }
    out
}

#[test]
fn every_query_reads_series_that_exist() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let records = recorded(&checked, &environment);
            let mut slo_queries = 0;
            for artifact in &dashboards(&checked, &environment) {
                let feature = artifact.path.split('/').next().expect("a feature folder");
                let rules = records.get(feature).cloned().unwrap_or_default();
                let d = json_of(artifact);
                for target in d["panels"]
                    .as_array()
                    .expect("panels")
                    .iter()
                    .flat_map(|p| p["targets"].as_array().into_iter().flatten())
                {
                    let expr = target["expr"].as_str().expect("an expr");
                    let found = selectors(expr);
                    assert!(!found.is_empty(), "{expr} reads nothing");
                    for (metric, labels) in found {
                        if metric.starts_with("slo:") {
                            let id = labels.get("sloth_id").cloned().unwrap_or_default();
                            assert!(
                                rules.contains(&(metric.clone(), id.clone())),
                                "{feature}: {metric} with sloth_id {id:?} is not recorded by the prometheus target"
                            );
                            slo_queries += 1;
                        } else if metric.starts_with("agent_") {
                            assert!(AGENT_METRICS.contains(&metric.as_str()), "{metric}");
                            assert_eq!(labels.get("feature").map(String::as_str), Some(feature));
                            assert!(labels.contains_key("agent"), "{expr}");
                        } else {
                            assert!(
                                ROLLOUT_METRICS.contains(&metric.as_str()),
                                "{metric} in {expr}"
                            );
                            assert_eq!(labels.get("namespace").map(String::as_str), Some(feature));
                        }
                    }
                }
            }
            assert!(slo_queries > 0, "{example_name}: no SLO panel");
        }
    }
}

#[test]
fn burn_rate_thresholds_are_the_alerts_factors() {
    let checked = example("checkout");
    let artifacts = dashboards(&checked, "prod");
    let payments = artifacts
        .iter()
        .find(|a| a.path == dashboard_path("payments"))
        .expect("the payments dashboard");
    let panels = json_of(payments)["panels"].as_array().expect("panels");
    let steps = |title: &str| -> Vec<f64> {
        let panel = panels
            .iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("no panel {title}"));
        panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter_map(|s| s["value"].as_f64())
            .collect()
    };
    let close = |got: &[f64], want: &[f64]| {
        got.len() == want.len() && got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-9)
    };
    // 30 days: the workbook's 1, 3, 6 and 14.4; 28 days: 0.933…, 2.8, 5.6 and 13.44.
    let thirty = steps("api-availability: burn rate");
    assert!(close(&thirty, &[1.0, 3.0, 6.0, 14.4]), "{thirty:?}");
    let twenty_eight = steps("webhooks-availability: burn rate");
    assert!(
        close(&twenty_eight, &[28.0 * 24.0 * 0.1 / 72.0, 2.8, 5.6, 13.44]),
        "{twenty_eight:?}"
    );
    let windows: Vec<&str> = panels
        .iter()
        .find(|p| p["title"] == "api-availability: burn rate")
        .expect("the panel")["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| t["legendFormat"].as_str().expect("a legend"))
        .collect();
    assert_eq!(windows, ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
}

#[test]
fn agent_budgets_are_thresholds() {
    let checked = example("platform");
    let artifacts = dashboards(&checked, "prod");
    let panels = json_of(&artifacts[0])["panels"].as_array().expect("panels");
    let red = |title: &str| {
        panels
            .iter()
            .find(|p| p["title"] == title)
            .unwrap_or_else(|| panic!("no panel {title}"))["fieldConfig"]["defaults"]["thresholds"]
            ["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["color"] == "red")
            .and_then(|s| s["value"].as_f64())
    };
    // The spec: tokens-per-day=3000000 tokens-per-month=60000000 usd-per-day=40 usd-per-month=800.
    assert_eq!(red("oncall-triage: tokens, last 24 h"), Some(3_000_000.0));
    assert_eq!(
        red("oncall-triage: tokens, last 30 days"),
        Some(60_000_000.0)
    );
    assert_eq!(red("oncall-triage: spend, last 24 h"), Some(40.0));
    assert_eq!(red("oncall-triage: spend, last 30 days"), Some(800.0));
}
