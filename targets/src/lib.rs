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

pub use gantry::artifact::Emit;

/// The targets gantry knows, by name, in the order they are built.
pub fn all() -> Vec<(&'static str, Emit)> {
    vec![
        ("kubernetes", Emit::Streamed(kubernetes::stream)),
        ("runbooks", Emit::Streamed(runbooks::stream)),
        ("prometheus", Emit::Streamed(prometheus::stream)),
        ("alertmanager", Emit::Whole(alertmanager::emit)),
        ("grafana", Emit::Streamed(grafana::stream)),
        ("policy", Emit::EnvironmentWide(policy::stream)),
        ("agents", Emit::EnvironmentWide(agents::stream)),
        ("terraform", Emit::Streamed(terraform::stream)),
    ]
}
