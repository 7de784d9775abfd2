//! Per agent, the rules of DESIGN §6's metric conventions, in a group `agent-FEATURE-AGENT` of
//! the feature's rule file: spend recordings, and an alert for each limit the agent's spec sets
//! (an agent without a monthly budget gets no monthly alert). The task-success SLO goes through
//! the same burn-rate machinery as a feature's SLOs.
//!
//! Every alert carries a proof (see `agent_tests`): what to feed promtool for it to fire just
//! above its threshold and stay silent just below.

use gantry::ast::{Agent, AgentSlo, Feature};
use gantry::consequences::DEFAULT_WINDOW;
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use gantry::source::Span;
use gantry::values::Duration;
use serde_json::{Map, Value, json};

use super::fixture;
use super::rules::{self, Objective, SloRules, common_labels, runbook_url};
use crate::promql::{self, escape, le_matcher, number};

/// The window cost per task is judged over when its SLO names none.
const COST_PER_TASK_WINDOW: Duration = Duration::from_minutes(24 * 60);
/// How many times the week's average hourly count makes a spike.
pub const SPIKE_FACTOR: f64 = 3.0;
/// Runs in an hour below which a run-rate spike is not worth a ticket.
const RUN_FLOOR: i64 = 10;
/// Guardrail blocks or policy denials in an hour below which a spike is not worth a ticket.
const EVENT_FLOOR: i64 = 5;
const DAY: Duration = Duration::from_minutes(24 * 60);
const MONTH: Duration = Duration::from_minutes(30 * 24 * 60);

/// What an agent's alert watches, so its test can feed the right series.
pub enum Watch {
    /// Runs over the per-run token limit, from the `agent_run_tokens` histogram.
    RunTokens { limit: f64 },
    /// A counter's increase over `window` above `limit` (tokens or USD).
    Spend {
        metric: &'static str,
        window: Duration,
        limit: f64,
    },
    /// The month's spend, extrapolated to the end of the calendar month, above `limit`.
    Forecast { metric: &'static str, limit: f64 },
    /// Retries per run above `allowed`.
    Retries { allowed: f64 },
    /// A counter's last hour above [`SPIKE_FACTOR`] × its weekly hourly average, and at least
    /// `floor`.
    Spike {
        metric: &'static str,
        /// The alert's matchers and, for the test series, the other labels the metric carries.
        labels: Vec<(&'static str, String)>,
        floor: i64,
    },
    /// Dollars per successful run over `window` above `limit`.
    CostPerTask { window: Duration, limit: f64 },
}

pub struct AgentAlert {
    pub name: String,
    pub expr: String,
    pub labels: Map<String, Value>,
    pub annotations: Map<String, Value>,
    pub watch: Watch,
}

/// Everything the rules and tests need about one agent.
pub struct AgentRules {
    pub feature: String,
    pub agent: String,
    pub recordings: Vec<Value>,
    pub alerts: Vec<AgentAlert>,
    /// The task-success SLO, as a burn-rate objective.
    pub task_success: Option<SloRules>,
    /// The per-run token limit, for the test that an agent running often is caught by the daily
    /// budget and not by the per-run limit.
    pub tokens_per_run: Option<f64>,
}

impl AgentRules {
    pub fn groups(&self) -> Vec<Value> {
        let mut rules = self.recordings.clone();
        rules.extend(self.alerts.iter().map(|a| {
            json!({
                "alert": a.name,
                "expr": a.expr,
                "labels": a.labels,
                "annotations": a.annotations,
            })
        }));
        let mut groups = Vec::new();
        if !rules.is_empty() {
            groups.push(json!({
                "name": format!("agent-{}-{}", self.feature, self.agent),
                "rules": rules,
            }));
        }
        if let Some(slo) = &self.task_success {
            groups.extend(slo.groups());
        }
        groups
    }
}

fn selector(feature: &str, agent: &str, extra: &str) -> String {
    let mut s = format!(
        "{{feature=\"{}\", agent=\"{}\"",
        escape(feature),
        escape(agent)
    );
    if !extra.is_empty() {
        s.push_str(", ");
        s.push_str(extra);
    }
    s.push('}');
    s
}

/// A spend recording's name: `agent:tokens:increase1d`.
pub fn spend_record(metric: &str, window: Duration) -> String {
    let what = match metric {
        "agent_cost_usd_total" => "cost_usd",
        _ => "tokens",
    };
    format!("agent:{what}:increase{window}")
}

pub fn agent_rules(
    model: &Model,
    feature: &Feature,
    agent: &Agent,
) -> Result<AgentRules, Box<Diagnostic>> {
    let f = feature.name.value.as_str();
    let a = agent.name.value.as_str();
    let owner = agent
        .owner
        .as_ref()
        .map_or_else(|| rules::owner(feature), |o| o.value.clone());
    // The agent's own page of the runbooks target, unless it names a runbook of the workspace.
    let runbook = match &agent.runbook {
        Some(r) => runbook_url(model, feature, &r.value),
        None => runbook_url(model, feature, &format!("agents/{a}")),
    };
    let sel = selector(f, a, "");
    let mut out = AgentRules {
        feature: f.to_string(),
        agent: a.to_string(),
        recordings: Vec::new(),
        alerts: Vec::new(),
        task_success: None,
        tokens_per_run: None,
    };
    let alert = |suffix: &str,
                 severity: &str,
                 expr: String,
                 summary: String,
                 description: String,
                 watch: Watch| {
        let mut labels = common_labels(feature, &owner, severity);
        labels.insert("agent".into(), json!(a));
        let mut annotations = Map::new();
        annotations.insert(
            "summary".into(),
            json!(super::rules::go_template_literal(&summary)),
        );
        annotations.insert(
            "description".into(),
            json!(super::rules::go_template_literal(&description)),
        );
        annotations.insert("runbook_url".into(), json!(runbook));
        AgentAlert {
            name: format!("{f}-{a}-{suffix}"),
            expr,
            labels,
            annotations,
            watch,
        }
    };
    let mut alerts = Vec::new();
    let mut recordings = Vec::new();
    let mut record = |metric: &'static str, window: Duration| {
        let name = spend_record(metric, window);
        recordings.push(json!({
            "record": name,
            "expr": format!("sum(increase({metric}{sel}[{window}]))"),
            "labels": { "feature": f, "agent": a },
        }));
        format!("{name}{sel}")
    };

    if let Some(budget) = &agent.budget {
        if let Some(limit) = &budget.tokens_per_run {
            let limit = limit.value as f64;
            out.tokens_per_run = Some(limit);
            let le = le_matcher(limit);
            alerts.push(alert(
                "tokens-per-run",
                "ticket",
                format!(
                    "sum(increase(agent_run_tokens_count{sel}[1h])) - (sum(increase(agent_run_tokens_bucket{}[1h])) or vector(0)) > 0",
                    selector(f, a, &le)
                ),
                format!("Agent {f}/{a} had runs over its per-run token limit"),
                format!(
                    "In the last hour, runs of agent {a} used more than {} tokens each (`budget tokens-per-run`). It counts runs in `agent_run_tokens` above the bucket at the limit; a histogram without that bucket counts every run as over it.",
                    number(limit)
                ),
                Watch::RunTokens { limit },
            ));
        }
        let spends = [
            (
                "tokens-per-day",
                budget.tokens_per_day.as_ref().map(|v| v.value as f64),
                "agent_tokens_total",
                DAY,
                "tokens",
            ),
            (
                "tokens-per-month",
                budget.tokens_per_month.as_ref().map(|v| v.value as f64),
                "agent_tokens_total",
                MONTH,
                "tokens",
            ),
            (
                "usd-per-day",
                budget.usd_per_day.as_ref().map(|v| v.value),
                "agent_cost_usd_total",
                DAY,
                "USD",
            ),
            (
                "usd-per-month",
                budget.usd_per_month.as_ref().map(|v| v.value),
                "agent_cost_usd_total",
                MONTH,
                "USD",
            ),
        ];
        for (name, limit, metric, window, unit) in spends {
            let Some(limit) = limit else { continue };
            let recorded = record(metric, window);
            alerts.push(alert(
                name,
                "page",
                format!("{recorded} > {}", number(limit)),
                format!("Agent {f}/{a} spent more than its {name} budget"),
                format!(
                    "Agent {a} spent more than {} {unit} over the last {window} (`budget {name}`), however many runs it took. Stop it (see the runbook) before it spends more.",
                    number(limit)
                ),
                Watch::Spend { metric, window, limit },
            ));
            if window == MONTH {
                let kind = if unit == "USD" { "usd" } else { "tokens" };
                alerts.push(alert(
                    &format!("{kind}-month-forecast"),
                    "ticket",
                    format!(
                        "predict_linear({recorded}[1d], scalar(days_in_month() - day_of_month()) * 86400) > {}",
                        number(limit)
                    ),
                    format!("Agent {f}/{a} will run out of its {name} budget before the month ends"),
                    format!(
                        "At the pace of the last day, agent {a}'s spend over 30 days passes {} {unit} (`budget {name}`) before the end of this calendar month.",
                        number(limit)
                    ),
                    Watch::Forecast { metric, limit },
                ));
            }
        }
    }

    if let Some(max) = agent.retry.as_ref().and_then(|r| r.max_attempts.as_ref()) {
        let allowed = f64::from(max.value.saturating_sub(1));
        alerts.push(alert(
            "retry-spiral",
            "page",
            format!(
                "sum(increase(agent_retries_total{sel}[1h])) / sum(increase(agent_runs_total{sel}[1h])) > {}",
                number(allowed)
            ),
            format!("Agent {f}/{a} is retrying more than its retry policy allows"),
            format!(
                "Over the last hour agent {a} retried more than {} times per run, more than `retry max-attempts={}` allows: something it calls is failing and every retry costs tokens.",
                number(allowed),
                max.value
            ),
            Watch::Retries { allowed },
        ));
    }

    let run_floor = agent
        .rate_limit
        .as_ref()
        .and_then(|r| r.runs_per_hour.as_ref())
        .map_or(RUN_FLOOR, |r| r.value.clamp(1, RUN_FLOOR));
    // `matchers` select the events; `series_labels` are the metric's other labels, which the
    // alert sums over and the test series carry.
    let spike = |suffix: &str,
                 metric: &'static str,
                 matchers: Vec<(&'static str, String)>,
                 series_labels: Vec<(&'static str, String)>,
                 floor: i64,
                 what: &str| {
        let extra: Vec<String> = matchers
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
            .collect();
        let s = selector(f, a, &extra.join(", "));
        let hour = format!("sum(increase({metric}{s}[1h]))");
        alert(
            suffix,
            "ticket",
            format!(
                "({hour} > {} * sum(increase({metric}{s}[7d])) / 168) and ({hour} >= {floor})",
                number(SPIKE_FACTOR)
            ),
            format!("Agent {f}/{a}: {what} spiking"),
            format!(
                "Agent {a} had more {what} in the last hour than {}× its hourly average over the last week (and at least {floor}).",
                number(SPIKE_FACTOR)
            ),
            Watch::Spike {
                metric,
                labels: matchers.into_iter().chain(series_labels).collect(),
                floor,
            },
        )
    };
    alerts.push(spike(
        "run-rate-anomaly",
        "agent_runs_total",
        Vec::new(),
        vec![("outcome", "success".to_string())],
        run_floor,
        "runs",
    ));
    if let Some(block) = agent
        .guardrails
        .iter()
        .find(|g| g.action.as_ref().is_some_and(|a| a.value == "block"))
    {
        alerts.push(spike(
            "guardrail-blocks-spike",
            "agent_guardrail_actions_total",
            vec![("action", "block".to_string())],
            vec![("guardrail", block.kind.value.clone())],
            EVENT_FLOOR,
            "guardrail blocks",
        ));
    }
    if let Some(rule) = agent.rules.first() {
        alerts.push(spike(
            "policy-denials-spike",
            "agent_tool_calls_total",
            vec![("decision", "denied".to_string())],
            vec![("tool", rule.action.value.clone())],
            EVENT_FLOOR,
            "policy denials",
        ));
    }

    for slo in &agent.slos {
        match slo.kind.value.as_str() {
            "task-success" => {
                out.task_success =
                    Some(task_success(model, feature, agent, slo, &owner, &runbook)?);
            }
            "cost-per-task" => {
                let Some(max) = &slo.max_usd else { continue };
                let window = slo
                    .window
                    .as_ref()
                    .map_or(COST_PER_TASK_WINDOW, |w| w.value);
                let (bad, total) =
                    preset_ratio(model, "std/agent-cost-per-task", f, a, window, slo.span)?;
                alerts.push(alert(
                    "cost-per-task",
                    "ticket",
                    format!("({bad}) / ({total}) > {}", number(max.value)),
                    format!("Agent {f}/{a} costs more per task than its objective"),
                    format!(
                        "Over the last {window} agent {a} spent more than {} USD per successful run (`slo \"cost-per-task\" max-usd=`); failed runs' spend counts too.",
                        number(max.value)
                    ),
                    Watch::CostPerTask { window, limit: max.value },
                ));
            }
            _ => {}
        }
    }
    out.recordings = recordings;
    out.alerts = alerts;
    // The group lists the limits in a fixed order, whatever order the spec wrote them in.
    out.alerts.sort_by(|x, y| x.name.cmp(&y.name));
    Ok(out)
}

/// The (first, second) queries of a stdlib ratio preset for one agent: good and total, or bad
/// and total.
fn preset_ratio(
    model: &Model,
    preset: &str,
    feature: &str,
    agent: &str,
    window: Duration,
    span: Span,
) -> Result<(String, String), Box<Diagnostic>> {
    let missing = |why: String| {
        Box::new(
            Diagnostic::error(
                "invalid-value",
                span,
                format!("cannot write this agent SLO's rules: {why}"),
            )
            .with_label("used by the prometheus target")
            .with_help(
                "its preset needs a `ratio` with `good=` (or `bad=`) and `total=` queries that \
                 use only `{{feature}}`, `{{agent}}` and `{{window}}`; `gantry stdlib` shows \
                 `std/agent-task-success`, which has one",
            ),
        )
    };
    let body = model
        .presets
        .get(preset)
        .and_then(|p| p.body.as_ref())
        .ok_or_else(|| missing(format!("the preset `{preset}` is missing")))?;
    let prop = |key: &str| {
        body.props()
            .find(|(k, _)| k.value == key)
            .and_then(|(_, v)| v.value.as_str())
    };
    let first = prop("good").or_else(|| prop("bad"));
    let (Some(first), Some(total)) = (first, prop("total")) else {
        return Err(missing(format!("the preset `{preset}` has no ratio")));
    };
    let window = window.to_string();
    let params = [
        ("feature", feature),
        ("agent", agent),
        ("window", window.as_str()),
    ];
    let first = promql::render(first, &params).map_err(&missing)?;
    let total = promql::render(total, &params).map_err(&missing)?;
    Ok((first, total))
}

fn task_success(
    model: &Model,
    feature: &Feature,
    agent: &Agent,
    slo: &AgentSlo,
    owner: &str,
    runbook: &str,
) -> Result<SloRules, Box<Diagnostic>> {
    let f = feature.name.value.as_str();
    let a = agent.name.value.as_str();
    let mut extra_labels = Map::new();
    extra_labels.insert("agent".into(), json!(a));
    let input = Objective {
        id: format!("{f}-{a}-task-success"),
        service: format!("{f}-{a}"),
        slo: "task-success".to_string(),
        objective: slo
            .objective
            .as_ref()
            .map_or(rules::FALLBACK_OBJECTIVE, |o| o.value),
        period: slo.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value),
        owner: owner.to_string(),
        extra_labels,
        runbook_url: Some(runbook.to_string()),
        fixture: Some(fixture::of_agent_runs(f, a)),
    };
    rules::burn_rate_rules(feature, input, |window| {
        let (good, total) = preset_ratio(model, "std/agent-task-success", f, a, window, slo.span)?;
        Ok(format!("1 - (({good}) / ({total}))"))
    })
}
