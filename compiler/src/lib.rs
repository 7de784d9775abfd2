//! The gantry compiler: checks feature specs and emits what production runs on.

pub mod artifact;
pub mod ast;
pub mod build;
pub mod check;
pub mod consequences;
pub mod diagnostics;
pub mod docs;
pub mod graph;
pub mod lint;
pub mod merge;
pub mod model;
pub mod resolve;
pub mod risk;
pub mod rules;
pub mod schema;
pub mod source;
pub mod stdlib;
pub mod suggest;
pub mod syntax;
pub mod validate;
pub mod values;
pub mod vfs;
pub mod workspace;
