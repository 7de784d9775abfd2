//! Lint rules: agents — what they may spend, how fast and how often they may try, how long their
//! credentials live, what they may touch, and whether anyone notices when their work gets worse.
//!
//! The rules see an agent after its preset (`use="std/observer"`) and the environment's overlay
//! (`env "staging" { agent … }`) are merged in. A finding about a value that came from either
//! shows both places: see [`at_value`] and [`at_agent`].

mod agent_budget_over_cap;
mod agent_budget_per_run_only;
mod agent_data_without_pii_guardrail;
mod agent_long_lived_credentials;
mod agent_rule_shadowed;
mod agent_unbounded_retry;
mod agent_wildcard_write;
mod agent_without_budget;
mod agent_without_quality_slo;
mod agent_without_rate_limit;
mod guardrail_cannot_apply;

use crate::ast::{Agent, Feature, Preset};
use crate::lint::origin::{Written, contains};
use crate::lint::{Finding, LintContext, Rule, about};
use crate::source::Span;

pub static RULES: &[&Rule] = &[
    &agent_without_budget::AGENT_WITHOUT_BUDGET,
    &agent_budget_per_run_only::AGENT_BUDGET_PER_RUN_ONLY,
    &agent_budget_over_cap::AGENT_BUDGET_OVER_CAP,
    &agent_unbounded_retry::AGENT_UNBOUNDED_RETRY,
    &agent_long_lived_credentials::AGENT_LONG_LIVED_CREDENTIALS,
    &agent_wildcard_write::AGENT_WILDCARD_WRITE,
    &agent_rule_shadowed::AGENT_RULE_SHADOWED,
    &agent_without_rate_limit::AGENT_WITHOUT_RATE_LIMIT,
    &agent_data_without_pii_guardrail::AGENT_DATA_WITHOUT_PII_GUARDRAIL,
    &guardrail_cannot_apply::GUARDRAIL_CANNOT_APPLY,
    &agent_without_quality_slo::AGENT_WITHOUT_QUALITY_SLO,
];

/// Every agent of the environment, with its feature.
fn agents<'a>(cx: &LintContext<'a>) -> impl Iterator<Item = (&'a Feature, &'a Agent)> {
    cx.features
        .iter()
        .map(|f| &**f)
        .flat_map(|f| f.agents.iter().map(move |a| (f, a)))
}

/// Where a value of a merged agent was written.
enum Origin<'a> {
    /// In the feature's base.
    Base,
    /// In a preset the agent uses (directly or through another preset).
    Preset(&'a Preset),
    /// In this environment's `env` overlay; the span is the overlay's name.
    Overlay(Span),
}

/// How deep a chain of presets using presets is followed (the merge stops at the same depth).
const MAX_PRESET_DEPTH: usize = 8;

fn origin<'a>(cx: &LintContext<'a>, feature: &Feature, agent: &Agent, span: Span) -> Origin<'a> {
    let mut next = agent.preset.as_ref().map(|p| p.value.clone());
    for _ in 0..MAX_PRESET_DEPTH {
        let Some(preset) = next.and_then(|name| cx.presets.get(&name)) else {
            break;
        };
        if contains(preset.span, span) {
            return Origin::Preset(preset);
        }
        next = preset
            .body
            .as_ref()
            .and_then(|body| body.props().find(|(k, _)| k.value == "use"))
            .and_then(|(_, v)| v.value.as_str())
            .map(str::to_string);
    }
    match overlay_containing(cx, feature, span) {
        Some(env) => Origin::Overlay(env),
        None => Origin::Base,
    }
}

/// The name of the `env` overlay that `span` lies in, if it lies in one.
fn overlay_containing(cx: &LintContext, feature: &Feature, span: Span) -> Option<Span> {
    if span.file != feature.file {
        return None;
    }
    Written::of(cx, feature)
        .overlay_at(span)
        .map(|env| env.span)
}

/// The agent's name as the feature's base writes it. An overlay that adjusts the agent repeats
/// its name, and the merged agent carries the overlay's copy; a finding about the agent as a
/// whole points at the base in every environment, so it is reported once.
fn agent_name(cx: &LintContext, feature: &Feature, agent: &Agent) -> Span {
    if overlay_containing(cx, feature, agent.name.span).is_none() {
        return agent.name.span;
    }
    Written::of(cx, feature)
        .base_name("agent", &agent.name.value)
        .unwrap_or(agent.name.span)
}

/// A finding about a value of `agent`, written at `span`.
///
/// A value from a preset is reported at the agent's `use=`: that is where the feature overrides
/// it, and where the editor and CI show the finding. A label points at the value in the preset.
/// A value from the environment's overlay is reported where the overlay writes it, with a label
/// on the overlay: only that environment has it.
fn at_value(
    cx: &LintContext,
    feature: &Feature,
    agent: &Agent,
    span: Span,
    message: String,
    label: String,
) -> Finding {
    let subject = about(feature, "agent", &agent.name.value);
    match origin(cx, feature, agent, span) {
        Origin::Base => Finding::new(subject, span, message).label(label),
        Origin::Preset(preset) => {
            let use_site = agent.preset.as_ref().map_or(agent.name.span, |p| p.span);
            Finding::new(subject, use_site, message)
                .label(format!("{label} (value from this preset)"))
                .secondary(span, format!("set here, in `{}`", preset.name.value))
        }
        Origin::Overlay(env) => Finding::new(subject, span, message).label(label).secondary(
            env,
            format!("this overlay sets it for `{}` only", cx.environment),
        ),
    }
}

/// A finding about something `agent` lacks, at its name. When it uses a preset, a label says
/// the preset lacks `what` too; when the agent exists only in the environment's overlay, a label
/// points at the overlay.
fn at_agent(
    cx: &LintContext,
    feature: &Feature,
    agent: &Agent,
    message: String,
    label: &str,
    what: &str,
) -> Finding {
    let name = agent_name(cx, feature, agent);
    let mut finding =
        Finding::new(about(feature, "agent", &agent.name.value), name, message).label(label);
    if let Some(preset) = agent.preset.as_ref().and_then(|p| cx.presets.get(&p.value)) {
        finding = finding.secondary(
            preset.name.span,
            format!("the preset it uses has no {what} either"),
        );
    }
    if let Some(env) = overlay_containing(cx, feature, name) {
        finding = finding.secondary(
            env,
            format!("the agent exists only in the `{}` overlay", cx.environment),
        );
    }
    finding
}
