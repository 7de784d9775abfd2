//! Every rule gantry checks, each with a stable id: the errors of the language itself, and the
//! lint rules, one file per rule under a folder per concern. A rule's doc comment is its
//! documentation: `gantry explain ID` prints it and the editor shows it on hover.

pub mod agents;
pub mod deploy;
pub mod environments;
pub mod gates;
pub mod language;
pub mod observability;
pub mod ownership;
pub mod secrets;

use crate::diagnostics::Severity;
use crate::lint::Rule;

/// Every lint rule, grouped by concern.
pub fn lints() -> impl Iterator<Item = &'static Rule> {
    [
        ownership::RULES,
        observability::RULES,
        deploy::RULES,
        gates::RULES,
        agents::RULES,
        secrets::RULES,
        environments::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
}

pub fn lint(id: &str) -> Option<&'static Rule> {
    lints().find(|r| r.id == id)
}

pub fn is_lint(id: &str) -> bool {
    lint(id).is_some()
}

/// The ids of the lint rules: stable names that specs and `gantry.kdl` refer to. A test keeps
/// this list and the rules in step.
pub const LINT_IDS: &[&str] = &[
    "service-without-slo",
    "alert-without-runbook",
    "feature-without-owner",
    "team-chat-without-receiver",
    "slo-objective-unrealistic",
    "slo-window-too-short",
    "canary-without-rollback-trigger",
    "rollback-trigger-without-telemetry",
    "rollout-without-manual-override",
    "irreversible-without-human-gate",
    "agent-can-bypass-gate",
    "agent-without-budget",
    "agent-budget-per-run-only",
    "agent-budget-over-cap",
    "agent-unbounded-retry",
    "agent-long-lived-credentials",
    "agent-wildcard-write",
    "agent-rule-shadowed",
    "agent-without-rate-limit",
    "agent-data-without-pii-guardrail",
    "guardrail-cannot-apply",
    "agent-without-quality-slo",
    "secret-literal",
    "secret-in-plain-env",
    "image-without-digest",
    "unused-runbook",
    "environment-drift",
];

/// Every id: the language's, then the lints'.
pub fn all_ids() -> impl Iterator<Item = &'static str> {
    language::ERRORS
        .iter()
        .map(|e| e.id)
        .chain(LINT_IDS.iter().copied())
}

/// The documentation of any id, with its default severity.
pub fn explain(id: &str) -> Option<(Severity, &'static str)> {
    if let Some(e) = language::ERRORS.iter().find(|e| e.id == id) {
        return Some((Severity::Error, e.doc));
    }
    lint(id).map(|r| (r.default, r.doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lint_id_has_its_rule_and_every_rule_its_id() {
        for id in LINT_IDS {
            assert!(lint(id).is_some(), "no rule implements `{id}`");
        }
        for rule in lints() {
            assert!(
                LINT_IDS.contains(&rule.id),
                "`{}` is not in LINT_IDS",
                rule.id
            );
            assert_eq!(
                lints().filter(|r| r.id == rule.id).count(),
                1,
                "`{}` twice",
                rule.id
            );
        }
    }

    #[test]
    fn every_rule_is_documented_in_full() {
        let docs = lints()
            .map(|r| (r.id, r.doc))
            .chain(language::ERRORS.iter().map(|e| (e.id, e.doc)));
        for (id, doc) in docs {
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(
                    doc.contains(section),
                    "the documentation of `{id}` has no `{section}`"
                );
            }
        }
    }
}
