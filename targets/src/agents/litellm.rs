//! The LiteLLM proxy dialect of the same agents. `litellm-config.yaml` is the proxy's config file:
//! `model_list` (every model an agent uses) and `guardrails` (the guardrails LiteLLM can enforce
//! as the spec means them, all off by default). The proxy's config cannot declare virtual keys,
//! so `litellm-keys.yaml` holds one body for `POST /key/generate` per agent: its models, USD
//! budget, rate limits, expiry and guardrails; what a key cannot carry is listed in its
//! metadata, for the agent runtime to enforce. `docs/agent-runtime.md` maps every field.

use std::collections::BTreeMap;

use gantry::ast::{Agent, Feature, Guardrail};
use gantry::build::{Items, render_yaml_document};
use gantry::model::Model;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::manifest::places;
use super::{agent_id, owner};

/// A LiteLLM guardrail integration that does what a spec's guardrail kind and action say, and
/// the LiteLLM modes that cover each place it checks.
struct Integration {
    guardrail: &'static str,
    modes: &'static [(&'static str, &'static str)],
}

/// Only exact equivalents: Presidio masks personal data in requests and responses; hide-secrets
/// masks secrets in requests. Blocking, escalation, prompt injection, destructive commands and
/// toxicity have no built-in LiteLLM guardrail that acts as the spec says.
fn integration(kind: &str, action: &str) -> Option<Integration> {
    match (kind, action) {
        ("pii", "redact") => Some(Integration {
            guardrail: "presidio",
            modes: &[("input", "pre_call"), ("output", "post_call")],
        }),
        ("secrets", "redact") => Some(Integration {
            guardrail: "hide-secrets",
            modes: &[("input", "pre_call")],
        }),
        _ => None,
    }
}

/// What LiteLLM enforces of one guardrail (a definition named after it), and what it cannot.
struct Mapped {
    definition: Option<(String, Value)>,
    not_covered: Option<String>,
}

fn map_guardrail(guardrail: &Guardrail) -> Mapped {
    let kind = guardrail.kind.value.as_str();
    let action = guardrail.action.as_ref().map_or("", |a| a.value.as_str());
    let wanted = places(guardrail);
    let (covered, modes): (Vec<&str>, Vec<&str>) = match integration(kind, action) {
        Some(integration) => wanted
            .iter()
            .filter_map(|place| {
                integration
                    .modes
                    .iter()
                    .find(|(p, _)| p == place)
                    .map(|(p, mode)| (*p, *mode))
            })
            .unzip(),
        None => (Vec::new(), Vec::new()),
    };
    let uncovered: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|p| !covered.contains(p))
        .collect();
    let not_covered = (!uncovered.is_empty())
        .then(|| format!("guardrail {kind}: {action} on {}", uncovered.join(", ")));
    let definition = integration(kind, action)
        .filter(|_| !modes.is_empty())
        .map(|integration| {
            let name = format!("{kind}-{action}-{}", covered.join("-"));
            let value = json!({
                "guardrail_name": name,
                "litellm_params": {
                    "guardrail": integration.guardrail,
                    "mode": modes,
                    "default_on": false,
                },
            });
            (name, value)
        });
    Mapped {
        definition,
        not_covered,
    }
}

/// The model as LiteLLM names it, `PROVIDER/NAME`; also the model group a key may call, so two
/// providers' models of one name stay apart.
fn model_name(agent: &Agent) -> Option<String> {
    let model = agent.model.as_ref()?;
    let name = &model.name.value;
    Some(match &model.provider {
        Some(provider) => format!("{}/{name}", provider.value),
        None => name.clone(),
    })
}

pub fn config(agents: &[(&Feature, &Agent)]) -> Value {
    let mut models = std::collections::BTreeSet::new();
    let mut guardrails = BTreeMap::new();
    for (_, agent) in agents {
        models.extend(model_name(agent));
        for guardrail in &agent.guardrails {
            if let Some((name, definition)) = map_guardrail(guardrail).definition {
                guardrails.insert(name, definition);
            }
        }
    }
    let model_list: Vec<Value> = models
        .into_iter()
        .map(|name| json!({ "model_name": name, "litellm_params": { "model": name } }))
        .collect();
    json!({
        "model_list": model_list,
        "guardrails": guardrails.into_values().collect::<Vec<_>>(),
    })
}

/// The text of `litellm-keys.yaml`. Each key is made as it is written: the file holds one for
/// every agent of the environment.
pub fn keys(model: &Model, agents: &[(&Feature, &Agent)]) -> Result<String, String> {
    #[derive(Serialize)]
    struct Keys<K> {
        keys: K,
    }
    render_yaml_document(&Keys {
        keys: Items {
            len: agents.len(),
            items: || {
                agents
                    .iter()
                    .map(|(feature, agent)| key(model, feature, agent))
            },
        },
    })
}

fn key(model: &Model, feature: &Feature, agent: &Agent) -> Value {
    let mut out = Map::new();
    let mut not_covered = Vec::new();
    out.insert(
        "key_alias".into(),
        json!(format!(
            "{}/{}",
            model.environment,
            agent_id(feature, agent)
        )),
    );
    if let Some(name) = model_name(agent) {
        out.insert("models".into(), json!([name]));
    }
    if let Some(budget) = &agent.budget {
        // A key has one dollar budget: the daily one, which catches a runaway agent soonest,
        // else the monthly one.
        match (&budget.usd_per_day, &budget.usd_per_month) {
            (Some(day), month) => {
                out.insert("max_budget".into(), json!(day.value));
                out.insert("budget_duration".into(), json!("1d"));
                if let Some(month) = month {
                    not_covered.push(format!("budget usd-per-month={}", month.value));
                }
            }
            (None, Some(month)) => {
                out.insert("max_budget".into(), json!(month.value));
                out.insert("budget_duration".into(), json!("30d"));
            }
            (None, None) => {}
        }
        if let Some(usd) = &budget.usd_per_run {
            not_covered.push(format!("budget usd-per-run={}", usd.value));
        }
        let tokens = [
            ("tokens-per-run", &budget.tokens_per_run),
            ("tokens-per-day", &budget.tokens_per_day),
            ("tokens-per-month", &budget.tokens_per_month),
        ];
        for (name, value) in tokens {
            if let Some(value) = value {
                not_covered.push(format!("budget {name}={}", value.value));
            }
        }
    }
    if let Some(rate) = &agent.rate_limit {
        let limits = [
            ("tpm_limit", &rate.tokens_per_minute),
            ("rpm_limit", &rate.requests_per_minute),
            ("max_parallel_requests", &rate.concurrency),
        ];
        for (key, value) in limits {
            if let Some(value) = value {
                out.insert(key.into(), json!(value.value));
            }
        }
        if let Some(runs) = &rate.runs_per_hour {
            not_covered.push(format!("rate-limit runs-per-hour={}", runs.value));
        }
    }
    if let Some(ttl) = agent.credentials.as_ref().and_then(|c| c.ttl.as_ref()) {
        // Whole seconds, rounded up: LiteLLM's durations have no smaller unit.
        out.insert(
            "duration".into(),
            json!(format!("{}s", ttl.value.millis.div_ceil(1000))),
        );
    }
    let mut guardrail_names = Vec::new();
    for guardrail in &agent.guardrails {
        let mapped = map_guardrail(guardrail);
        if let Some((name, _)) = mapped.definition {
            guardrail_names.push(name);
        }
        not_covered.extend(mapped.not_covered);
    }
    if !guardrail_names.is_empty() {
        out.insert("guardrails".into(), json!(guardrail_names));
    }
    let mut metadata = Map::new();
    metadata.insert("gantry_agent".into(), json!(agent_id(feature, agent)));
    metadata.insert("environment".into(), json!(model.environment));
    if let Some(owner) = owner(feature, agent) {
        metadata.insert("owner".into(), json!(owner));
    }
    metadata.insert("enforced_by_agent_runtime".into(), json!(not_covered));
    out.insert("metadata".into(), Value::Object(metadata));
    Value::Object(out)
}
