//! The gantry compiler: checks feature specs and emits what production runs on.

pub mod diagnostics;
pub mod schema;
pub mod source;
pub mod syntax;
