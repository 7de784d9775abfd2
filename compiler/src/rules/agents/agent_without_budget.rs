use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};

use super::{agents, at_agent, at_value};

crate::declare_rule! {
    /// ## What it does
    /// Reports an agent with no `budget`, or a `budget` that sets no limit.
    ///
    /// ## Why is this bad?
    /// Nothing then stops the agent's spend. A prompt that makes it loop, a tool that keeps
    /// failing, or a task that never converges turns into a model bill of thousands of dollars
    /// overnight, and the first to notice is finance at the end of the month. gantry derives the
    /// agent runtime's hard limits and the spend alerts from the budget: without one there are
    /// neither.
    ///
    /// ## Example
    /// ```kdl
    /// agent "triage" {
    ///     model "claude-sonnet" provider="anthropic"
    ///     allow "read" "k8s:*"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "triage" {
    ///     model "claude-sonnet" provider="anthropic"
    ///     budget tokens-per-run=100000 tokens-per-day=2000000 usd-per-month=300
    ///     allow "read" "k8s:*"
    /// }
    /// ```
    pub AGENT_WITHOUT_BUDGET = ("agent-without-budget", Severity::Error, Scope::Feature, check);
}

const HELP: &str =
    "give it a daily or monthly limit, e.g. `budget tokens-per-day=2000000 usd-per-month=300`";

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for (feature, agent) in agents(cx) {
        let name = &agent.name.value;
        match &agent.budget {
            None => out.push(
                at_agent(
                    cx,
                    feature,
                    agent,
                    format!("agent `{name}` has no budget"),
                    "nothing limits what it spends",
                    "budget",
                )
                .help(HELP),
            ),
            Some(budget) => {
                let limits = [
                    budget.tokens_per_run.as_ref().map(|v| v.span),
                    budget.tokens_per_day.as_ref().map(|v| v.span),
                    budget.tokens_per_month.as_ref().map(|v| v.span),
                    budget.usd_per_run.as_ref().map(|v| v.span),
                    budget.usd_per_day.as_ref().map(|v| v.span),
                    budget.usd_per_month.as_ref().map(|v| v.span),
                ];
                if limits.iter().all(Option::is_none) {
                    out.push(
                        at_value(
                            cx,
                            feature,
                            agent,
                            budget.span,
                            format!("the budget of agent `{name}` sets no limit"),
                            "an empty budget limits nothing".to_string(),
                        )
                        .help(HELP),
                    );
                }
            }
        }
    }
}
