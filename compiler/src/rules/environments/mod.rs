//! Lint rules that compare environments.

mod environment_drift;

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[&environment_drift::ENVIRONMENT_DRIFT];
