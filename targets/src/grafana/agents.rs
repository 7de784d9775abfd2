//! Per agent a row: its spend against every budget it declares (the budget is the red
//! threshold), cost per task, runs by outcome, task success against its objective, guardrail
//! actions and denied tool calls. The queries read the runtime's metrics of DESIGN §6 with
//! `increase()`; "per day" and "per month" are the last 24 hours and the last 30 days.

use gantry::ast::{Agent, AgentSlo, Feature};
use gantry::consequences::DEFAULT_WINDOW;

use super::panels::{Grid, Panel, Step, query, step};
use crate::promql::{escape, number};

/// Spend turns orange at this share of a budget.
const WARN_SHARE: f64 = 0.8;

/// One declared budget: what it limits and the query of that spend.
struct Budget {
    title: String,
    unit: &'static str,
    limit: f64,
    expr: String,
    description: String,
}

fn budgets(agent: &Agent, selector: &str) -> Vec<Budget> {
    let Some(budget) = &agent.budget else {
        return Vec::new();
    };
    let tokens = |range: &str| format!("sum(increase(agent_tokens_total{selector}[{range}]))");
    let usd = |range: &str| format!("sum(increase(agent_cost_usd_total{selector}[{range}]))");
    let mut out = Vec::new();
    if let Some(limit) = &budget.tokens_per_run {
        out.push(Budget {
            title: "tokens per run (p99)".into(),
            unit: "short",
            limit: limit.value as f64,
            expr: format!(
                "histogram_quantile(0.99, sum by (le) (rate(agent_run_tokens_bucket{selector}[1h])))"
            ),
            description: "The 99th percentile of tokens one run used over the last hour.".into(),
        });
    }
    if let Some(limit) = &budget.tokens_per_day {
        out.push(Budget {
            title: "tokens, last 24 h".into(),
            unit: "short",
            limit: limit.value as f64,
            expr: tokens("1d"),
            description: "Tokens of all runs over the last 24 hours: the aggregate a per-run limit misses when the agent simply runs more often.".into(),
        });
    }
    if let Some(limit) = &budget.tokens_per_month {
        out.push(Budget {
            title: "tokens, last 30 days".into(),
            unit: "short",
            limit: limit.value as f64,
            expr: tokens("30d"),
            description: "Tokens of all runs over the last 30 days.".into(),
        });
    }
    if let Some(limit) = &budget.usd_per_day {
        out.push(Budget {
            title: "spend, last 24 h".into(),
            unit: "currencyUSD",
            limit: limit.value,
            expr: usd("1d"),
            description: "What the agent's runs cost over the last 24 hours.".into(),
        });
    }
    if let Some(limit) = &budget.usd_per_month {
        out.push(Budget {
            title: "spend, last 30 days".into(),
            unit: "currencyUSD",
            limit: limit.value,
            expr: usd("30d"),
            description: "What the agent's runs cost over the last 30 days.".into(),
        });
    }
    out
}

fn slo<'a>(agent: &'a Agent, kind: &str) -> Option<&'a AgentSlo> {
    agent.slos.iter().find(|s| s.kind.value == kind)
}

pub fn place(grid: &mut Grid, feature: &Feature, agent: &Agent) {
    let name = &agent.name.value;
    let selector = format!(
        "{{feature=\"{}\", agent=\"{}\"}}",
        escape(&feature.name.value),
        escape(name)
    );
    grid.row(format!("Agent {name}"));
    for budget in budgets(agent, &selector) {
        grid.place(
            Panel::new("timeseries", format!("{name}: {}", budget.title), 8, 7)
                .describe(format!(
                    "{} Budget: {}.",
                    budget.description,
                    number(budget.limit)
                ))
                .unit(budget.unit)
                .query(query(budget.expr, "spent"))
                .threshold_lines()
                .range(Some(0.0), None)
                .thresholds(
                    "green",
                    vec![
                        step(budget.limit * WARN_SHARE, "orange"),
                        step(budget.limit, "red"),
                    ],
                ),
        );
    }
    cost_per_task(grid, agent, &selector);
    grid.place(
        Panel::new("timeseries", format!("{name}: runs by outcome"), 8, 7)
            .describe("Runs per hour by outcome: success, failure, timeout, blocked.")
            .query(query(
                format!("sum by (outcome) (increase(agent_runs_total{selector}[1h]))"),
                "{{outcome}}",
            ))
            .stacked(),
    );
    if let Some(success) = slo(agent, "task-success") {
        let window = success.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value);
        let objective = success.objective.as_ref().map(|o| o.value);
        let success_selector = format!(
            "{{feature=\"{}\", agent=\"{}\", outcome=\"success\"}}",
            escape(&feature.name.value),
            escape(name)
        );
        let mut panel = Panel::new("gauge", format!("{name}: task success over {window}"), 8, 7)
            .describe(format!(
                "The share of runs that succeeded over the task-success SLO's {window}{}.",
                objective.map_or(String::new(), |o| format!("; the objective is {} %", number(o)))
            ))
            .unit("percentunit")
            .range(Some(0.0), Some(1.0))
            .query(query(
                format!(
                    "sum(increase(agent_runs_total{success_selector}[{window}])) / sum(increase(agent_runs_total{selector}[{window}]))"
                ),
                "success",
            ));
        if let Some(objective) = objective {
            panel = panel.thresholds("red", vec![step(objective / 100.0, "green")]);
        }
        grid.place(panel);
    }
    grid.place(
        Panel::new("timeseries", format!("{name}: guardrail actions"), 8, 7)
            .describe("Guardrail actions per hour (block, redact, escalate), by guardrail.")
            .query(query(
                format!(
                    "sum by (guardrail, action) (increase(agent_guardrail_actions_total{selector}[1h]))"
                ),
                "{{guardrail}} {{action}}",
            )),
    );
    let denied_selector = format!(
        "{{feature=\"{}\", agent=\"{}\", decision=\"denied\"}}",
        escape(&feature.name.value),
        escape(name)
    );
    grid.place(
        Panel::new("timeseries", format!("{name}: denied tool calls"), 8, 7)
            .describe(
                "Tool calls the policy denied per hour, by tool: an agent that keeps trying what it may not do.",
            )
            .query(query(
                format!(
                    "sum by (tool) (increase(agent_tool_calls_total{denied_selector}[1h]))"
                ),
                "{{tool}}",
            )),
    );
}

/// Cost per run over the last hour, with the cost-per-task objective and the per-run budget as
/// thresholds.
fn cost_per_task(grid: &mut Grid, agent: &Agent, selector: &str) {
    let name = &agent.name.value;
    let mut limits: Vec<(f64, &str)> = Vec::new();
    if let Some(max) = slo(agent, "cost-per-task").and_then(|s| s.max_usd.as_ref()) {
        limits.push((max.value, "cost-per-task objective"));
    }
    if let Some(per_run) = agent.budget.as_ref().and_then(|b| b.usd_per_run.as_ref()) {
        limits.push((per_run.value, "per-run budget"));
    }
    limits.sort_by(|a, b| a.0.total_cmp(&b.0));
    let described: Vec<String> = limits
        .iter()
        .map(|(value, what)| format!("{what} ${}", number(*value)))
        .collect();
    let steps: Vec<Step> = limits
        .iter()
        .enumerate()
        .map(|(i, (value, _))| step(*value, if i == 0 { "orange" } else { "red" }))
        .collect();
    let mut panel = Panel::new("timeseries", format!("{name}: cost per task"), 8, 7)
        .describe(if described.is_empty() {
            "What one run cost on average over the last hour.".to_string()
        } else {
            format!(
                "What one run cost on average over the last hour. Limits: {}.",
                described.join(", ")
            )
        })
        .unit("currencyUSD")
        .range(Some(0.0), None)
        .query(query(
            format!(
                "sum(increase(agent_cost_usd_total{selector}[1h])) / sum(increase(agent_runs_total{selector}[1h]))"
            ),
            "per run",
        ));
    if !steps.is_empty() {
        panel = panel.threshold_lines().thresholds("green", steps);
    }
    grid.place(panel);
}
