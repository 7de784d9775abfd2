//! The vendor-neutral manifest: one entry per agent, keyed `FEATURE/NAME`. Fields the spec leaves
//! out are left out (the schema says what their absence means), except the quality SLOs'
//! window, whose default the language fixes.

use gantry::ast::{Agent, AgentSlo, Budget, Feature, Guardrail};
use gantry::build::{Entries, render_yaml_document};
use gantry::consequences::DEFAULT_WINDOW;
use gantry::model::Model;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{
    FORMAT_VERSION, SCHEMA_ID, agent_id, metrics, owner, permissions, runbook_url, seconds,
};

/// Where a guardrail applies when the spec does not say: everywhere.
pub const ALL_PLACES: [&str; 3] = ["input", "output", "tool-call"];

/// The manifest's text. Each agent's entry is made as it is written: the manifest describes
/// every agent of the environment, and as one value it would take many times its size.
pub fn manifest(model: &Model, agents: &[(&Feature, &Agent)]) -> Result<String, String> {
    let mut by_id: Vec<(String, &Feature, &Agent)> = agents
        .iter()
        .map(|(feature, agent)| (agent_id(feature, agent), *feature, *agent))
        .collect();
    by_id.sort_by(|a, b| a.0.cmp(&b.0));
    by_id.dedup_by(|later, first| later.0 == first.0);
    let document = Document {
        schema: SCHEMA_ID,
        agents: Entries {
            len: by_id.len(),
            entries: || {
                by_id
                    .iter()
                    .map(|(id, feature, agent)| (id, entry(model, feature, agent)))
            },
        },
        environment: model.environment,
        version: FORMAT_VERSION,
        workspace: &model.workspace.name.value,
    };
    render_yaml_document(&document)
}

/// The manifest's fields, in the order of their keys.
#[derive(Serialize)]
struct Document<'a, A> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    agents: A,
    environment: &'a str,
    version: u32,
    workspace: &'a str,
}

fn entry(model: &Model, feature: &Feature, agent: &Agent) -> Value {
    let mut out = Map::new();
    out.insert("feature".into(), json!(feature.name.value));
    out.insert("name".into(), json!(agent.name.value));
    if let Some(owner) = owner(feature, agent) {
        out.insert("owner".into(), json!(owner));
    }
    if let Some(purpose) = &agent.purpose {
        out.insert("purpose".into(), json!(purpose.value));
    }
    if let Some(m) = &agent.model {
        let mut model_entry = Map::new();
        model_entry.insert("name".into(), json!(m.name.value));
        if let Some(provider) = &m.provider {
            model_entry.insert("provider".into(), json!(provider.value));
        }
        out.insert("model".into(), Value::Object(model_entry));
    }
    out.insert(
        "budget".into(),
        agent.budget.as_ref().map_or_else(|| json!({}), budget),
    );
    if let Some(rate) = &agent.rate_limit {
        let mut limits = Map::new();
        let values = [
            ("requests_per_minute", &rate.requests_per_minute),
            ("tokens_per_minute", &rate.tokens_per_minute),
            ("runs_per_hour", &rate.runs_per_hour),
            ("concurrency", &rate.concurrency),
        ];
        for (key, value) in values {
            if let Some(v) = value {
                limits.insert(key.into(), json!(v.value));
            }
        }
        out.insert("rate_limit".into(), Value::Object(limits));
    }
    if let Some(retry) = &agent.retry {
        let mut policy = Map::new();
        if let Some(n) = &retry.max_attempts {
            policy.insert("max_attempts".into(), json!(n.value));
        }
        if let Some(backoff) = &retry.backoff {
            policy.insert("backoff".into(), json!(backoff.value));
        }
        if let Some(delay) = &retry.initial_delay {
            policy.insert("initial_delay_seconds".into(), seconds(delay.value));
        }
        out.insert("retry".into(), Value::Object(policy));
    }
    if let Some(credentials) = &agent.credentials {
        let mut entry = Map::new();
        if let Some(source) = &credentials.source {
            entry.insert("source".into(), json!(source.value));
        }
        if let Some(ttl) = &credentials.ttl {
            entry.insert("ttl_seconds".into(), seconds(ttl.value));
        }
        out.insert("credentials".into(), Value::Object(entry));
    }
    out.insert(
        "guardrails".into(),
        Value::Array(agent.guardrails.iter().map(guardrail).collect()),
    );
    out.insert(
        "permissions".into(),
        permissions::permissions(model, feature, agent),
    );
    out.insert("slos".into(), slos(&agent.slos));
    out.insert("metrics".into(), metrics::metrics(feature, agent));
    out.insert(
        "runbook_url".into(),
        json!(runbook_url(model, feature, agent)),
    );
    Value::Object(out)
}

/// `{per_run, per_day, per_month}`, each with the `tokens` and `usd` limits the spec gives.
fn budget(budget: &Budget) -> Value {
    let windows = [
        ("per_run", &budget.tokens_per_run, &budget.usd_per_run),
        ("per_day", &budget.tokens_per_day, &budget.usd_per_day),
        ("per_month", &budget.tokens_per_month, &budget.usd_per_month),
    ];
    let mut out = Map::new();
    for (window, tokens, usd) in windows {
        let mut limits = Map::new();
        if let Some(tokens) = tokens {
            limits.insert("tokens".into(), json!(tokens.value));
        }
        if let Some(usd) = usd {
            limits.insert("usd".into(), json!(usd.value));
        }
        if !limits.is_empty() {
            out.insert(window.into(), Value::Object(limits));
        }
    }
    Value::Object(out)
}

/// The places a guardrail checks: `all` (or nothing said) is every place.
pub fn places(guardrail: &Guardrail) -> Vec<&str> {
    match guardrail.on.as_ref().map(|o| o.value.as_str()) {
        None | Some("all") => ALL_PLACES.to_vec(),
        Some(place) => vec![place],
    }
}

fn guardrail(guardrail: &Guardrail) -> Value {
    let mut out = Map::new();
    out.insert("kind".into(), json!(guardrail.kind.value));
    if let Some(action) = &guardrail.action {
        out.insert("action".into(), json!(action.value));
    }
    out.insert("on".into(), json!(places(guardrail)));
    Value::Object(out)
}

fn slos(slos: &[AgentSlo]) -> Value {
    let mut out = Map::new();
    for slo in slos {
        let window = seconds(slo.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value));
        match slo.kind.value.as_str() {
            "task-success" => {
                if let Some(objective) = &slo.objective {
                    out.insert(
                        "task_success".into(),
                        json!({ "objective_percent": objective.value, "window_seconds": window }),
                    );
                }
            }
            "cost-per-task" => {
                if let Some(max_usd) = &slo.max_usd {
                    out.insert(
                        "cost_per_task".into(),
                        json!({ "max_usd": max_usd.value, "window_seconds": window }),
                    );
                }
            }
            _ => {}
        }
    }
    Value::Object(out)
}
