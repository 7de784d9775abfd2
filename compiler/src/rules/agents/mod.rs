//! Lint rules: agents.

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[];
