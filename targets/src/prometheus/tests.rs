//! The `promtool test rules` files beside each rule file.
//!
//! For every burn-rate alert the tests feed the alert's two SLI recordings (long and short
//! window) at its threshold × 1.01 and assert the alert fires once the long window has passed,
//! then at × 0.99 and assert silence. The raw counters are left out, so the SLI recording rules
//! themselves produce nothing and the fed series are what the alert reads; this works for any
//! indicator's PromQL. Where gantry knows an SLI's counters (see `fixture`), a further test feeds
//! them and checks the values of the 5m and 1h SLI recordings.
//!
//! promtool evaluates every rule of the file at every `evaluation_interval` up to a test's last
//! eval time, so a 3-day window at one-minute steps costs 4320 evaluations of the whole file.
//! Each test therefore runs at the coarsest step that still samples its windows (about 48 steps
//! per window, see [`step_for`]); tests are grouped into one file per step:
//! `slo-rules.test.yaml` at one minute, `slo-rules.every-STEP.test.yaml` for the others.

use std::collections::BTreeMap;

use gantry::values::Duration;
use serde_json::{Value, json};

use super::RULES_FILE;
use super::fixture::series;
use super::rules::{BurnRateAlert, SloRules, record_name};
use crate::promql::number;

pub const ABOVE: f64 = 1.01;
pub const BELOW: f64 = 0.99;

/// The evaluation steps tests may use, finest first.
const STEPS_MINUTES: [u64; 5] = [1, 5, 30, 60, 360];
/// About how many evaluations a test's window is sampled with.
const STEPS_PER_WINDOW: u64 = 48;

/// One test group and the evaluation step it needs.
pub struct TimedTest {
    pub step: Duration,
    pub test: Value,
}

/// The coarsest step that divides `window` and samples it at least [`STEPS_PER_WINDOW`] times.
pub fn step_for(window: Duration) -> Duration {
    let minutes = (window.as_minutes() as u64).max(1);
    let step = STEPS_MINUTES
        .iter()
        .rev()
        .find(|s| minutes / **s >= STEPS_PER_WINDOW && minutes.is_multiple_of(**s))
        .copied()
        .unwrap_or(1);
    Duration::from_minutes(step)
}

/// How many steps of `step` fit in `window`.
pub fn steps(window: Duration, step: Duration) -> u64 {
    (window.millis / step.millis.max(1)).max(1)
}

/// The test files of one rule file: `(file name, content)`, one per evaluation step.
pub fn files(tests: Vec<TimedTest>) -> Vec<(String, Value)> {
    let mut by_step: BTreeMap<u64, Vec<Value>> = BTreeMap::new();
    for t in tests {
        by_step.entry(t.step.millis).or_default().push(t.test);
    }
    by_step
        .into_iter()
        .map(|(millis, tests)| {
            let step = Duration { millis };
            let name = if step == Duration::from_minutes(1) {
                super::TESTS_FILE.to_string()
            } else {
                format!("slo-rules.every-{step}.test.yaml")
            };
            let mut file = json!({
                "rule_files": [RULES_FILE],
                "evaluation_interval": step.to_string(),
            });
            // Moved in: `json!` would copy the tests by serializing them.
            file["tests"] = Value::Array(tests);
            (name, file)
        })
        .collect()
}

/// The tests of every SLO's burn-rate alerts and recordings.
pub fn slo_tests(slos: &[SloRules]) -> Vec<TimedTest> {
    let mut tests = Vec::new();
    for slo in slos {
        for alert in &slo.alerts {
            for (factor, fires) in [(ABOVE, true), (BELOW, false)] {
                tests.push(alert_test(slo, alert, factor, fires));
            }
        }
        if let Some(test) = recording_test(slo) {
            tests.push(test);
        }
    }
    tests
}

fn recording_series(slo: &SloRules, window: Duration) -> String {
    let labels: Vec<String> = slo
        .sloth_labels()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .chain([format!("sloth_window=\"{window}\"")])
        .collect();
    format!("{}{{{}}}", record_name(window), labels.join(", "))
}

fn selector(slo: &SloRules, window: Option<Duration>) -> String {
    let mut labels: Vec<String> = slo
        .sloth_labels()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if let Some(window) = window {
        labels.push(format!("sloth_window=\"{window}\""));
    }
    format!("{{{}}}", labels.join(", "))
}

/// An alert test's `exp_alerts`: the alert with all its labels and annotations, or nothing.
pub fn expected(
    labels: &serde_json::Map<String, Value>,
    annotations: &serde_json::Map<String, Value>,
    fires: bool,
) -> Vec<Value> {
    if fires {
        vec![json!({ "exp_labels": labels, "exp_annotations": annotations })]
    } else {
        Vec::new()
    }
}

fn alert_test(slo: &SloRules, alert: &BurnRateAlert, factor: f64, fires: bool) -> TimedTest {
    let w = &alert.window;
    let step = step_for(w.long);
    let ratio = number(w.threshold * factor);
    let values = format!("{ratio}+0x{}", steps(w.long, step) + 1);
    let mut input = vec![json!({ "series": recording_series(slo, w.long), "values": values })];
    if w.short != w.long {
        input.push(json!({ "series": recording_series(slo, w.short), "values": values }));
    }
    let mut test = json!({
        "name": format!(
            "{} {} at {}× its threshold",
            alert.name,
            if fires { "fires" } else { "stays silent" },
            number(factor)
        ),
        "interval": step.to_string(),
        "input_series": input,
        "alert_rule_test": [{
            "eval_time": w.long.to_string(),
            "alertname": alert.name,
            "exp_alerts": expected(&alert.labels, &alert.annotations, fires),
        }],
    });
    if w.short.as_minutes() == 5.0 {
        // The current burn rate is the 5m error ratio over the budget: rounded, since promtool
        // compares floats exactly.
        let budget = 1.0 - slo.objective / 100.0;
        let burn = (w.threshold * factor / budget * 1000.0).round();
        let selector = selector(slo, None);
        test["promql_expr_test"] = json!([{
            "expr": format!("round(slo:current_burn_rate:ratio{selector} * 1000)"),
            "eval_time": w.long.to_string(),
            "exp_samples": [{ "labels": selector, "value": burn }],
        }]);
    }
    TimedTest { step, test }
}

/// Feeds the SLI's raw counters and checks the 5m and 1h error-ratio recordings.
fn recording_test(slo: &SloRules) -> Option<TimedTest> {
    let fixture = slo.fixture.as_ref()?;
    let step = Duration::from_minutes(1);
    let hour = Duration::from_minutes(60);
    let input: Vec<Value> = fixture
        .counters
        .iter()
        .map(|(series, per_minute)| {
            json!({ "series": series, "values": format!("0+{per_minute}x{}", steps(hour, step) + 1) })
        })
        .collect();
    let checks: Vec<Value> = [Duration::from_minutes(5), hour]
        .into_iter()
        .map(|window| {
            let selector = selector(slo, Some(window));
            json!({
                "expr": format!("round({}{selector} * 1000)", record_name(window)),
                "eval_time": hour.to_string(),
                "exp_samples": [{ "labels": selector, "value": fixture.error_ratio_milli }],
            })
        })
        .collect();
    Some(TimedTest {
        step,
        test: json!({
            "name": format!(
                "{} records an error ratio of {} from its raw counters",
                slo.id,
                number(f64::from(fixture.error_ratio_milli) / 1000.0)
            ),
            "interval": step.to_string(),
            "input_series": input,
            "promql_expr_test": checks,
        }),
    })
}

/// A linear counter's values from 0, growing by `per_step` for `count` steps.
pub fn counter(per_step: f64, count: u64) -> String {
    format!("0+{}x{count}", number(per_step))
}

/// The series text of an input, for tests in other modules.
pub fn input(metric: &str, labels: &[(&str, &str)], values: String) -> Value {
    json!({ "series": series(metric, labels), "values": values })
}
