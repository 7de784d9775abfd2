//! The checked model of one environment: what every target and tool consumes. Features with
//! their environment overlay and presets merged, references resolved, tier defaults applied,
//! and the dependency graph. It holds no KDL type; every value keeps its span.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ast::{Feature, Replicas, Workspace};
use crate::check::Checked;
use crate::feature_index::FeatureIndex;
use crate::graph::Graph;
use crate::lint::DEFAULT_TIER;
use crate::resolve::PresetIndex;
use crate::risk::RiskTable;
use crate::source::{SourceMap, Spanned};
use crate::syntax::Node;

/// What a tier gives the features that say nothing themselves.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TierDefaults {
    pub name: String,
    pub replicas_min: Option<u32>,
    pub replicas_max: Option<u32>,
    /// A PodDisruptionBudget bound: a count or a percentage such as `50%`.
    pub min_available: Option<String>,
    pub max_unavailable: Option<String>,
    pub objective_min: Option<f64>,
    pub objective_default: Option<f64>,
    /// Who approves irreversible changes: `human` or `automated`.
    pub irreversible_review: Option<String>,
}

impl TierDefaults {
    pub fn from_presets(presets: &PresetIndex, tier: &str) -> TierDefaults {
        let mut out = TierDefaults {
            name: tier.to_string(),
            ..TierDefaults::default()
        };
        let Some(body) = presets.get(tier).and_then(|p| p.body.as_ref()) else {
            return out;
        };
        let child = |name: &str| body.children.iter().find(|c| c.name.value == name);
        let int = |n: &Node, key: &str| {
            n.props()
                .find(|(k, _)| k.value == key)
                .and_then(|(_, v)| match v.value {
                    crate::syntax::RawValue::Integer(i) => u32::try_from(i).ok(),
                    _ => None,
                })
        };
        let num = |n: &Node, key: &str| {
            n.props()
                .find(|(k, _)| k.value == key)
                .and_then(|(_, v)| match v.value {
                    crate::syntax::RawValue::Integer(i) => Some(i as f64),
                    crate::syntax::RawValue::Float(f) => Some(f),
                    _ => None,
                })
        };
        let text = |n: &Node, key: &str| {
            n.props()
                .find(|(k, _)| k.value == key)
                .and_then(|(_, v)| v.value.as_str().map(str::to_string))
        };
        if let Some(r) = child("replicas") {
            out.replicas_min = int(r, "min");
            out.replicas_max = int(r, "max");
        }
        if let Some(d) = child("disruption-budget") {
            out.min_available = text(d, "min-available");
            out.max_unavailable = text(d, "max-unavailable");
        }
        if let Some(o) = child("objective") {
            out.objective_min = num(o, "min");
            out.objective_default = num(o, "default");
        }
        if let Some(g) = child("gate") {
            out.irreversible_review = text(g, "irreversible");
        }
        out
    }
}

/// One environment of a checked workspace, ready for the targets.
#[derive(Debug)]
pub struct Model<'a> {
    pub workspace: &'a Workspace,
    pub environment: &'a str,
    /// Shared with the check: a feature is copied only where its tier's defaults change it.
    /// Replace them with [`Model::set_features`], which keeps the index.
    pub features: Vec<Arc<Feature>>,
    /// `features` by name.
    index: FeatureIndex,
    /// Each feature's tier defaults, by feature name.
    pub tiers: BTreeMap<String, TierDefaults>,
    pub risk: &'a RiskTable,
    pub presets: &'a PresetIndex,
    /// The checked files, so that artifacts can name the spec file they came from.
    pub sources: &'a SourceMap,
    /// The runbook templates by file name (the workspace's own replace the stdlib's); each spans
    /// its whole file in `sources`.
    pub templates: &'a BTreeMap<String, Spanned<String>>,
}

impl<'a> Model<'a> {
    /// The model of one environment of a workspace that checked without errors; `None` when the
    /// workspace has errors, no gantry.kdl, or no such environment.
    pub fn of(checked: &'a Checked, environment: &str) -> Option<Model<'a>> {
        if checked.has_errors() {
            return None;
        }
        let workspace = checked.workspace.as_ref()?;
        let view = checked
            .environments
            .iter()
            .find(|e| e.name == environment)?;
        let mut tiers = BTreeMap::new();
        let mut features = view.features.clone();
        for feature in &mut features {
            let tier = feature
                .tier
                .as_ref()
                .map_or(DEFAULT_TIER, |t| t.value.as_str());
            let defaults = TierDefaults::from_presets(&checked.presets, tier);
            apply_tier(feature, &defaults);
            tiers.insert(feature.name.value.clone(), defaults);
        }
        Some(Model {
            workspace,
            environment: &view.name,
            index: FeatureIndex::new(&features),
            features,
            tiers,
            risk: &checked.risk,
            presets: &checked.presets,
            sources: &checked.sources,
            templates: &checked.templates,
        })
    }

    /// The model with other features (a change tried alone, in `gantry diff`).
    pub fn set_features(&mut self, features: Vec<Arc<Feature>>) {
        self.index = FeatureIndex::new(&features);
        self.features = features;
    }

    pub fn graph(&self) -> Graph {
        Graph::build(Some(self.workspace), &self.features)
    }

    pub fn feature(&self, name: &str) -> Option<&Feature> {
        self.index.first(&self.features, name)
    }

    /// The name of the spec file a feature was written in, as shown to users.
    pub fn file_name(&self, feature: &Feature) -> &str {
        &self.sources.get(feature.file).name
    }
}

/// Services that do not say how many replicas they run get their tier's range. The span of a
/// defaulted value is the feature's `tier` (or the feature's name, when the tier is implied).
/// The feature is copied only when one of its services changes.
fn apply_tier(feature: &mut Arc<Feature>, tier: &TierDefaults) {
    let origin = feature.tier.as_ref().map_or(feature.name.span, |t| t.span);
    for i in 0..feature.services.len() {
        let current = feature.services[i].replicas.as_ref();
        let mut replicas = current.cloned().unwrap_or(Replicas {
            min: None,
            max: None,
            target_cpu: None,
            span: origin,
        });
        if replicas.min.is_none() {
            replicas.min = tier.replicas_min.map(|v| Spanned::new(v, origin));
        }
        if replicas.max.is_none() {
            let min = replicas.min.as_ref().map_or(0, |m| m.value);
            replicas.max = tier.replicas_max.map(|v| Spanned::new(v.max(min), origin));
        }
        if current != Some(&replicas) {
            Arc::make_mut(feature).services[i].replicas = Some(replicas);
        }
    }
}
