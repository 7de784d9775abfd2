//! The prometheus target: the output tree of every example, and the burn-rate thresholds of the
//! alerts equal to `consequences`.

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
