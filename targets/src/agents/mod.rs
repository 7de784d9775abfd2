//! The agents target (DESIGN §5): per environment one vendor-neutral agent-runtime manifest,
//! `agents.yaml`, that the runtime running the workspace's agents enforces (budgets, rate limits,
//! retries, credentials, guardrails, rights, quality SLOs and the metrics it must export), checked
//! against the published schema `stdlib/schemas/agent-runtime.schema.json`; and the same agents
//! in the dialect of the LiteLLM proxy, `litellm-config.yaml` (models and guardrails) with
//! `litellm-keys.yaml` (one virtual key per agent, with its budget and rate limits).
//!
//! The semantics of every field (when a budget is spent, which limit wins, what a day is) are
//! in the schema's descriptions and in `docs/agent-runtime.md`. Everything is built as a
//! `serde_json::Value` and serialized by the writer, but for the manifest's entries, which
//! are made one at a time as the manifest is written.

mod litellm;
mod manifest;
mod metrics;
mod permissions;

use gantry::artifact::{Artifact, Content, Sink};
use gantry::ast::{Agent, Feature};
use gantry::build::unserializable;
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;

pub const MANIFEST_FILE: &str = "agents.yaml";
pub const LITELLM_CONFIG_FILE: &str = "litellm-config.yaml";
pub const LITELLM_KEYS_FILE: &str = "litellm-keys.yaml";

/// The `$id` of the agent-runtime schema, which every manifest names as its `$schema`: the
/// schema's address in gantry's repository, so editors and validators can fetch it.
pub const SCHEMA_ID: &str = "https://raw.githubusercontent.com/gantry-dev/gantry/main/stdlib/schemas/agent-runtime.schema.json";

/// The version of the manifest's format; a change that breaks readers raises it.
pub const FORMAT_VERSION: u32 = 1;

/// The agents target's three files, in the order of their paths.
pub fn emit(model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let mut files = crate::Emit::Streamed(stream).collect(model)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The agents target's entry point: each file handed out as soon as it is built, so that a
/// build writes it and lets it go before building the next (each describes every agent of
/// the workspace).
pub fn stream(model: &Model, out: Sink<'_>) -> Result<(), Vec<Diagnostic>> {
    let agents: Vec<(&Feature, &Agent)> = model
        .features
        .iter()
        .map(|f| &**f)
        .flat_map(|f| f.agents.iter().map(move |a| (f, a)))
        .collect();
    let mut sources: Vec<String> = agents
        .iter()
        .map(|(f, _)| model.file_name(f).to_string())
        .collect();
    sources.sort();
    sources.dedup();
    let origin = agents
        .first()
        .map_or(model.workspace.name.span, |(_, a)| a.name.span);
    let artifact = |path: &str, content| Artifact {
        path: path.to_string(),
        content,
        sources: sources.clone(),
        origin: Some(origin),
    };
    let serialized = |path: &str, text: Result<String, String>| {
        text.map(|text| artifact(path, Content::Serialized(text)))
            .map_err(|message| vec![unserializable(path, origin, &message)])
    };
    out(serialized(
        MANIFEST_FILE,
        manifest::manifest(model, &agents),
    )?);
    let config = litellm::config(&agents);
    out(artifact(LITELLM_CONFIG_FILE, Content::Yaml(vec![config])));
    out(serialized(
        LITELLM_KEYS_FILE,
        litellm::keys(model, &agents),
    )?);
    Ok(())
}

/// The agent's key in every output: `FEATURE/NAME`.
fn agent_id(feature: &Feature, agent: &Agent) -> String {
    format!("{}/{}", feature.name.value, agent.name.value)
}

/// The team answerable for the agent: its own owner, else its feature's.
fn owner<'a>(feature: &'a Feature, agent: &'a Agent) -> Option<&'a str> {
    agent
        .owner
        .as_ref()
        .or(feature.owner.as_ref())
        .map(|o| o.value.as_str())
}

/// The agent's runbook page: a runbook of its feature when it names one, else the page the
/// runbooks target generates for it (`FEATURE/agents/NAME.md`). The same address the
/// prometheus target puts in alerts' `runbook_url`: the workspace's base URL and
/// `FEATURE/PAGE`, or without one the page's path in the build output.
fn runbook_url(model: &Model, feature: &Feature, agent: &Agent) -> String {
    let page = match &agent.runbook {
        Some(runbook) => runbook.value.clone(),
        None => format!("agents/{}", agent.name.value),
    };
    let feature = &feature.name.value;
    match &model.workspace.runbook_base_url {
        Some(base) => format!("{}/{feature}/{page}", base.value.trim_end_matches('/')),
        None => format!("runbooks/{feature}/{page}.md"),
    }
}

/// Seconds, whole when the duration is (so `1h` is `3600`, not `3600.0`).
fn seconds(duration: gantry::values::Duration) -> serde_json::Value {
    if duration.millis.is_multiple_of(1000) {
        serde_json::json!(duration.millis / 1000)
    } else {
        serde_json::json!(duration.as_seconds())
    }
}
