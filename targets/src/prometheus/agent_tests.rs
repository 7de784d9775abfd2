//! promtool tests of the agent alerts. Unlike the burn-rate tests, these feed the raw metrics of
//! DESIGN §6, so each test proves the recording and the alert together: a series that crosses
//! the alert's threshold by 1 % fires it, one that stays 1 % under does not. One more test feeds
//! an agent whose every run stays under `tokens-per-run` but that runs often enough to pass
//! `tokens-per-day`: the daily budget alert fires and the per-run alert stays silent.

use gantry::values::Duration;
use serde_json::{Value, json};

use super::agents::{AgentAlert, AgentRules, SPIKE_FACTOR, Watch};
use super::tests::{ABOVE, BELOW, TimedTest, counter, expected, input, step_for, steps};
use crate::promql::number;

const HOUR: Duration = Duration::from_minutes(60);
const DAY: Duration = Duration::from_minutes(24 * 60);
/// Hours in the week a spike is compared with.
const WEEK_HOURS: u64 = 168;
/// The forecast is checked on the third of January 1970 (promtool's clock starts at 0), with 28
/// days of the month left: 2 days of spend seen, 30 days' worth predicted.
const FORECAST_EVAL: Duration = Duration::from_minutes(2 * 24 * 60);
const FORECAST_STEP: Duration = Duration::from_minutes(6 * 60);

/// An alert's one expectation at `eval`.
fn expect(alert: &AgentAlert, eval: Duration, fires: bool) -> Value {
    json!({
        "eval_time": eval.to_string(),
        "alertname": alert.name,
        "exp_alerts": expected(&alert.labels, &alert.annotations, fires),
    })
}

fn case(name: String, step: Duration, series: Vec<Value>, checks: Vec<Value>) -> TimedTest {
    TimedTest {
        step,
        test: json!({
            "name": name,
            "interval": step.to_string(),
            "input_series": series,
            "alert_rule_test": checks,
        }),
    }
}

fn verdict(fires: bool) -> &'static str {
    if fires { "fires" } else { "stays silent" }
}

/// Above the threshold: × 1.01, or a small amount when the threshold is zero.
fn above(threshold: f64) -> f64 {
    if threshold == 0.0 {
        0.01
    } else {
        threshold * ABOVE
    }
}

pub fn agent_tests(rules: &AgentRules) -> Vec<TimedTest> {
    let f = rules.feature.as_str();
    let a = rules.agent.as_str();
    let scope = [("feature", f), ("agent", a)];
    let mut tests = Vec::new();
    for alert in &rules.alerts {
        match &alert.watch {
            Watch::RunTokens { limit } => {
                let le = number(*limit);
                let step = Duration::from_minutes(1);
                let one_run = "0+0x30 1+0x30".to_string();
                for (factor, fires) in [(ABOVE, true), (BELOW, false)] {
                    // The run lands above the bucket at the limit, or in it.
                    let bucket = if fires {
                        "0+0x61".to_string()
                    } else {
                        one_run.clone()
                    };
                    tests.push(case(
                        format!(
                            "{} {} on a run of {}× the limit",
                            alert.name,
                            verdict(fires),
                            number(factor)
                        ),
                        step,
                        vec![
                            input("agent_run_tokens_count", &scope, one_run.clone()),
                            input(
                                "agent_run_tokens_bucket",
                                &with(&scope, &[("le", &le)]),
                                bucket,
                            ),
                        ],
                        vec![expect(alert, HOUR, fires)],
                    ));
                }
            }
            Watch::Spend {
                metric,
                window,
                limit,
            } => {
                let step = step_for(*window);
                let n = steps(*window, step);
                for (factor, fires) in [(ABOVE, true), (BELOW, false)] {
                    let per_step = limit * factor / n as f64;
                    tests.push(case(
                        format!(
                            "{} {} at {}× its budget",
                            alert.name,
                            verdict(fires),
                            number(factor)
                        ),
                        step,
                        spend_series(metric, &scope, per_step, n),
                        vec![expect(alert, *window, fires)],
                    ));
                }
            }
            Watch::Forecast { metric, limit } => {
                let month_steps = steps(Duration::from_minutes(30 * 24 * 60), FORECAST_STEP);
                let n = steps(FORECAST_EVAL, FORECAST_STEP);
                for (factor, fires) in [(ABOVE, true), (BELOW, false)] {
                    let per_step = limit * factor / month_steps as f64;
                    tests.push(case(
                        format!(
                            "{} {} when the month's pace is {}× the budget",
                            alert.name,
                            verdict(fires),
                            number(factor)
                        ),
                        FORECAST_STEP,
                        spend_series(metric, &scope, per_step, n),
                        vec![expect(alert, FORECAST_EVAL, fires)],
                    ));
                }
            }
            Watch::Retries { allowed } => {
                let step = Duration::from_minutes(1);
                let n = steps(HOUR, step);
                for (per_run, fires) in [(above(*allowed), true), (allowed * BELOW, false)] {
                    tests.push(case(
                        format!(
                            "{} {} at {} retries per run",
                            alert.name,
                            verdict(fires),
                            number(per_run)
                        ),
                        step,
                        vec![
                            input(
                                "agent_runs_total",
                                &with(&scope, &[("outcome", "success")]),
                                counter(1.0, n),
                            ),
                            input("agent_retries_total", &scope, counter(per_run, n)),
                        ],
                        vec![expect(alert, HOUR, fires)],
                    ));
                }
            }
            Watch::Spike {
                metric,
                labels,
                floor,
            } => {
                let extra: Vec<(&'static str, &str)> =
                    labels.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let labels = with(&scope, &extra);
                let floor = *floor as f64;
                // With `floor` an hour for a week, the last hour fires above this many.
                let weeks = WEEK_HOURS as f64;
                let threshold = SPIKE_FACTOR * (weeks - 1.0) * floor / (weeks - SPIKE_FACTOR);
                let cases = [
                    (
                        floor,
                        threshold * ABOVE,
                        true,
                        format!("{}× the spike threshold", number(ABOVE)),
                    ),
                    (
                        floor,
                        threshold * BELOW,
                        false,
                        format!("{}× the spike threshold", number(BELOW)),
                    ),
                    (0.0, floor, true, "a first burst at the floor".to_string()),
                    (
                        0.0,
                        floor - 1.0,
                        false,
                        "a first burst under the floor".to_string(),
                    ),
                ];
                for (baseline, last_hour, fires, what) in cases {
                    let before = baseline * (weeks - 1.0);
                    let values = format!(
                        "0+{}x{} {}",
                        number(baseline),
                        WEEK_HOURS - 1,
                        number(before + last_hour)
                    );
                    tests.push(case(
                        format!("{} {} on {what}", alert.name, verdict(fires)),
                        HOUR,
                        vec![input(metric, &labels, values)],
                        vec![expect(
                            alert,
                            Duration::from_minutes(WEEK_HOURS * 60),
                            fires,
                        )],
                    ));
                }
            }
            Watch::CostPerTask { window, limit } => {
                let step = step_for(*window);
                let n = steps(*window, step);
                for (factor, fires) in [(ABOVE, true), (BELOW, false)] {
                    tests.push(case(
                        format!(
                            "{} {} at {}× the cost per task",
                            alert.name,
                            verdict(fires),
                            number(factor)
                        ),
                        step,
                        vec![
                            input(
                                "agent_runs_total",
                                &with(&scope, &[("outcome", "success")]),
                                counter(1.0, n),
                            ),
                            input("agent_cost_usd_total", &scope, counter(limit * factor, n)),
                        ],
                        vec![expect(alert, *window, fires)],
                    ));
                }
            }
        }
    }
    if let Some(test) = runs_more_often(rules) {
        tests.push(test);
    }
    tests
}

/// The agent's labels and `extra`.
fn with<'a>(scope: &[(&'a str, &'a str)], extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut labels = scope.to_vec();
    labels.extend_from_slice(extra);
    labels
}

/// Tokens split evenly between input and output; dollars in one series.
fn spend_series(metric: &str, scope: &[(&str, &str)], per_step: f64, n: u64) -> Vec<Value> {
    if metric == "agent_tokens_total" {
        ["input", "output"]
            .iter()
            .map(|kind| {
                let mut labels = scope.to_vec();
                labels.push(("kind", kind));
                input(metric, &labels, counter(per_step / 2.0, n))
            })
            .collect()
    } else {
        vec![input(metric, scope, counter(per_step, n))]
    }
}

/// The failure a per-run limit misses: every run under it, but so many runs that the day's
/// budget goes. The daily alert fires; the per-run alert does not.
fn runs_more_often(rules: &AgentRules) -> Option<TimedTest> {
    let per_run_limit = rules.tokens_per_run?;
    let per_run = rules
        .alerts
        .iter()
        .find(|a| matches!(a.watch, Watch::RunTokens { .. }))?;
    let (daily, day_limit) = rules.alerts.iter().find_map(|a| match a.watch {
        Watch::Spend {
            metric: "agent_tokens_total",
            window,
            limit,
        } if window == DAY => Some((a, limit)),
        _ => None,
    })?;
    let step = step_for(DAY);
    let n = steps(DAY, step);
    let tokens = day_limit * ABOVE;
    // Enough runs a step that none of them needs more than 99 % of the per-run limit.
    let runs_per_step = (tokens / (per_run_limit * BELOW) / n as f64)
        .ceil()
        .max(1.0);
    let tokens_per_run = tokens / (runs_per_step * n as f64);
    let scope = [
        ("feature", rules.feature.as_str()),
        ("agent", rules.agent.as_str()),
    ];
    let le = number(per_run_limit);
    let mut bucket_labels = scope.to_vec();
    bucket_labels.push(("le", &le));
    let mut series = spend_series("agent_tokens_total", &scope, tokens / n as f64, n);
    series.push(input(
        "agent_run_tokens_count",
        &scope,
        counter(runs_per_step, n),
    ));
    series.push(input(
        "agent_run_tokens_bucket",
        &bucket_labels,
        counter(runs_per_step, n),
    ));
    Some(case(
        format!(
            "{} runs more often: {} runs a day of {} tokens each (under the per-run limit of {}) pass the daily budget of {}",
            rules.agent,
            number(runs_per_step * n as f64),
            number(tokens_per_run.round()),
            number(per_run_limit),
            number(day_limit)
        ),
        step,
        series,
        vec![expect(daily, DAY, true), expect(per_run, DAY, false)],
    ))
}
