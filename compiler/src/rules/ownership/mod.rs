//! Lint rules: ownership.

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[];
