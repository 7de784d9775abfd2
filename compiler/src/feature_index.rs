//! Features by name, so that lookups stay constant-time in workspaces of thousands of features.

use std::borrow::Borrow;
use std::collections::HashMap;

use crate::ast::Feature;

/// Where each feature name occurs in a list of features (a name can occur twice: that is a
/// `duplicate-name` error, and both stay visible).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FeatureIndex {
    positions: HashMap<String, Vec<usize>>,
}

impl FeatureIndex {
    /// The index of `features`: the features themselves or shared ones (`Arc<Feature>`).
    pub fn new<F: Borrow<Feature>>(features: &[F]) -> FeatureIndex {
        let mut positions: HashMap<String, Vec<usize>> = HashMap::with_capacity(features.len());
        for (i, feature) in features.iter().enumerate() {
            positions
                .entry(feature.borrow().name.value.clone())
                .or_default()
                .push(i);
        }
        FeatureIndex { positions }
    }

    /// The first feature of `features` named `name`; `features` is the list the index was built
    /// from.
    pub fn first<'f, F: Borrow<Feature>>(
        &self,
        features: &'f [F],
        name: &str,
    ) -> Option<&'f Feature> {
        self.all(features, name).next()
    }

    /// Where the features named `name` stand in the list the index was built from.
    pub fn positions(&self, name: &str) -> &[usize] {
        self.positions.get(name).map_or(&[], Vec::as_slice)
    }

    /// Every feature of `features` named `name`, in order.
    pub fn all<'f, F: Borrow<Feature>>(
        &self,
        features: &'f [F],
        name: &str,
    ) -> impl Iterator<Item = &'f Feature> + use<'f, '_, F> {
        self.positions
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| features.get(i).map(Borrow::borrow))
    }
}
