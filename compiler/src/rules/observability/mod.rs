//! Lint rules about how a feature is observed: SLOs, alerts, runbooks, telemetry.

mod alert_without_runbook;
mod rollback_trigger_without_telemetry;
mod service_without_slo;
mod slo_objective_unrealistic;
mod slo_window_too_short;
mod unused_runbook;

use crate::ast::{Agent, AgentSlo, Feature};
use crate::lint::Rule;

pub static RULES: &[&Rule] = &[
    &service_without_slo::SERVICE_WITHOUT_SLO,
    &alert_without_runbook::ALERT_WITHOUT_RUNBOOK,
    &slo_objective_unrealistic::SLO_OBJECTIVE_UNREALISTIC,
    &slo_window_too_short::SLO_WINDOW_TOO_SHORT,
    &rollback_trigger_without_telemetry::ROLLBACK_TRIGGER_WITHOUT_TELEMETRY,
    &unused_runbook::UNUSED_RUNBOOK,
];

/// How a message names an objective: the SLO's (`kind` "slo") or the task-success SLO of an
/// agent (`kind` "agent") of that name. Made only for a finding.
fn objective_holder(kind: &str, name: &str) -> String {
    if kind == "agent" {
        format!("the task-success SLO of agent `{name}`")
    } else {
        format!("SLO `{name}`")
    }
}

/// Every task-success SLO of a feature's agents, with its agent.
fn task_success_slos(feature: &Feature) -> impl Iterator<Item = (&Agent, &AgentSlo)> {
    feature.agents.iter().flat_map(|agent| {
        agent
            .slos
            .iter()
            .filter(|s| s.kind.value == "task-success")
            .map(move |s| (agent, s))
    })
}
