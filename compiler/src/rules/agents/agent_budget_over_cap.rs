use crate::ast::{Agent, Budget, BudgetCap, Feature};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};
use crate::source::Spanned;

use super::{agents, at_value};

crate::declare_rule! {
    /// ## What it does
    /// Reports an agent whose daily or monthly dollar budget (`usd-per-day`, `usd-per-month`) or
    /// daily token budget (`tokens-per-day`) is above the `agent-budget` cap of its team (the
    /// agent's `owner`, else the feature's) or of the workspace, both set in `gantry.kdl`.
    ///
    /// ## Why is this bad?
    /// The caps are what a team and the organisation agreed an agent may cost. A spec that gives
    /// its agent more would raise that promise in a pull request that only the feature's
    /// reviewers see; the first one to find out is whoever pays the invoice. Keeping caps in
    /// `gantry.kdl` means raising one is a change to that file, reviewed by its owners.
    ///
    /// ## Example
    /// ```kdl
    /// // gantry.kdl: team "payments" { agent-budget usd-per-month=500 }
    /// agent "deploy-bot" {
    ///     owner "payments"
    ///     budget tokens-per-day=5000000 usd-per-month=2000
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "deploy-bot" {
    ///     owner "payments"
    ///     budget tokens-per-day=5000000 usd-per-month=400
    /// }
    /// ```
    pub AGENT_BUDGET_OVER_CAP = ("agent-budget-over-cap", Severity::Error, Scope::Feature, check);
}

/// One capped quantity: how to read it from a budget and a cap, and how to say it.
struct Quantity {
    key: &'static str,
    budget: fn(&Budget) -> Option<Spanned<f64>>,
    cap: fn(&BudgetCap) -> Option<Spanned<f64>>,
    say: fn(f64) -> String,
}

fn dollars(v: f64) -> String {
    format!("${v}")
}

fn tokens(v: f64) -> String {
    format!("{v} tokens")
}

const QUANTITIES: [Quantity; 3] = [
    Quantity {
        key: "usd-per-day",
        budget: |b| b.usd_per_day.clone(),
        cap: |c| c.usd_per_day.clone(),
        say: |v| format!("{} a day", dollars(v)),
    },
    Quantity {
        key: "usd-per-month",
        budget: |b| b.usd_per_month.clone(),
        cap: |c| c.usd_per_month.clone(),
        say: |v| format!("{} a month", dollars(v)),
    },
    Quantity {
        key: "tokens-per-day",
        budget: |b| b.tokens_per_day.clone().map(|t| t.map(|n| n as f64)),
        cap: |c| c.tokens_per_day.clone().map(|t| t.map(|n| n as f64)),
        say: |v| format!("{} a day", tokens(v)),
    },
];

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    let Some(workspace) = cx.workspace else {
        return;
    };
    for (feature, agent) in agents(cx) {
        let Some(budget) = &agent.budget else {
            continue;
        };
        let team = agent
            .owner
            .as_ref()
            .or(feature.owner.as_ref())
            .and_then(|owner| workspace.teams.iter().find(|t| t.name.value == owner.value));
        // The team's cap and the workspace's; when both are exceeded, the tighter is named.
        let caps: Vec<(String, &BudgetCap)> = team
            .and_then(|t| {
                t.agent_budget_cap
                    .as_ref()
                    .map(|c| (format!("team `{}`", t.name.value), c))
            })
            .into_iter()
            .chain(
                workspace
                    .agent_budget_cap
                    .as_ref()
                    .map(|c| ("the workspace".to_string(), c)),
            )
            .collect();
        for q in &QUANTITIES {
            let Some(value) = (q.budget)(budget) else {
                continue;
            };
            let exceeded: Option<(&str, Spanned<f64>)> = caps
                .iter()
                .filter_map(|(whose, cap)| (q.cap)(cap).map(|c| (whose.as_str(), c)))
                .filter(|(_, cap)| value.value > cap.value)
                .min_by(|a, b| a.1.value.total_cmp(&b.1.value));
            let Some((whose, cap)) = exceeded else {
                continue;
            };
            out.push(over_cap(cx, feature, agent, q, &value, whose, &cap));
        }
    }
}

fn over_cap(
    cx: &LintContext,
    feature: &Feature,
    agent: &Agent,
    q: &Quantity,
    value: &Spanned<f64>,
    whose: &str,
    cap: &Spanned<f64>,
) -> Finding {
    at_value(
        cx,
        feature,
        agent,
        value.span,
        format!(
            "agent `{}` may spend {}, over the cap of {whose}",
            agent.name.value,
            (q.say)(value.value)
        ),
        format!("over the cap by {}", trim(value.value - cap.value, q)),
    )
    .secondary(
        cap.span,
        format!("{whose} caps every agent at {}", (q.say)(cap.value)),
    )
    .help(format!(
        "lower `{}` to at most {}, or raise the cap in gantry.kdl, where its owners review it",
        q.key,
        trim(cap.value, q)
    ))
}

/// A difference or a limit, in the quantity's unit and without float noise.
fn trim(v: f64, q: &Quantity) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    if q.key.starts_with("usd") {
        dollars(rounded)
    } else {
        tokens(rounded)
    }
}
