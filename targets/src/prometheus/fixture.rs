//! Raw counters for the SLIs whose metrics gantry knows (latency histograms, the stdlib's
//! availability presets as written, an agent's runs), so the generated tests can check the
//! values the recording rules compute, not only the alerts that read them. An SLI of the
//! workspace's own PromQL has no fixture: nothing says which series it reads.

use gantry::ast::{Indicator, Slo};
use gantry::model::Model;

use crate::promql::escape;

/// Counters that grow by a fixed amount per minute, and the error ratio they give.
pub struct SliFixture {
    /// Each series (`metric{label="value", …}`) and its increase per minute.
    pub counters: Vec<(String, u32)>,
    /// The error ratio the counters give, in thousandths (exact in a float after rounding).
    pub error_ratio_milli: u32,
}

/// Three good events and one bad event a minute: an error ratio of 0.25.
const GOOD: u32 = 3;
const BAD: u32 = 1;
const ERROR_RATIO_MILLI: u32 = 250;

/// `metric{k="v", …}` with every value escaped.
pub fn series(metric: &str, labels: &[(&str, &str)]) -> String {
    let labels: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    format!("{metric}{{{}}}", labels.join(", "))
}

/// Good and bad counters of one metric told apart by one label.
fn split(metric: &str, scope: &[(&str, &str)], label: &str, good: &str, bad: &str) -> SliFixture {
    let with = |value: &str| {
        let mut labels = scope.to_vec();
        labels.push((label, value));
        series(metric, &labels)
    };
    SliFixture {
        counters: vec![(with(good), GOOD), (with(bad), BAD)],
        error_ratio_milli: ERROR_RATIO_MILLI,
    }
}

/// The fixture of a feature's SLO, when its SLI is one gantry wrote.
pub fn of_slo(model: &Model, slo: &Slo, job: &str) -> Option<SliFixture> {
    match slo.indicator.as_ref()? {
        Indicator::Latency {
            metric, threshold, ..
        } => {
            let metric = &metric.as_ref()?.value;
            let le = format!("{}", threshold.as_ref()?.value.as_seconds());
            Some(SliFixture {
                counters: vec![
                    (
                        series(&format!("{metric}_bucket"), &[("job", job), ("le", &le)]),
                        GOOD,
                    ),
                    (
                        series(&format!("{metric}_count"), &[("job", job)]),
                        GOOD + BAD,
                    ),
                ],
                error_ratio_milli: ERROR_RATIO_MILLI,
            })
        }
        Indicator::Ratio {
            preset,
            good,
            total,
            ..
        } => {
            // Only the preset's own queries: a `good=` or `total=` of the spec's replaces them.
            let from_stdlib = |q: &Option<gantry::source::Spanned<String>>| {
                q.as_ref()
                    .is_some_and(|q| model.sources.get(q.span.file).name.starts_with("<stdlib>"))
            };
            if !from_stdlib(good) || !from_stdlib(total) {
                return None;
            }
            let scope = [("job", job)];
            match preset.as_ref()?.value.as_str() {
                "std/http-availability" => {
                    Some(split("http_requests_total", &scope, "code", "200", "500"))
                }
                "std/grpc-availability" => Some(split(
                    "grpc_server_handled_total",
                    &scope,
                    "grpc_code",
                    "OK",
                    "Unavailable",
                )),
                _ => None,
            }
        }
    }
}

/// An agent's runs: successes and failures.
pub fn of_agent_runs(feature: &str, agent: &str) -> SliFixture {
    split(
        "agent_runs_total",
        &[("feature", feature), ("agent", agent)],
        "outcome",
        "success",
        "failure",
    )
}
