//! Which severity a rule has for a finding: its default, then the feature's tier, then the
//! workspace's `lint { … }`, then an `allow "RULE" reason=…` on the node or its feature.

use std::collections::BTreeMap;

use crate::ast::{Feature, Suppression, Workspace};
use crate::check::EnvironmentView;
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

/// Severity settings for one environment. The settings of the features a finding is about are
/// looked up when it is found: most features have none.
pub struct Levels<'a> {
    workspace: BTreeMap<String, Level>,
    /// Per tier preset that sets any: its settings.
    tiers: BTreeMap<String, BTreeMap<String, Level>>,
    view: &'a EnvironmentView,
}

impl<'a> Levels<'a> {
    pub fn new(
        workspace: Option<&Workspace>,
        view: &'a EnvironmentView,
        presets: &PresetIndex,
    ) -> Levels<'a> {
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
        let tiers = presets
            .presets
            .keys()
            .map(|name| (name.clone(), tier_levels(presets, name)))
            .filter(|(_, levels)| !levels.is_empty())
            .collect();
        Levels {
            workspace: ws,
            tiers,
            view,
        }
    }

    pub fn level(&self, rule: &Rule, subject: &Subject) -> Level {
        let features = || self.view.index.all(&self.view.features, &subject.feature);
        if features().any(|f| silences(f, rule.id, subject.entity.as_ref())) {
            return Level::Allow;
        }
        if let Some(level) = self.workspace.get(rule.id) {
            return *level;
        }
        let tier = features()
            .last()
            .and_then(|f| f.tier.as_ref())
            .map_or(DEFAULT_TIER, |t| t.value.as_str());
        if let Some(level) = self.tiers.get(tier).and_then(|t| t.get(rule.id)) {
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

/// Whether `allow "RULE"` on the feature, or on the entity a finding is about, silences `rule`.
fn silences(feature: &Feature, rule: &str, entity: Option<&(&'static str, String)>) -> bool {
    let listed = |list: &[Suppression]| list.iter().any(|s| s.rule.value == rule);
    if listed(&feature.suppressions) {
        return true;
    }
    let Some((kind, name)) = entity else {
        return false;
    };
    if *kind == "deploy" {
        return feature.deploys.iter().enumerate().any(|(i, d)| {
            super::about_deploy(feature, i).entity.as_ref() == Some(&(*kind, name.clone()))
                && listed(&d.suppressions)
        });
    }
    feature
        .named_entities(kind)
        .into_iter()
        .any(|(entity, allowed)| entity.value == *name && listed(allowed))
}
