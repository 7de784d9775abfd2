//! The prometheus target (DESIGN §5): per feature one rule file `FEATURE/slo-rules.yaml` with,
//! per SLO, Sloth-compatible recording rules (`slo:sli_error:ratio_rate<W>` and the metadata
//! rules) and one multi-window multi-burn-rate alert per window pair of
//! `consequences::burn_rate_windows`; per agent a group `agent-FEATURE-AGENT` with its spend
//! recordings and the alerts of DESIGN §6 its spec asks for, and its task-success SLO as a
//! burn-rate objective; the feature's explicit `alert` nodes as written. Beside it the
//! `promtool test rules` files (`slo-rules.test.yaml`, and `slo-rules.every-STEP.test.yaml` for
//! tests of long windows at a coarser step) proving every generated alert fires just above its
//! threshold and stays silent just below.
//!
//! The same groups go into the kubernetes output as a `PrometheusRule` when the workspace says
//! `prometheus rule-format="operator"` (or `"both"`); the plain files are written whatever the
//! format, since promtool tests them.
//!
//! Every rule is built as a `serde_json::Value` and serialized by the writer.

mod agent_tests;
mod agents;
mod fixture;
mod rules;
mod tests;

use gantry::artifact::{Artifact, Content, Sink};
use gantry::ast::Feature;
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use serde_json::Value;

pub const RULES_FILE: &str = "slo-rules.yaml";
pub const TESTS_FILE: &str = "slo-rules.test.yaml";

/// A feature's rule groups and the tests that prove them.
struct FeatureRules {
    groups: Vec<Value>,
    tests: Vec<tests::TimedTest>,
}

fn feature_rules(model: &Model, feature: &Feature) -> Result<FeatureRules, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let slos = rules::slo_rules(model, feature).unwrap_or_else(|mut e| {
        errors.append(&mut e);
        Vec::new()
    });
    let mut agents = Vec::new();
    for agent in &feature.agents {
        match agents::agent_rules(model, feature, agent) {
            Ok(rules) => agents.push(rules),
            Err(e) => errors.push(*e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut groups = Vec::new();
    for slo in &slos {
        groups.extend(slo.groups());
    }
    for agent in &agents {
        groups.extend(agent.groups());
    }
    groups.extend(rules::explicit_alerts(model, feature));
    let mut proofs = tests::slo_tests(&slos);
    for agent in &agents {
        proofs.extend(tests::slo_tests(agent.task_success.as_slice()));
        proofs.extend(agent_tests::agent_tests(agent));
    }
    Ok(FeatureRules {
        groups,
        tests: proofs,
    })
}

/// The rule groups of one feature, as the rule file holds them; `None` when it has no rules.
/// The kubernetes target wraps them in a `PrometheusRule`.
pub fn rule_groups(
    model: &Model,
    feature: &Feature,
) -> Result<Option<Vec<Value>>, Vec<Diagnostic>> {
    let rules = feature_rules(model, feature)?;
    Ok((!rules.groups.is_empty()).then_some(rules.groups))
}

/// Every artifact of the prometheus target.
pub fn emit(model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    crate::Emit::Streamed(stream).collect(model)
}

/// The prometheus target's entry point: per feature, its rules file and the promtool tests that
/// prove them.
pub fn stream(model: &Model, out: Sink<'_>) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    for feature in &model.features {
        let rules = match feature_rules(model, feature) {
            Ok(rules) => rules,
            Err(mut e) => {
                errors.append(&mut e);
                continue;
            }
        };
        if rules.groups.is_empty() {
            continue;
        }
        let source = model.file_name(feature).to_string();
        let name = &feature.name.value;
        out(Artifact {
            path: format!("{name}/{RULES_FILE}"),
            content: Content::Yaml(vec![Value::Object(serde_json::Map::from_iter([(
                "groups".to_string(),
                Value::Array(rules.groups),
            )]))]),
            sources: vec![source.clone()],
            origin: Some(feature.name.span),
        });
        for (file, tests) in tests::files(rules.tests) {
            out(Artifact {
                path: format!("{name}/{file}"),
                content: Content::Yaml(vec![tests]),
                sources: vec![source.clone()],
                origin: Some(feature.name.span),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
