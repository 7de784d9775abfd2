//! Which severity a rule has for a finding: its default, then the feature's tier, then the
//! workspace's `lint { … }`, then an `allow "RULE" reason=…` on the node or its feature.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ast::{Feature, Suppression, Workspace};
use crate::diagnostics::Severity;
use crate::resolve::PresetIndex;

use super::{Rule, Subject};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Deny,
    Warn,
    Allow,
}

/// The tier a feature without `tier` gets.
pub const DEFAULT_TIER: &str = "standard";

/// A silenced rule: on the feature (`None`) or on one of its entities, and the rule id.
type Suppressed = (Option<(&'static str, String)>, String);

/// Severity settings for one environment.
pub struct Levels {
    workspace: BTreeMap<String, Level>,
    /// Per feature: its tier's settings.
    tiers: BTreeMap<String, BTreeMap<String, Level>>,
    /// Per feature: the rules silenced on the feature and on each of its entities.
    suppressed: BTreeMap<String, Vec<Suppressed>>,
}

impl Levels {
    pub fn new(
        workspace: Option<&Workspace>,
        features: &[Arc<Feature>],
        presets: &PresetIndex,
    ) -> Levels {
        let mut ws = BTreeMap::new();
        if let Some(w) = workspace {
            for (ids, level) in [
                (&w.lint.deny, Level::Deny),
                (&w.lint.warn, Level::Warn),
                (&w.lint.allow, Level::Allow),
            ] {
                for id in ids {
                    ws.insert(id.value.clone(), level);
                }
            }
        }
        let mut tiers = BTreeMap::new();
        let mut suppressed = BTreeMap::new();
        for feature in features {
            let tier = feature
                .tier
                .as_ref()
                .map_or(DEFAULT_TIER, |t| t.value.as_str());
            tiers.insert(feature.name.value.clone(), tier_levels(presets, tier));
            suppressed.insert(feature.name.value.clone(), suppressions(feature));
        }
        Levels {
            workspace: ws,
            tiers,
            suppressed,
        }
    }

    pub fn level(&self, rule: &Rule, subject: &Subject) -> Level {
        let silenced = self.suppressed.get(&subject.feature).is_some_and(|list| {
            list.iter().any(|(entity, id)| {
                id == rule.id && (entity.is_none() || *entity == subject.entity)
            })
        });
        if silenced {
            return Level::Allow;
        }
        if let Some(level) = self.workspace.get(rule.id) {
            return *level;
        }
        if let Some(level) = self
            .tiers
            .get(&subject.feature)
            .and_then(|t| t.get(rule.id))
        {
            return *level;
        }
        match rule.default {
            Severity::Error => Level::Deny,
            Severity::Warning => Level::Warn,
        }
    }
}

fn tier_levels(presets: &PresetIndex, tier: &str) -> BTreeMap<String, Level> {
    let mut out = BTreeMap::new();
    let Some(body) = presets.get(tier).and_then(|p| p.body.as_ref()) else {
        return out;
    };
    for lint in body.children.iter().filter(|c| c.name.value == "lint") {
        for setting in &lint.children {
            let level = match setting.name.value.as_str() {
                "deny" => Level::Deny,
                "warn" => Level::Warn,
                "allow" => Level::Allow,
                _ => continue,
            };
            for id in setting.args().filter_map(|a| a.value.as_str()) {
                out.insert(id.to_string(), level);
            }
        }
    }
    out
}

fn suppressions(feature: &Feature) -> Vec<Suppressed> {
    let mut out = Vec::new();
    let mut add = |entity: Option<(&'static str, String)>, list: &[Suppression]| {
        for s in list {
            out.push((entity.clone(), s.rule.value.clone()));
        }
    };
    add(None, &feature.suppressions);
    for s in &feature.services {
        add(Some(("service", s.name.value.clone())), &s.suppressions);
    }
    for d in &feature.datastores {
        add(Some(("datastore", d.name.value.clone())), &d.suppressions);
    }
    for s in &feature.secrets {
        add(Some(("secret", s.name.value.clone())), &s.suppressions);
    }
    for f in &feature.flags {
        add(Some(("flag", f.name.value.clone())), &f.suppressions);
    }
    for (i, d) in feature.deploys.iter().enumerate() {
        add(super::about_deploy(feature, i).entity, &d.suppressions);
    }
    for s in &feature.slos {
        add(Some(("slo", s.name.value.clone())), &s.suppressions);
    }
    for a in &feature.alerts {
        add(Some(("alert", a.name.value.clone())), &a.suppressions);
    }
    for r in &feature.runbooks {
        add(Some(("runbook", r.name.value.clone())), &r.suppressions);
    }
    for a in &feature.agents {
        add(Some(("agent", a.name.value.clone())), &a.suppressions);
    }
    for g in &feature.gates {
        add(Some(("gate", g.name.value.clone())), &g.suppressions);
    }
    out
}
