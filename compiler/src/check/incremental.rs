//! What a check keeps for the next one, beyond each file's parse: the lowered features per file,
//! and what was derived from the features (references, dependency cycles, lint findings). The
//! language server checks after every keystroke, and a keystroke changes one feature.

use std::sync::Arc;

use super::lowering;
use crate::ast::Feature;
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::syntax::Document;

#[derive(Debug, Default)]
pub(super) struct Incremental {
    pub lowerings: lowering::Cache,
    pub derived: Derived,
    /// What `derived` was found with: beyond the features, the lowerings' context (presets,
    /// environments) and gantry.kdl's tree (teams, lint settings, the risk table).
    context: lowering::Context,
    workspace: Option<Arc<Document>>,
}

/// What was derived from the features of each environment.
#[derive(Debug, Default)]
pub(super) struct Derived {
    pub resolved: Vec<crate::resolve::Kept>,
    pub cycles: Vec<Cycles>,
    pub lints: crate::lint::Cache,
}

impl Incremental {
    /// What the last check derived, emptied first unless it was found in the same `context`
    /// with the same gantry.kdl `workspace` tree.
    pub fn derived(
        &mut self,
        context: &lowering::Context,
        workspace: Option<&Arc<Document>>,
    ) -> &mut Derived {
        let same_workspace = match (&self.workspace, workspace) {
            (Some(kept), Some(now)) => Arc::ptr_eq(kept, now),
            (None, None) => true,
            _ => false,
        };
        if !same_workspace || !self.context.is(context) {
            self.derived = Derived::default();
            self.context = context.clone();
            self.workspace = workspace.cloned();
        }
        &mut self.derived
    }
}

impl Derived {
    /// Room for what is derived in each of `environments` (the same, while valid).
    pub fn for_environments(&mut self, environments: usize) -> &mut Derived {
        self.resolved.resize_with(environments, Default::default);
        self.cycles.resize_with(environments, Default::default);
        self
    }
}

/// The dependency cycles among one environment's services, with the features they were found
/// in.
#[derive(Debug, Default)]
pub(super) struct Cycles {
    features: Vec<Arc<Feature>>,
    found: Vec<Diagnostic>,
}

impl Cycles {
    /// The cycles among the services of `features`. Where the last features had none and every
    /// feature still has the same services with the same dependencies, there are none now
    /// either; otherwise they are looked for again.
    pub fn of(&mut self, features: &[Arc<Feature>]) -> Vec<Diagnostic> {
        let unchanged = self.found.is_empty()
            && !self.features.is_empty()
            && self.features.len() == features.len()
            && self
                .features
                .iter()
                .zip(features)
                .all(|(was, now)| Arc::ptr_eq(was, now) || same_dependencies(was, now));
        if !unchanged {
            self.found = Graph::service_dependencies(features).cycles();
        }
        self.features = features.to_vec();
        self.found.clone()
    }
}

/// The same feature name, services and dependencies between services, wherever written.
fn same_dependencies(a: &Feature, b: &Feature) -> bool {
    a.name.value == b.name.value
        && a.services.len() == b.services.len()
        && a.services.iter().zip(&b.services).all(|(x, y)| {
            x.name.value == y.name.value
                && x.depends_on
                    .iter()
                    .map(|d| &d.value)
                    .eq(y.depends_on.iter().map(|d| &d.value))
        })
}
