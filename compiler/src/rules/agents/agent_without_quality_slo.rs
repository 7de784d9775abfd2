use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};

use super::{agents, at_agent};

crate::declare_rule! {
    /// ## What it does
    /// Reports an agent without a `slo "task-success"`: no objective for the share of its runs
    /// that succeed.
    ///
    /// ## Why is this bad?
    /// An agent's quality drifts silently: the provider updates the model, a prompt changes, the
    /// tools it calls change their output. Its runs still finish, so no error alert fires, but
    /// more and more of its work is wrong or thrown away, and people quietly stop trusting it or,
    /// worse, keep trusting it. A task-success objective turns that drift into a burn-rate alert
    /// like any service's.
    ///
    /// ## Example
    /// ```kdl
    /// agent "triage" {
    ///     slo "cost-per-task" max-usd=0.50
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "triage" {
    ///     slo "task-success" objective=95
    ///     slo "cost-per-task" max-usd=0.50
    /// }
    /// ```
    pub AGENT_WITHOUT_QUALITY_SLO = ("agent-without-quality-slo", Severity::Warning, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for (feature, agent) in agents(cx) {
        if !agent.slos.iter().any(|s| s.kind.value == "task-success") {
            out.push(
                at_agent(
                    cx,
                    feature,
                    agent,
                    format!("agent `{}` has no task-success SLO", agent.name.value),
                    "nothing notices when its work gets worse",
                    "task-success SLO",
                )
                .help("say which share of its runs must succeed, e.g. `slo \"task-success\" objective=95`"),
            );
        }
    }
}
