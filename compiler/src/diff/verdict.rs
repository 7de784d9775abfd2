//! The gate a change set needs: reversible changes pass automated review unless the feature's
//! reversible gate asks for people; irreversible ones need the approvals of the feature's
//! irreversible gate, or of its owner team when it has none. The gates of both revisions count,
//! so that a change cannot remove the gate that reviews it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{AuthorKind, Change, Review};
use crate::ast::Feature;
use crate::check::Checked;
use crate::risk::RiskTier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    None,
    Automated,
    Human,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub team: String,
    pub count: u32,
    pub changes: Vec<String>,
    pub reason: String,
    /// How many of the given approvals count towards it.
    pub have: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub gate: Gate,
    pub required: Vec<Requirement>,
    /// Whether the given approvals meet every requirement.
    pub satisfied: bool,
}

/// Per feature, who approves what: team → count, for each tier; and the owner.
#[derive(Debug, Clone, Default)]
pub struct Owners {
    features: BTreeMap<String, FeatureGates>,
}

#[derive(Debug, Clone, Default)]
struct FeatureGates {
    owner: Option<String>,
    irreversible: BTreeMap<String, (u32, String)>,
    reversible: BTreeMap<String, (u32, String)>,
}

impl Owners {
    pub fn of(base: &Checked, head: &Checked) -> Owners {
        let mut out = Owners::default();
        for feature in base.features.iter().chain(&head.features) {
            out.add(feature);
        }
        out
    }

    fn add(&mut self, feature: &Feature) {
        let entry = self.features.entry(feature.name.value.clone()).or_default();
        if entry.owner.is_none() {
            entry.owner = feature.owner.as_ref().map(|o| o.value.clone());
        }
        for gate in &feature.gates {
            let tier = gate
                .tier
                .as_ref()
                .map_or("irreversible", |t| t.value.as_str());
            let map = if tier == "reversible" {
                &mut entry.reversible
            } else {
                &mut entry.irreversible
            };
            for approval in &gate.approvals {
                let count = approval.count.as_ref().map_or(1, |c| c.value).max(1);
                let slot = map
                    .entry(approval.team.value.clone())
                    .or_insert((0, gate.name.value.clone()));
                if count > slot.0 {
                    *slot = (count, gate.name.value.clone());
                }
            }
        }
    }
}

pub fn decide(changes: &[Change], owners: &Owners, review: &Review) -> Verdict {
    // team → (count, changes, reasons)
    let mut needed: BTreeMap<String, (u32, BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    let mut need = |team: &str, count: u32, change: &str, reason: String| {
        let slot = needed.entry(team.to_string()).or_default();
        slot.0 = slot.0.max(count);
        slot.1.insert(change.to_string());
        slot.2.insert(reason);
    };
    for change in changes {
        let gates = change.feature.as_ref().and_then(|f| owners.features.get(f));
        let feature = change.feature.as_deref().unwrap_or("the workspace");
        match change.risk {
            RiskTier::Irreversible => match gates {
                Some(g) if !g.irreversible.is_empty() => {
                    for (team, (count, gate)) in &g.irreversible {
                        need(
                            team,
                            *count,
                            &change.id,
                            format!("gate `{gate}` of {feature} reviews irreversible changes"),
                        );
                    }
                }
                Some(FeatureGates {
                    owner: Some(owner), ..
                }) => {
                    need(
                        owner,
                        1,
                        &change.id,
                        format!("{feature} has no irreversible gate: its owner approves"),
                    );
                }
                // Output folders name no owner: any team's human must look.
                _ => need(
                    "",
                    1,
                    &change.id,
                    format!("irreversible changes of {feature} need a human"),
                ),
            },
            RiskTier::Reversible => {
                if let Some(g) = gates {
                    for (team, (count, gate)) in &g.reversible {
                        need(
                            team,
                            *count,
                            &change.id,
                            format!("gate `{gate}` of {feature} reviews reversible changes"),
                        );
                    }
                }
            }
        }
    }
    let author = (review.author.kind == AuthorKind::Agent || !review.author.name.is_empty())
        .then_some(review.author.name.as_str());
    let required: Vec<Requirement> = needed
        .into_iter()
        .map(|(team, (count, changes, reasons))| {
            let mut seen = BTreeSet::new();
            let have = review
                .approvals
                .iter()
                .filter(|a| team.is_empty() || a.team == team)
                .filter(|a| author.is_none_or(|au| a.by != au || a.by.is_empty()))
                .filter(|a| a.by.is_empty() || seen.insert(a.by.clone()))
                .count() as u32;
            Requirement {
                team,
                count,
                changes: changes.into_iter().collect(),
                reason: reasons.into_iter().collect::<Vec<_>>().join("; "),
                have,
            }
        })
        .collect();
    let gate = if changes.is_empty() {
        Gate::None
    } else if required.is_empty() {
        Gate::Automated
    } else {
        Gate::Human
    };
    let satisfied = required.iter().all(|r| r.have >= r.count);
    Verdict {
        gate,
        required,
        satisfied,
    }
}
