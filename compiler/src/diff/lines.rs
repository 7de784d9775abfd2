//! Semantic lines: what a change does, in one sentence a reviewer can check, computed with the
//! same functions the targets use (`consequences`), so the review and the artifacts agree.

use std::collections::BTreeSet;

use crate::ast::{Agent, Budget, Datastore, Deploy, Effect, Feature, Flag, Scalar, Service, Slo};
use crate::consequences::{DEFAULT_WINDOW, canary_timeline, page_threshold};
use crate::model::TierDefaults;
use crate::values::{Resource, Target};

/// A number as people write it: at most four significant digits, no trailing zeros.
pub fn number(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let digits = (3 - value.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A right of an agent: effect, action and the resource with its feature spelled out.
pub type Right = (Effect, String, String);

pub fn rights(feature: &str, agent: &Agent) -> BTreeSet<Right> {
    agent
        .rules
        .iter()
        .flat_map(|rule| {
            rule.resources.iter().map(move |r| {
                (
                    rule.effect,
                    rule.action.value.clone(),
                    qualified(feature, &r.value),
                )
            })
        })
        .collect()
}

/// `k8s:api` written in feature checkout → `k8s:checkout/api`.
fn qualified(feature: &str, resource: &Resource) -> String {
    let kind = resource.kind.as_str();
    match &resource.target {
        Target::One {
            feature: None,
            name,
        } => format!("{kind}:{feature}/{name}"),
        Target::All { feature: None } => format!("{kind}:{feature}/*"),
        _ => resource.to_string(),
    }
}

/// What the rights change does, and whether it widens (something is allowed that was not).
pub fn policy_effects(
    who: &str,
    base: &BTreeSet<Right>,
    head: &BTreeSet<Right>,
) -> (Vec<String>, bool, bool) {
    let mut lines = Vec::new();
    let (mut widens, mut narrows) = (false, false);
    for (effect, action, resource) in head.difference(base) {
        lines.push(match effect {
            Effect::Allow => {
                widens = true;
                format!("agent {who} gains `{action}` on {resource}")
            }
            Effect::Deny => {
                narrows = true;
                format!("agent {who} is now denied `{action}` on {resource}")
            }
        });
    }
    for (effect, action, resource) in base.difference(head) {
        lines.push(match effect {
            Effect::Allow => {
                narrows = true;
                format!("agent {who} loses `{action}` on {resource}")
            }
            Effect::Deny => {
                widens = true;
                format!("agent {who} is no longer denied `{action}` on {resource}")
            }
        });
    }
    (lines, widens, narrows)
}

/// The objective an SLO is held to: its own, or its tier's default.
fn objective(slo: &Slo, tier: Option<&TierDefaults>) -> Option<f64> {
    slo.objective
        .as_ref()
        .map(|o| o.value)
        .or_else(|| tier.and_then(|t| t.objective_default))
}

/// How the fast-burn page threshold moves.
pub fn alert_sensitivity(
    who: &str,
    base: Option<(&Slo, Option<&TierDefaults>)>,
    head: Option<(&Slo, Option<&TierDefaults>)>,
) -> Option<String> {
    let threshold = |(slo, tier): (&Slo, Option<&TierDefaults>)| {
        let window = slo.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value);
        objective(slo, tier).map(|o| (page_threshold(o, window), o, window))
    };
    match (base.and_then(threshold), head.and_then(threshold)) {
        (Some((old, ..)), Some((new, ..))) if old != new && old > 0.0 && new > 0.0 => {
            let (factor, direction) = if new > old {
                (new / old, "less")
            } else {
                (old / new, "more")
            };
            Some(format!(
                "{who} page threshold {} → {} ({}× {direction} sensitive)",
                number(old),
                number(new),
                number(factor)
            ))
        }
        (None, Some((new, objective, window))) => Some(format!(
            "{who} pages above an error ratio of {} ({} % over {window})",
            number(new),
            number(objective)
        )),
        (Some((old, ..)), None) if head.is_none() => Some(format!(
            "{who} no longer pages (it paged above an error ratio of {})",
            number(old)
        )),
        _ => None,
    }
}

/// The services a deploy applies to.
pub fn deployed_services<'a>(feature: &'a Feature, deploy: &'a Deploy) -> Vec<&'a str> {
    match &deploy.service {
        Some(name) => vec![name.value.as_str()],
        None => feature
            .services
            .iter()
            .map(|s| s.name.value.as_str())
            .collect(),
    }
}

/// When the canary reaches each weight, before and after.
pub fn canary(who: &str, base: Option<&Deploy>, head: Option<&Deploy>) -> Vec<String> {
    let timeline = |d: Option<&Deploy>| d.map(canary_timeline).unwrap_or_default();
    let total = |d: Option<&Deploy>| {
        d.map(|d| {
            d.steps
                .iter()
                .filter_map(|s| s.pause.as_ref())
                .map(|p| p.value.as_minutes())
                .sum::<f64>()
        })
    };
    let (old, new) = (timeline(base), timeline(head));
    let mut lines = Vec::new();
    let when = |at: f64, approval: bool| {
        let mut text = format!("{} min", number(at));
        if approval {
            text.push_str(" and a human approval");
        }
        text
    };
    for point in &new {
        match old.iter().find(|o| o.weight == point.weight) {
            Some(o)
                if o.at_minutes != point.at_minutes || o.after_approval != point.after_approval =>
            {
                lines.push(format!(
                    "{who} canary now reaches {} % after {} (was {})",
                    point.weight,
                    when(point.at_minutes, point.after_approval),
                    when(o.at_minutes, o.after_approval)
                ))
            }
            Some(_) => {}
            None if !old.is_empty() => lines.push(format!(
                "{who} canary now stops at {} % after {}",
                point.weight,
                when(point.at_minutes, point.after_approval)
            )),
            None => {}
        }
    }
    for o in &old {
        if !new.iter().any(|n| n.weight == o.weight) && !new.is_empty() {
            lines.push(format!("{who} canary no longer stops at {} %", o.weight));
        }
    }
    if let (Some(a), Some(b)) = (total(base), total(head))
        && a != b
        && !old.is_empty()
        && !new.is_empty()
    {
        lines.push(format!(
            "{who} canary now takes {} min of pauses in all (was {} min)",
            number(b),
            number(a)
        ));
    }
    lines
}

/// Each budget limit that moves, and whether any limit rises (or goes away).
pub fn budget(who: &str, base: Option<&Budget>, head: Option<&Budget>) -> (Vec<String>, bool) {
    type Limit = (&'static str, &'static str, fn(&Budget) -> Option<f64>);
    const LIMITS: [Limit; 6] = [
        ("per-run token budget", "tokens", |b| {
            b.tokens_per_run.as_ref().map(|v| v.value as f64)
        }),
        ("daily token budget", "tokens", |b| {
            b.tokens_per_day.as_ref().map(|v| v.value as f64)
        }),
        ("monthly token budget", "tokens", |b| {
            b.tokens_per_month.as_ref().map(|v| v.value as f64)
        }),
        ("per-run budget", "USD", |b| {
            b.usd_per_run.as_ref().map(|v| v.value)
        }),
        ("daily budget", "USD", |b| {
            b.usd_per_day.as_ref().map(|v| v.value)
        }),
        ("monthly budget", "USD", |b| {
            b.usd_per_month.as_ref().map(|v| v.value)
        }),
    ];
    let mut lines = Vec::new();
    let mut widens = false;
    for (label, unit, get) in LIMITS {
        match (base.and_then(get), head.and_then(get)) {
            (Some(a), Some(b)) if a != b => {
                widens |= b > a;
                lines.push(format!(
                    "{who} {label} {} → {} {unit}",
                    number(a),
                    number(b)
                ));
            }
            (Some(a), None) => {
                widens = true;
                lines.push(format!(
                    "{who} no longer has a {label} (was {} {unit})",
                    number(a)
                ));
            }
            (None, Some(b)) => {
                lines.push(format!("{who} now has a {label} of {} {unit}", number(b)))
            }
            _ => {}
        }
    }
    (lines, widens)
}

pub fn service(who: &str, base: &Service, head: &Service) -> Vec<String> {
    let mut lines = Vec::new();
    let image = |s: &Service| {
        s.image.as_ref().map(|i| {
            (
                i.reference.value.clone(),
                i.digest.as_ref().map(|d| d.value.clone()),
            )
        })
    };
    match (image(base), image(head)) {
        (Some((a, _)), Some((b, _))) if a != b => lines.push(format!("{who} image `{a}` → `{b}`")),
        (Some((_, a)), Some((_, b))) if a != b => lines.push(format!("{who} image digest changes")),
        _ => {}
    }
    let replicas = |s: &Service| {
        s.replicas.as_ref().map(|r| {
            (
                r.min.as_ref().map(|v| v.value),
                r.max.as_ref().map(|v| v.value),
            )
        })
    };
    if let (Some((Some(a0), Some(a1))), Some((Some(b0), Some(b1)))) =
        (replicas(base), replicas(head))
        && (a0, a1) != (b0, b1)
    {
        lines.push(format!("{who} replicas {a0}–{a1} → {b0}–{b1}"));
    }
    lines
}

pub fn datastore(who: &str, base: &Datastore, head: &Datastore) -> Vec<String> {
    let mut lines = Vec::new();
    let text = |v: &Option<crate::source::Spanned<String>>| {
        v.as_ref().map_or("unset".to_string(), |v| v.value.clone())
    };
    if text(&base.kind) != text(&head.kind) {
        lines.push(format!(
            "{who} engine {} → {}: the database is replaced, and its data is not carried over",
            text(&base.kind),
            text(&head.kind)
        ));
    }
    if text(&base.size) != text(&head.size) {
        lines.push(format!(
            "{who} size {} → {}",
            text(&base.size),
            text(&head.size)
        ));
    }
    if text(&base.version) != text(&head.version) {
        lines.push(format!(
            "{who} version {} → {}",
            text(&base.version),
            text(&head.version)
        ));
    }
    let storage = |d: &Datastore| d.storage_gb.as_ref().map(|s| s.value);
    if let (Some(a), Some(b)) = (storage(base), storage(head))
        && a != b
    {
        lines.push(format!("{who} storage {a} → {b} GB"));
    }
    let retention = |d: &Datastore| {
        d.backup
            .as_ref()
            .and_then(|b| b.retention_days.as_ref())
            .map(|r| r.value)
    };
    match (retention(base), retention(head)) {
        (Some(a), Some(b)) if a != b => lines.push(format!("{who} backups kept {a} → {b} days")),
        (Some(a), None) => lines.push(format!("{who} backups no longer kept for {a} days")),
        _ => {}
    }
    lines
}

pub fn flag(who: &str, base: &Flag, head: &Flag) -> Vec<String> {
    let mut lines = Vec::new();
    let percent = |f: &Flag| {
        f.rollout
            .as_ref()
            .and_then(|r| r.percent.as_ref())
            .map(|p| p.value)
    };
    match (percent(base), percent(head)) {
        (Some(a), Some(b)) if a != b => {
            lines.push(format!("{who} rollout {} % → {} %", number(a), number(b)))
        }
        (None, Some(b)) => lines.push(format!("{who} now rolls out to {} %", number(b))),
        (Some(a), None) => lines.push(format!(
            "{who} no longer rolls out by percentage (was {} %)",
            number(a)
        )),
        _ => {}
    }
    let default = |f: &Flag| f.default.as_ref().map(|d| scalar(&d.value));
    if default(base) != default(head) {
        lines.push(format!(
            "{who} default {} → {}",
            default(base).unwrap_or_else(|| "unset".into()),
            default(head).unwrap_or_else(|| "unset".into())
        ));
    }
    lines
}

fn scalar(value: &Scalar) -> String {
    match value {
        Scalar::Bool(b) => b.to_string(),
        Scalar::String(s) => format!("\"{s}\""),
        Scalar::Integer(i) => i.to_string(),
        Scalar::Float(f) => number(*f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(number(0.0144), "0.0144");
        assert_eq!(number(0.072_000_000_000_01), "0.072");
        assert_eq!(number(5.000_000_1), "5");
        assert_eq!(number(2000.0), "2000");
        assert_eq!(number(99.95), "99.95");
        assert_eq!(number(0.5), "0.5");
    }
}
