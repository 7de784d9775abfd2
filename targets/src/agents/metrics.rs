//! The metrics an agent's runtime must export (DESIGN §6), with the label values this agent's
//! series carry: gantry's alerts, dashboards and budget rules query exactly these.

use gantry::ast::{Agent, Feature};
use serde_json::{Value, json};

const OUTCOMES: [&str; 4] = ["success", "failure", "timeout", "blocked"];
const TOKEN_KINDS: [&str; 2] = ["input", "output"];
const DECISIONS: [&str; 2] = ["allowed", "denied"];

pub fn metrics(feature: &Feature, agent: &Agent) -> Value {
    let fixed = || {
        vec![
            json!({ "name": "feature", "value": feature.name.value }),
            json!({ "name": "agent", "value": agent.name.value }),
        ]
    };
    let with = |extra: Vec<Value>| {
        let mut labels = fixed();
        labels.extend(extra);
        labels
    };
    let guardrail_kinds = sorted_unique(agent.guardrails.iter().map(|g| g.kind.value.as_str()));
    let guardrail_actions = sorted_unique(
        agent
            .guardrails
            .iter()
            .filter_map(|g| g.action.as_ref())
            .map(|a| a.value.as_str()),
    );
    let mut run_tokens = json!({
        "name": "agent_run_tokens",
        "type": "histogram",
        "help": "Tokens (input and output) one run used, observed when the run ends.",
        "labels": fixed(),
    });
    // Alerts count the runs that reached the per-run limit from the bucket at the limit.
    if let Some(limit) = agent
        .budget
        .as_ref()
        .and_then(|b| b.tokens_per_run.as_ref())
    {
        run_tokens["required_buckets"] = json!([limit.value]);
    }
    json!([
        {
            "name": "agent_runs_total",
            "type": "counter",
            "help": "Runs ended, by outcome; a run refused by a budget or rate limit counts as blocked.",
            "labels": with(vec![json!({ "name": "outcome", "values": OUTCOMES })]),
        },
        {
            "name": "agent_tokens_total",
            "type": "counter",
            "help": "Tokens sent to (input) and received from (output) the model.",
            "labels": with(vec![json!({ "name": "kind", "values": TOKEN_KINDS })]),
        },
        run_tokens,
        {
            "name": "agent_cost_usd_total",
            "type": "counter",
            "help": "What the model calls cost, in US dollars.",
            "labels": fixed(),
        },
        {
            "name": "agent_retries_total",
            "type": "counter",
            "help": "Attempts after the first, of model requests and tool calls.",
            "labels": fixed(),
        },
        {
            "name": "agent_tool_calls_total",
            "type": "counter",
            "help": "Tool calls, by tool and by the permission decision.",
            "labels": with(vec![
                json!({ "name": "tool" }),
                json!({ "name": "decision", "values": DECISIONS }),
            ]),
        },
        {
            "name": "agent_guardrail_actions_total",
            "type": "counter",
            "help": "Guardrail trips, by guardrail kind and the action taken.",
            "labels": with(vec![
                json!({ "name": "guardrail", "values": guardrail_kinds }),
                json!({ "name": "action", "values": guardrail_actions }),
            ]),
        },
    ])
}

fn sorted_unique<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = values.collect();
    out.sort_unstable();
    out.dedup();
    out
}
