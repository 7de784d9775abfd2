//! The `promtool test rules` file beside each rule file. For every burn-rate alert it feeds the
//! alert's two SLI recordings (long and short window) at its threshold × 1.01 and asserts the
//! alert fires once the long window has passed, then at × 0.99 and asserts silence. The raw
//! counters are left out, so the SLI recording rules themselves produce nothing and the fed
//! series are what the alert reads; this works for any indicator's PromQL. A `promql_expr_test`
//! checks the metadata rules computed from the fed 5m series.

use serde_json::{Value, json};

use super::RULES_FILE;
use super::rules::{SloRules, record_name};
use crate::promql::number;

const ABOVE: f64 = 1.01;
const BELOW: f64 = 0.99;

pub fn test_file(slos: &[SloRules]) -> Value {
    let mut tests = Vec::new();
    for slo in slos {
        for alert in &slo.alerts {
            for (factor, fires) in [(ABOVE, true), (BELOW, false)] {
                tests.push(alert_test(slo, alert, factor, fires));
            }
        }
    }
    json!({
        "rule_files": [RULES_FILE],
        "evaluation_interval": "1m",
        "tests": tests,
    })
}

fn series(slo: &SloRules, window: gantry::values::Duration) -> String {
    let labels: Vec<String> = slo
        .sloth_labels()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .chain([format!("sloth_window=\"{window}\"")])
        .collect();
    format!("{}{{{}}}", record_name(window), labels.join(", "))
}

fn alert_test(
    slo: &SloRules,
    alert: &super::rules::BurnRateAlert,
    factor: f64,
    fires: bool,
) -> Value {
    let w = &alert.window;
    let ratio = number(w.threshold * factor);
    let minutes = w.long.as_minutes() as u64;
    let values = format!("{ratio}+0x{}", minutes + 5);
    let mut input = vec![json!({ "series": series(slo, w.long), "values": values })];
    if w.short != w.long {
        input.push(json!({ "series": series(slo, w.short), "values": values }));
    }
    let expected: Vec<Value> = if fires {
        vec![json!({ "exp_labels": alert.labels, "exp_annotations": alert.annotations })]
    } else {
        Vec::new()
    };
    let mut test = json!({
        "name": format!(
            "{} {} at {}× its threshold",
            alert.name,
            if fires { "fires" } else { "stays silent" },
            number(factor)
        ),
        "interval": "1m",
        "input_series": input,
        "alert_rule_test": [{
            "eval_time": w.long.to_string(),
            "alertname": alert.name,
            "exp_alerts": expected,
        }],
    });
    if w.short.as_minutes() == 5.0 {
        // The current burn rate is the 5m error ratio over the budget: rounded, since promtool
        // compares floats exactly.
        let budget = 1.0 - slo.objective / 100.0;
        let burn = (w.threshold * factor / budget * 1000.0).round();
        let labels = slo.sloth_labels();
        let selector: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        test["promql_expr_test"] = json!([{
            "expr": format!("round(slo:current_burn_rate:ratio{{{}}} * 1000)", selector.join(", ")),
            "eval_time": w.long.to_string(),
            "exp_samples": [{ "labels": format!("{{{}}}", selector.join(", ")), "value": burn }],
        }]);
    }
    test
}
