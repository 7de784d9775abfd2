use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};

use super::{agents, at_agent};

crate::declare_rule! {
    /// ## What it does
    /// Reports an agent with no `rate-limit`.
    ///
    /// ## Why is this bad?
    /// A budget says how much an agent may spend in a day; a rate limit says how fast. Without
    /// one, a stuck loop or an alert storm spends the whole daily budget in minutes, hits the
    /// model provider's own limits for every other agent on the same account, and floods the
    /// tools it calls (the Kubernetes API, GitHub) until they throttle or fall over. The rate
    /// limit also gives on-call a lever: set it to zero to stop the agent without a deploy.
    ///
    /// ## Example
    /// ```kdl
    /// agent "triage" {
    ///     budget tokens-per-run=100000 tokens-per-day=2000000
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "triage" {
    ///     budget tokens-per-run=100000 tokens-per-day=2000000
    ///     rate-limit requests-per-minute=30 runs-per-hour=20 concurrency=2
    /// }
    /// ```
    pub AGENT_WITHOUT_RATE_LIMIT = ("agent-without-rate-limit", Severity::Warning, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for (feature, agent) in agents(cx) {
        if agent.rate_limit.is_none() {
            out.push(
                at_agent(
                    cx,
                    feature,
                    agent,
                    format!("agent `{}` has no rate limit", agent.name.value),
                    "nothing limits how fast it calls its model and tools",
                    "rate limit",
                )
                .help("add one, e.g. `rate-limit requests-per-minute=30 concurrency=2`"),
            );
        }
    }
}
