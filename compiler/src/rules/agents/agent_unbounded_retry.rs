use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};

use super::{agents, at_value};

crate::declare_rule! {
    /// ## What it does
    /// Reports an agent's `retry` that does not bound its retries: no `max-attempts`, more than
    /// 10 attempts, or no `backoff` (or `backoff="none"`). An agent without `retry` does not
    /// retry, and is fine.
    ///
    /// ## Why is this bad?
    /// Retries are how an agent turns an outage of its model provider or of a tool into a bill
    /// and an outage of its own. Without a limit a failing call is retried for ever, each
    /// attempt paid for; without backoff the retries come back at once, all agents together,
    /// and keep the failing dependency down (a retry storm). gantry alerts on retry spirals, but
    /// only a bounded policy stops one.
    ///
    /// ## Example
    /// ```kdl
    /// agent "triage" {
    ///     retry max-attempts=50 backoff="none"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "triage" {
    ///     retry max-attempts=3 backoff="exponential" initial-delay="10s"
    /// }
    /// ```
    pub AGENT_UNBOUNDED_RETRY = ("agent-unbounded-retry", Severity::Error, Scope::Feature, check);
}

/// The most attempts, the first included, that a retry policy may make.
const MAX_ATTEMPTS: u32 = 10;

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for (feature, agent) in agents(cx) {
        let Some(retry) = &agent.retry else {
            continue;
        };
        let name = &agent.name.value;
        let mut report = |span, message: String, label: &str, help: &str| {
            out.push(
                at_value(cx, feature, agent, span, message, label.to_string())
                    .help(help.to_string()),
            );
        };
        let missing = match (&retry.max_attempts, &retry.backoff) {
            (None, None) => Some((
                "`max-attempts` or `backoff`",
                "a failing call is retried for ever, and at once",
            )),
            (None, Some(_)) => Some(("`max-attempts`", "a failing call is retried for ever")),
            (Some(_), None) => Some(("`backoff`", "retries come back at once")),
            (Some(_), Some(_)) => None,
        };
        if let Some((what, label)) = missing {
            report(
                retry.span,
                format!("agent `{name}` retries without {what}"),
                label,
                "bound it and back off, e.g. `retry max-attempts=3 backoff=\"exponential\"`",
            );
        }
        if let Some(max) = retry
            .max_attempts
            .as_ref()
            .filter(|m| m.value > MAX_ATTEMPTS)
        {
            report(
                max.span,
                format!(
                    "agent `{name}` may try {} times, more than {MAX_ATTEMPTS}",
                    max.value
                ),
                "every attempt is paid for, and hammers what is failing",
                "three attempts are usually enough: `max-attempts=3` (at most 10)",
            );
        }
        if let Some(backoff) = retry.backoff.as_ref().filter(|b| b.value == "none") {
            report(
                backoff.span,
                format!("agent `{name}` retries without backoff"),
                "retries come back at once",
                "wait longer after each failure: `backoff=\"exponential\"`",
            );
        }
    }
}
