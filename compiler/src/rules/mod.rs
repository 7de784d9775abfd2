//! The registry of rule ids: every diagnostic gantry can give has one, stable across releases.

use crate::diagnostics::Severity;

/// Errors of the language itself: always errors, never silenced.
pub const LANGUAGE: &[&str] = &[
    "syntax",
    "unknown-node",
    "unknown-property",
    "missing-required",
    "invalid-value",
    "invalid-name",
    "duplicate-name",
    "unresolved-reference",
    "dependency-cycle",
    "unknown-environment",
    "unknown-preset",
];

/// Lint rules and their default severity.
pub const LINTS: &[(&str, Severity)] = &[
    ("service-without-slo", Severity::Error),
    ("alert-without-runbook", Severity::Error),
    ("feature-without-owner", Severity::Error),
    ("slo-objective-unrealistic", Severity::Warning),
    ("canary-without-rollback-trigger", Severity::Error),
    ("rollback-trigger-without-telemetry", Severity::Error),
    ("rollout-without-manual-override", Severity::Warning),
    ("irreversible-without-human-gate", Severity::Error),
    ("agent-can-bypass-gate", Severity::Error),
    ("agent-without-budget", Severity::Error),
    ("agent-budget-per-run-only", Severity::Error),
    ("agent-unbounded-retry", Severity::Error),
    ("agent-long-lived-credentials", Severity::Warning),
    ("agent-wildcard-write", Severity::Error),
    ("agent-without-rate-limit", Severity::Warning),
    ("agent-data-without-pii-guardrail", Severity::Error),
    ("agent-without-quality-slo", Severity::Warning),
    ("secret-literal", Severity::Error),
    ("secret-in-plain-env", Severity::Error),
    ("image-without-digest", Severity::Warning),
    ("unused-runbook", Severity::Warning),
];

pub fn is_lint(id: &str) -> bool {
    LINTS.iter().any(|(l, _)| *l == id)
}

pub fn all_ids() -> impl Iterator<Item = &'static str> {
    LANGUAGE
        .iter()
        .copied()
        .chain(LINTS.iter().map(|(id, _)| *id))
}
