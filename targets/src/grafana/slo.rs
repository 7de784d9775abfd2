//! Per SLO a row of three panels, all read from the Sloth recording rules the prometheus target
//! writes (`slo:sli_error:ratio_rate<W>`, `slo:error_budget:ratio`,
//! `slo:period_error_budget_remaining:ratio`): compliance over the period, error budget left,
//! and the burn rate over every window of its alerts with the alerts' factors as threshold lines.

use gantry::ast::{Feature, Slo};
use gantry::consequences::{AlertSeverity, DEFAULT_WINDOW, burn_rate_windows};
use gantry::model::Model;
use gantry::values::Duration;

use super::panels::{Grid, Panel, query, step};
use crate::promql::{escape, number};

/// The objective of an SLO that names none and whose tier gives no default, as the prometheus
/// target assumes.
const FALLBACK_OBJECTIVE: f64 = 99.9;

/// The labels the prometheus target gives an SLO's series.
struct SloSeries {
    selector: String,
    objective: f64,
    period: Duration,
}

fn series(model: &Model, feature: &Feature, slo: &Slo) -> SloSeries {
    let feature_name = feature.name.value.as_str();
    let service = match (&slo.service, feature.services.as_slice()) {
        (Some(service), _) => service.value.as_str(),
        (None, [only]) => only.name.value.as_str(),
        (None, _) => feature_name,
    };
    let id = format!("{feature_name}-{}", slo.name.value);
    let sloth_service = format!("{feature_name}-{service}");
    let objective = slo
        .objective
        .as_ref()
        .map(|o| o.value)
        .or(model
            .tiers
            .get(feature_name)
            .and_then(|t| t.objective_default))
        .unwrap_or(FALLBACK_OBJECTIVE);
    SloSeries {
        selector: format!(
            "{{sloth_id=\"{}\", sloth_service=\"{}\", sloth_slo=\"{}\"}}",
            escape(&id),
            escape(&sloth_service),
            escape(&slo.name.value)
        ),
        objective,
        period: slo.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value),
    }
}

fn record(window: Duration) -> String {
    format!("slo:sli_error:ratio_rate{window}")
}

pub fn place(grid: &mut Grid, model: &Model, feature: &Feature, slo: &Slo) {
    let s = series(model, feature, slo);
    let name = &slo.name.value;
    let objective = number(s.objective);
    grid.row(format!("SLO {name}: {objective} % over {}", s.period));
    grid.place(
        Panel::new("stat", format!("{name}: compliance over {}", s.period), 6, 7)
            .describe(format!(
                "The share of good events over the SLO's {} period. Red below the objective of {objective} %.",
                s.period
            ))
            .unit("percentunit")
            .query(query(
                format!("1 - {}{}", record(s.period), s.selector),
                "compliance",
            ))
            .thresholds("red", vec![step(s.objective / 100.0, "green")]),
    );
    grid.place(
        Panel::new("gauge", format!("{name}: error budget left"), 6, 7)
            .describe(format!(
                "The share of the {} error budget not yet spent (negative when overspent).",
                s.period
            ))
            .unit("percentunit")
            .range(Some(0.0), Some(1.0))
            .query(query(
                format!("slo:period_error_budget_remaining:ratio{}", s.selector),
                "budget left",
            ))
            .thresholds("red", vec![step(0.0, "orange"), step(0.25, "green")]),
    );
    let windows = burn_rate_windows(s.objective, s.period);
    let mut durations: Vec<Duration> = windows.iter().flat_map(|w| [w.short, w.long]).collect();
    durations.sort_by_key(|d| d.millis);
    durations.dedup_by_key(|d| d.millis);
    let mut factors: Vec<(f64, AlertSeverity)> =
        windows.iter().map(|w| (w.factor, w.severity)).collect();
    factors.sort_by(|a, b| a.0.total_cmp(&b.0));
    factors.dedup_by(|a, b| number(a.0) == number(b.0));
    let lines: Vec<String> = windows
        .iter()
        .map(|w| {
            format!(
                "{} above {}× over {} and {}",
                w.severity.as_str(),
                number(w.factor),
                w.long,
                w.short
            )
        })
        .collect();
    let mut burn = Panel::new("timeseries", format!("{name}: burn rate"), 12, 7)
        .describe(format!(
            "How many times faster than sustainable the error budget burns, per window. The alerts: {}.",
            lines.join("; ")
        ))
        .unit("suffix:×")
        .threshold_lines()
        .thresholds(
            "green",
            factors
                .iter()
                .map(|(factor, severity)| {
                    let color = match severity {
                        AlertSeverity::Page => "red",
                        AlertSeverity::Ticket => "orange",
                    };
                    step(*factor, color)
                })
                .collect(),
        );
    for window in durations {
        burn = burn.query(query(
            format!(
                "{}{sel} / on(sloth_id, sloth_service, sloth_slo) group_left slo:error_budget:ratio{sel}",
                record(window),
                sel = s.selector
            ),
            window.to_string(),
        ));
    }
    grid.place(burn);
}
