//! The data of a runbook's page: the runbook, the alerts that link it with their thresholds in
//! plain words, the feature's dashboard, and the agents that may act on the feature.

use std::collections::HashMap;

use gantry::ast::{Agent, Effect, Feature, Name, Runbook, Slo};
use gantry::consequences::{DEFAULT_WINDOW, burn_rate_windows, error_budget};
use gantry::model::Model;
use gantry::values::{Resource, Target};
use serde_json::{Value, json};

use super::markdown::{duration_words, number, period_words};
use super::{agent_alert_page_path, dashboard_url, relative, runbook_page_path};
use crate::grafana::dashboard_uid;

/// Everything `runbook.md.hbs` can show. Absent values are `null`, never missing, so that a
/// strict template can test them.
pub fn data(model: &Model, acting: &Acting, feature: &Feature, runbook: &Runbook) -> Value {
    let page = runbook_page_path(&feature.name.value, &runbook.name.value);
    let links = |name: &Option<Name>| name.as_ref().is_some_and(|n| n.value == runbook.name.value);
    let slos: Vec<Value> = feature
        .slos
        .iter()
        .filter(|s| links(&s.runbook))
        .map(|s| slo(model, feature, s))
        .collect();
    let alerts: Vec<Value> = feature
        .alerts
        .iter()
        .filter(|a| links(&a.runbook))
        .map(|a| {
            json!({
                "name": a.name.value,
                "severity": a.severity.as_ref().map(|s| &s.value),
                "expr": a.expr.as_ref().map(|e| &e.value),
                "for_duration": a.for_.as_ref().map(|f| f.value.to_string()),
                "for_words": a.for_.as_ref().map(|f| duration_words(f.value)),
                "summary": a.summary.as_ref().map(|s| &s.value),
                "description": a.description.as_ref().map(|d| &d.value),
            })
        })
        .collect();
    let linking_agents: Vec<Value> = feature
        .agents
        .iter()
        .filter(|a| links(&a.runbook))
        .map(|a| json!({ "name": a.name.value }))
        .collect();
    let linked = !(slos.is_empty() && alerts.is_empty() && linking_agents.is_empty());
    json!({
        "feature": feature_data(feature),
        "linked": linked,
        "runbook": {
            "name": runbook.name.value,
            "summary": runbook.summary.as_ref().map(|s| &s.value),
            "steps": runbook.steps.iter().map(|s| &s.value).collect::<Vec<_>>(),
            "escalations": runbook.escalate.iter().map(|e| {
                let team = model.workspace.teams.iter().find(|t| t.name.value == e.team.value);
                json!({
                    "team": e.team.value,
                    "after": e.after.as_ref().map(|a| a.value.to_string()),
                    "after_words": e.after.as_ref().map(|a| duration_words(a.value)),
                    "pager": team.and_then(|t| t.pager.as_ref()).map(|p| &p.value),
                    "chat": team.and_then(|t| t.chat.as_ref()).map(|c| &c.value),
                })
            }).collect::<Vec<_>>(),
        },
        "dashboard": dashboard_url(model, &feature.name.value, 0).map(|url| json!({
            "uid": dashboard_uid(&feature.name.value),
            "url": url,
        })),
        "slos": slos,
        "alerts": alerts,
        "linking_agents": linking_agents,
        "agents": acting_agents(acting, &feature.name.value, &page),
    })
}

pub fn feature_data(feature: &Feature) -> Value {
    json!({
        "name": feature.name.value,
        "owner": feature.owner.as_ref().map(|o| &o.value),
        "description": feature.description.as_ref().map(|d| &d.value),
    })
}

/// An SLO with its error budget and, per window pair of its burn-rate alerts, the threshold in
/// figures and in words.
fn slo(model: &Model, feature: &Feature, slo: &Slo) -> Value {
    let objective = slo.objective.as_ref().map(|o| o.value).or_else(|| {
        model
            .tiers
            .get(&feature.name.value)
            .and_then(|t| t.objective_default)
    });
    let period = slo.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value);
    let figures = objective.map(|objective| {
        let budget = error_budget(objective, period);
        let alerts: Vec<Value> = burn_rate_windows(objective, period)
            .iter()
            .map(|w| {
                let budget_percent = number(w.budget_consumed * 100.0);
                let threshold_percent = number(w.threshold * 100.0);
                json!({
                    "name": format!(
                        "{}-{}-burn-rate-{}-{}",
                        feature.name.value, slo.name.value, w.long, w.short
                    ),
                    "severity": w.severity.as_str(),
                    "long": w.long.to_string(),
                    "short": w.short.to_string(),
                    "factor": number(w.factor),
                    "threshold": number(w.threshold),
                    "threshold_percent": threshold_percent,
                    "budget_percent": budget_percent,
                    "words": format!(
                        "fires when {budget_percent} % of the {} error budget burns within {} \
                         (error ratio above {threshold_percent} % over {} and {})",
                        period_words(period),
                        duration_words(w.long),
                        w.long,
                        w.short
                    ),
                })
            })
            .collect();
        json!({
            "objective": number(objective),
            "budget_percent": number(budget.ratio * 100.0),
            "budget_minutes": number(budget.minutes),
            "alerts": alerts,
        })
    });
    json!({
        "name": slo.name.value,
        "service": slo.service.as_ref().map(|s| &s.value),
        "period": period.to_string(),
        "period_words": period_words(period),
        "objective": figures.as_ref().map(|f| f["objective"].clone()),
        "budget_percent": figures.as_ref().map(|f| f["budget_percent"].clone()),
        "budget_minutes": figures.as_ref().map(|f| f["budget_minutes"].clone()),
        "alerts": figures.map_or(json!([]), |f| f["alerts"].clone()),
    })
}

/// The agents with a rule on a resource of each feature, in the model's order: found once for
/// every page, not by looking through every agent for each.
#[derive(Default)]
pub struct Acting<'m> {
    by_feature: HashMap<&'m str, Vec<(&'m Feature, &'m Agent)>>,
}

impl<'m> Acting<'m> {
    pub fn new(model: &'m Model) -> Acting<'m> {
        let mut acting = Acting::default();
        for owner_feature in &model.features {
            let home = owner_feature.name.value.as_str();
            for bot in &owner_feature.agents {
                let mut features: Vec<&str> = bot
                    .rules
                    .iter()
                    .flat_map(|rule| &rule.resources)
                    .filter_map(|resource| match &resource.value.target {
                        Target::One { feature, .. } | Target::All { feature } => {
                            Some(feature.as_deref().unwrap_or(home))
                        }
                        Target::Github { .. } => None,
                    })
                    .collect();
                features.sort_unstable();
                features.dedup();
                for feature in features {
                    acting
                        .by_feature
                        .entry(feature)
                        .or_default()
                        .push((owner_feature, bot));
                }
            }
        }
        acting
    }
}

/// Every agent, of any feature, with a rule on a resource of `feature`: its page and those
/// rights.
fn acting_agents(acting: &Acting, feature: &str, page: &str) -> Vec<Value> {
    let agents = acting.by_feature.get(feature).into_iter().flatten();
    agents
        .filter_map(|(owner_feature, bot)| {
            let rights = rights_on(bot, &owner_feature.name.value, feature);
            (!rights.is_empty()).then(|| {
                json!({
                    "feature": owner_feature.name.value,
                    "name": bot.name.value,
                    "owner": bot.owner.as_ref().or(owner_feature.owner.as_ref()).map(|o| &o.value),
                    "purpose": bot.purpose.as_ref().map(|p| &p.value),
                    "page": relative(page, &agent_alert_page_path(owner_feature, bot)),
                    "rights": rights,
                })
            })
        })
        .collect()
}

/// The rules of `bot` (of feature `home`) on resources of feature `feature`, each resource
/// written with its feature.
fn rights_on(bot: &Agent, home: &str, feature: &str) -> Vec<Value> {
    bot.rules
        .iter()
        .flat_map(|rule| {
            rule.resources.iter().filter_map(move |resource| {
                let written = qualified(&resource.value, home)?;
                let (of, _) = written.split_once(':')?.1.split_once('/')?;
                (of == feature).then(|| {
                    json!({
                        "effect": match rule.effect {
                            Effect::Allow => "allow",
                            Effect::Deny => "deny",
                        },
                        "action": rule.action.value,
                        "resource": written,
                    })
                })
            })
        })
        .collect()
}

/// A resource of a feature written as `KIND:FEATURE/NAME` (or `/*`), the agent's own feature
/// filled in; `None` for external ones.
fn qualified(resource: &Resource, home: &str) -> Option<String> {
    let kind = resource.kind.as_str();
    match &resource.target {
        Target::One { feature, name } => Some(format!(
            "{kind}:{}/{name}",
            feature.as_deref().unwrap_or(home)
        )),
        Target::All { feature } => Some(format!("{kind}:{}/*", feature.as_deref().unwrap_or(home))),
        Target::Github { .. } => None,
    }
}
