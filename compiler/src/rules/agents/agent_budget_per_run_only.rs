use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};

use super::{agents, at_value};

crate::declare_rule! {
    /// ## What it does
    /// Reports an agent whose budget limits only single runs (`tokens-per-run`, `usd-per-run`)
    /// and sets no daily or monthly limit (`tokens-per-day`, `tokens-per-month`, `usd-per-day`,
    /// `usd-per-month`).
    ///
    /// ## Why is this bad?
    /// A per-run limit stops one runaway run, but not an agent that simply runs more often: an
    /// alert storm that starts it two hundred times, a retry loop in whatever schedules it, a
    /// webhook that fires on its own output. Each run stays under its limit while the total
    /// spends a month's money in a night, and no budget alert fires because none is exceeded.
    ///
    /// ## Example
    /// ```kdl
    /// agent "triage" {
    ///     budget tokens-per-run=100000
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "triage" {
    ///     budget tokens-per-run=100000 tokens-per-day=2000000 usd-per-month=300
    /// }
    /// ```
    pub AGENT_BUDGET_PER_RUN_ONLY = ("agent-budget-per-run-only", Severity::Error, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for (feature, agent) in agents(cx) {
        let Some(budget) = &agent.budget else {
            continue;
        };
        let per_run = budget
            .tokens_per_run
            .as_ref()
            .map(|v| v.span)
            .or(budget.usd_per_run.as_ref().map(|v| v.span));
        let aggregate = budget.tokens_per_day.is_some()
            || budget.tokens_per_month.is_some()
            || budget.usd_per_day.is_some()
            || budget.usd_per_month.is_some();
        if let (Some(span), false) = (per_run, aggregate) {
            out.push(
                at_value(
                    cx,
                    feature,
                    agent,
                    span,
                    format!(
                        "agent `{}` has only a per-run budget: nothing limits how much all its runs spend",
                        agent.name.value
                    ),
                    "limits one run, not how many runs there are".to_string(),
                )
                .help("add a daily or monthly limit, e.g. `tokens-per-day=2000000` or `usd-per-month=300`"),
            );
        }
    }
}
