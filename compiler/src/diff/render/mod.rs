//! The change set for people (a terminal, a pull-request comment) and for tools (JSON).

mod human;
mod markdown;

pub use human::render_human;
pub use markdown::render_markdown;

use super::{Change, ChangeSet};
use crate::risk::RiskTier;

/// The change set as JSON: the input of the generated Rego gate policy.
pub fn render_json(set: &ChangeSet) -> String {
    let mut out = serde_json::to_string_pretty(set).unwrap_or_default();
    out.push('\n');
    out
}

/// Where a change applies.
fn environment(change: &Change) -> &str {
    change.environment.as_deref().unwrap_or("all")
}

fn risk(change: &Change) -> &'static str {
    change.risk.as_str()
}

fn is_irreversible(change: &Change) -> bool {
    change.risk == RiskTier::Irreversible
}

/// A feature's changes by pillar.
type Pillars<'a> = Vec<(&'static str, Vec<&'a Change>)>;

/// The changes grouped by feature (`None`: the workspace), then pillar, in the set's order.
fn grouped(set: &ChangeSet) -> Vec<(Option<&str>, Pillars<'_>)> {
    let mut out: Vec<(Option<&str>, Pillars<'_>)> = Vec::new();
    for change in &set.changes {
        let feature = change.feature.as_deref();
        if out.last().is_none_or(|(f, _)| *f != feature) {
            out.push((feature, Vec::new()));
        }
        let Some((_, pillars)) = out.last_mut() else {
            continue;
        };
        if pillars.last().is_none_or(|(p, _)| *p != change.pillar) {
            pillars.push((change.pillar, Vec::new()));
        }
        if let Some((_, changes)) = pillars.last_mut() {
            changes.push(change);
        }
    }
    out
}

/// One line saying what the gate is.
fn gate_line(set: &ChangeSet) -> String {
    use super::Gate;
    match set.verdict.gate {
        Gate::None => "no changes".to_string(),
        Gate::Automated => "automated review: every change is reversible".to_string(),
        Gate::Human => {
            let teams: Vec<String> = set
                .verdict
                .required
                .iter()
                .map(|r| {
                    let team = if r.team.is_empty() {
                        "a human"
                    } else {
                        r.team.as_str()
                    };
                    format!("{team} ×{} ({} given)", r.count, r.have)
                })
                .collect();
            let state = if set.verdict.satisfied {
                "approved"
            } else {
                "needed"
            };
            format!("human approval {state}: {}", teams.join(", "))
        }
    }
}
