//! Lint rules: gates.

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[];
