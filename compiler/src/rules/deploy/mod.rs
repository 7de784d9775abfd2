//! Lint rules: deploy.

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[];
