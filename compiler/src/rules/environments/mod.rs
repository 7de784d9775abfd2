//! Lint rules: environments.

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[];
