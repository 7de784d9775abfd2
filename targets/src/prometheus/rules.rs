//! The rule groups: per SLO its SLI recordings, its metadata recordings and its burn-rate
//! alerts; per feature its explicit alerts.

use gantry::ast::{Feature, Slo};
use gantry::consequences::{BurnRateWindow, DEFAULT_WINDOW, burn_rate_windows};
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use gantry::values::Duration;
use serde_json::{Map, Value, json};

use super::fixture::{self, SliFixture};
use crate::promql::{self, SliScope, number};

/// The SLI windows Sloth records, whatever the period.
const SLI_WINDOWS: [u64; 7] = [5, 30, 60, 120, 360, 1440, 4320];
/// The objective of an SLO that names none and whose tier gives no default.
pub const FALLBACK_OBJECTIVE: f64 = 99.9;
/// The owner label of a feature that names none.
const NO_OWNER: &str = "unowned";

/// One burn-rate alert of an SLO: a window pair and what it is called and says.
pub struct BurnRateAlert {
    pub name: String,
    pub window: BurnRateWindow,
    /// All the alert's labels, as a fired alert carries them (minus `alertname`).
    pub labels: Map<String, Value>,
    pub annotations: Map<String, Value>,
}

/// Everything the rules and their tests need about one SLO.
pub struct SloRules {
    pub id: String,
    pub service: String,
    pub slo: String,
    pub objective: f64,
    pub period: Duration,
    /// The SLI windows recorded, shortest first, with the error-ratio query of each.
    pub recordings: Vec<(Duration, String)>,
    pub alerts: Vec<BurnRateAlert>,
    /// Raw counters whose SLI gantry knows, for the recording-rule value tests.
    pub fixture: Option<SliFixture>,
}

pub fn record_name(window: Duration) -> String {
    format!("slo:sli_error:ratio_rate{window}")
}

impl SloRules {
    /// The labels that identify the SLO's series, as recorded.
    pub fn sloth_labels(&self) -> Map<String, Value> {
        let mut labels = Map::new();
        labels.insert("sloth_id".into(), json!(self.id));
        labels.insert("sloth_service".into(), json!(self.service));
        labels.insert("sloth_slo".into(), json!(self.slo));
        labels
    }

    fn selector(&self) -> String {
        format!(
            "{{sloth_id=\"{}\", sloth_service=\"{}\", sloth_slo=\"{}\"}}",
            promql::escape(&self.id),
            promql::escape(&self.service),
            promql::escape(&self.slo)
        )
    }

    fn windowed_labels(&self, window: Duration) -> Value {
        let mut labels = self.sloth_labels();
        labels.insert("sloth_window".into(), json!(window.to_string()));
        Value::Object(labels)
    }

    pub fn groups(&self) -> Vec<Value> {
        let selector = self.selector();
        let mut sli: Vec<Value> = self
            .recordings
            .iter()
            .map(|(window, query)| {
                json!({
                    "record": record_name(*window),
                    "expr": query,
                    "labels": self.windowed_labels(*window),
                })
            })
            .collect();
        if !self.recordings.iter().any(|(w, _)| *w == self.period) {
            sli.push(json!({
                "record": record_name(self.period),
                "expr": format!(
                    "avg_over_time({}{selector}[{}])",
                    record_name(Duration::from_minutes(5)),
                    self.period
                ),
                "labels": self.windowed_labels(self.period),
            }));
        }
        let labels = Value::Object(self.sloth_labels());
        let budget = 1.0 - self.objective / 100.0;
        let over_budget = |record: String| {
            format!(
                "sum without (sloth_window) ({record}{selector}) / on(sloth_id, sloth_slo, sloth_service) group_left slo:error_budget:ratio{selector}"
            )
        };
        let meta = vec![
            json!({ "record": "slo:objective:ratio", "expr": format!("vector({})", number(self.objective / 100.0)), "labels": labels }),
            json!({ "record": "slo:error_budget:ratio", "expr": format!("vector({})", number(budget)), "labels": labels }),
            json!({ "record": "slo:time_period:days", "expr": format!("vector({})", number(self.period.as_days())), "labels": labels }),
            json!({ "record": "slo:current_burn_rate:ratio", "expr": over_budget(record_name(Duration::from_minutes(5))), "labels": labels }),
            json!({ "record": "slo:period_burn_rate:ratio", "expr": over_budget(record_name(self.period)), "labels": labels }),
            json!({ "record": "slo:period_error_budget_remaining:ratio", "expr": format!("1 - slo:period_burn_rate:ratio{selector}"), "labels": labels }),
        ];
        let alerts: Vec<Value> = self
            .alerts
            .iter()
            .map(|alert| {
                let w = &alert.window;
                let threshold = number(w.threshold);
                let side = |window: Duration| {
                    format!(
                        "max({}{selector} > {threshold}) without (sloth_window)",
                        record_name(window)
                    )
                };
                json!({
                    "alert": alert.name,
                    "expr": format!("{} and {}", side(w.long), side(w.short)),
                    "labels": alert.labels,
                    "annotations": alert.annotations,
                })
            })
            .collect();
        vec![
            json!({ "name": format!("sloth-slo-sli-recordings-{}", self.id), "rules": sli }),
            json!({ "name": format!("sloth-slo-meta-recordings-{}", self.id), "rules": meta }),
            json!({ "name": format!("sloth-slo-alerts-{}", self.id), "rules": alerts }),
        ]
    }
}

pub fn owner(feature: &Feature) -> String {
    feature
        .owner
        .as_ref()
        .map_or(NO_OWNER.to_string(), |o| o.value.clone())
}

/// The runbook page's URL: the workspace's base URL and `FEATURE/RUNBOOK`, or without one the
/// page's path in the runbooks output.
pub fn runbook_url(model: &Model, feature: &Feature, runbook: &str) -> String {
    crate::runbooks::runbook_url(model, &feature.name.value, runbook)
}

pub fn common_labels(feature: &Feature, owner: &str, severity: &str) -> Map<String, Value> {
    let mut labels = Map::new();
    labels.insert("severity".into(), json!(severity));
    labels.insert("feature".into(), json!(feature.name.value));
    labels.insert("owner".into(), json!(owner));
    labels
}

pub fn slo_rules(model: &Model, feature: &Feature) -> Result<Vec<SloRules>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for slo in &feature.slos {
        match one_slo(model, feature, slo) {
            Ok(rules) => out.push(rules),
            Err(d) => errors.push(*d),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn one_slo(model: &Model, feature: &Feature, slo: &Slo) -> Result<SloRules, Box<Diagnostic>> {
    let feature_name = feature.name.value.as_str();
    let service = match (&slo.service, feature.services.as_slice()) {
        (Some(service), _) => service.value.as_str(),
        (None, [only]) => only.name.value.as_str(),
        (None, _) => feature_name,
    };
    let job = if service == feature_name {
        feature_name.to_string()
    } else {
        format!("{feature_name}-{service}")
    };
    let scope = SliScope {
        feature: feature_name,
        service,
        job: &job,
        namespace: feature_name,
    };
    let objective = slo
        .objective
        .as_ref()
        .map(|o| o.value)
        .or(model
            .tiers
            .get(feature_name)
            .and_then(|t| t.objective_default))
        .unwrap_or(FALLBACK_OBJECTIVE);
    let input = Objective {
        id: format!("{feature_name}-{}", slo.name.value),
        service: format!("{feature_name}-{service}"),
        slo: slo.name.value.clone(),
        objective,
        period: slo.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value),
        owner: owner(feature),
        extra_labels: Map::new(),
        runbook_url: slo
            .runbook
            .as_ref()
            .map(|r| runbook_url(model, feature, &r.value)),
        fixture: fixture::of_slo(model, slo, &job),
    };
    burn_rate_rules(feature, input, |window| {
        promql::error_ratio(slo, &scope, &window.to_string()).map_err(|(span, why)| {
            Box::new(
                Diagnostic::error(
                    "invalid-value",
                    span,
                    format!("cannot record SLO `{}`: {why}", slo.name.value),
                )
                .with_label("used by the prometheus target")
                .with_help(crate::promql::INDICATOR_HELP),
            )
        })
    })
}

/// An objective measured by burn rate: a feature's SLO or an agent's task-success SLO.
pub struct Objective {
    /// `sloth_id`: `FEATURE-SLO`, or `FEATURE-AGENT-task-success`.
    pub id: String,
    pub service: String,
    pub slo: String,
    /// In percent.
    pub objective: f64,
    pub period: Duration,
    /// The `owner` label: the team that answers the alerts.
    pub owner: String,
    /// Labels the alerts carry beyond severity, feature, owner and Sloth's (an agent's name).
    pub extra_labels: Map<String, Value>,
    pub runbook_url: Option<String>,
    pub fixture: Option<SliFixture>,
}

/// The recordings and multi-window burn-rate alerts of one objective; `error_ratio` renders its
/// SLI over a window such as `5m`.
pub fn burn_rate_rules(
    feature: &Feature,
    input: Objective,
    error_ratio: impl Fn(Duration) -> Result<String, Box<Diagnostic>>,
) -> Result<SloRules, Box<Diagnostic>> {
    let feature_name = feature.name.value.as_str();
    let windows = burn_rate_windows(input.objective, input.period);
    let mut recorded: Vec<Duration> = SLI_WINDOWS
        .iter()
        .map(|m| Duration::from_minutes(*m))
        .chain(windows.iter().flat_map(|w| [w.long, w.short]))
        .collect();
    recorded.sort_by_key(|d| d.millis);
    recorded.dedup_by_key(|d| d.millis);
    let mut recordings = Vec::new();
    for window in recorded {
        recordings.push((window, error_ratio(window)?));
    }
    let id = &input.id;
    let alerts = windows
        .iter()
        .map(|w| {
            let mut labels = common_labels(feature, &input.owner, w.severity.as_str());
            labels.extend(input.extra_labels.clone());
            labels.insert("sloth_id".into(), json!(id));
            labels.insert("sloth_service".into(), json!(input.service));
            labels.insert("sloth_slo".into(), json!(input.slo));
            labels.insert("long_window".into(), json!(w.long.to_string()));
            labels.insert("short_window".into(), json!(w.short.to_string()));
            let mut annotations = Map::new();
            annotations.insert(
                "summary".into(),
                json!(format!(
                    "{feature_name} SLO {} is burning its error budget {}× too fast ({} and {} windows)",
                    input.slo,
                    number(w.factor),
                    w.long,
                    w.short
                )),
            );
            annotations.insert(
                "description".into(),
                json!(format!(
                    "The error ratio of {id} is above {} over both {} and {}: {}× the budget of a {}% objective. At this rate {}% of the {} error budget is spent within {}.",
                    number(w.threshold),
                    w.long,
                    w.short,
                    number(w.factor),
                    number(input.objective),
                    number(w.budget_consumed * 100.0),
                    input.period,
                    w.long
                )),
            );
            if let Some(url) = &input.runbook_url {
                annotations.insert("runbook_url".into(), json!(url));
            }
            BurnRateAlert {
                name: format!("{id}-burn-rate-{}-{}", w.long, w.short),
                window: *w,
                labels,
                annotations,
            }
        })
        .collect();
    Ok(SloRules {
        id: input.id,
        service: input.service,
        slo: input.slo,
        objective: input.objective,
        period: input.period,
        recordings,
        alerts,
        fixture: input.fixture,
    })
}

/// The feature's `alert` nodes as written, in a group `FEATURE-alerts`.
pub fn explicit_alerts(model: &Model, feature: &Feature) -> Option<Value> {
    if feature.alerts.is_empty() {
        return None;
    }
    let rules: Vec<Value> = feature
        .alerts
        .iter()
        .filter_map(|alert| {
            let expr = alert.expr.as_ref()?;
            let severity = alert
                .severity
                .as_ref()
                .map_or("ticket", |s| s.value.as_str());
            let summary = alert.summary.as_ref().map_or_else(
                || format!("{}: {}", feature.name.value, alert.name.value),
                |s| s.value.clone(),
            );
            let description = alert.description.as_ref().map_or_else(
                || {
                    format!(
                        "{} (alert `{}` of feature {})",
                        expr.value, alert.name.value, feature.name.value
                    )
                },
                |d| d.value.clone(),
            );
            let mut annotations = Map::new();
            annotations.insert("summary".into(), json!(go_template_literal(&summary)));
            annotations.insert(
                "description".into(),
                json!(go_template_literal(&description)),
            );
            if let Some(runbook) = &alert.runbook {
                annotations.insert(
                    "runbook_url".into(),
                    json!(runbook_url(model, feature, &runbook.value)),
                );
            }
            let mut rule = json!({
                "alert": alert.name.value,
                "expr": expr.value,
                "labels": common_labels(feature, &owner(feature), severity),
                "annotations": annotations,
            });
            if let Some(for_) = &alert.for_ {
                rule["for"] = json!(for_.value.to_string());
            }
            Some(rule)
        })
        .collect();
    Some(json!({ "name": format!("{}-alerts", feature.name.value), "rules": rules }))
}

/// Text Prometheus shows as written: annotations are Go templates, so every `{{` of the spec
/// is written as the template action that prints it.
pub fn go_template_literal(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

#[cfg(test)]
mod tests {
    use super::go_template_literal;

    #[test]
    fn template_actions_in_spec_text_print_as_text() {
        assert_eq!(
            go_template_literal(r#"Queue {{ query "up" }} is stuck"#),
            r#"Queue {{ "{{" }} query "up" }} is stuck"#
        );
        assert_eq!(go_template_literal("plain } text {"), "plain } text {");
    }
}
