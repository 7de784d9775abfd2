//! The targets: one module per output format, each with one entry point that turns the model of
//! one environment into artifacts. Targets depend on the model only.

// Emitting reports a problem as a `Diagnostic` on the failure path, at most once per spec value:
// boxing every one of them would cost readability and buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod agents;
pub mod alertmanager;
pub mod grafana;
pub mod kubernetes;
pub mod policy;
pub mod prometheus;
mod promql;
pub mod runbooks;
pub mod terraform;

use gantry::artifact::Artifact;
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;

/// A target's entry point. Diagnostics found while emitting point at the spec span that caused
/// them.
pub type Emit = fn(&Model) -> Result<Vec<Artifact>, Vec<Diagnostic>>;

/// The targets gantry knows, by name, in the order they are built.
pub fn all() -> Vec<(&'static str, Emit)> {
    vec![
        ("kubernetes", kubernetes::emit),
        ("runbooks", runbooks::emit),
        ("prometheus", prometheus::emit),
        ("alertmanager", alertmanager::emit),
        ("grafana", grafana::emit),
        ("policy", policy::emit),
        ("agents", agents::emit),
        ("terraform", terraform::emit),
    ]
}
