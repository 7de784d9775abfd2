//! Lint rules: secrets.

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[];
