//! Lint rules about who answers for a feature.

mod feature_without_owner;

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[&feature_without_owner::FEATURE_WITHOUT_OWNER];
