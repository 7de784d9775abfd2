//! The data of an agent's page: who owns it and why it exists, its budgets and limits, its
//! rights, and how to stop it.

use std::collections::BTreeSet;

use gantry::ast::{Agent, Effect, Feature};
use gantry::consequences::worst_case_daily_tokens;
use gantry::model::Model;
use gantry::source::Spanned;
use gantry::values::{ResourceKind, Target, is_dns_label};
use serde_json::{Value, json};

use super::markdown::number;
use super::runbook::feature_data;
use super::{agent_page_path, dashboard_url};

/// Everything `agent.md.hbs` can show. Absent values are `null`, never missing.
pub fn data(model: &Model, feature: &Feature, agent: &Agent) -> Value {
    let feature_name = &feature.name.value;
    let labelled = |items: Vec<(&str, Option<String>)>| -> Vec<Value> {
        items
            .into_iter()
            .filter_map(|(label, value)| value.map(|v| json!({ "label": label, "value": v })))
            .collect()
    };
    let budgets = agent.budget.as_ref().map_or_else(Vec::new, |b| {
        let int = |v: &Option<Spanned<i64>>| v.as_ref().map(|v| v.value.to_string());
        let usd = |v: &Option<Spanned<f64>>| v.as_ref().map(|v| number(v.value));
        labelled(vec![
            ("tokens per run", int(&b.tokens_per_run)),
            ("tokens per day", int(&b.tokens_per_day)),
            ("tokens per month", int(&b.tokens_per_month)),
            ("USD per run", usd(&b.usd_per_run)),
            ("USD per day", usd(&b.usd_per_day)),
            ("USD per month", usd(&b.usd_per_month)),
        ])
    });
    let rate_limits = agent.rate_limit.as_ref().map_or_else(Vec::new, |r| {
        let int = |v: &Option<Spanned<i64>>| v.as_ref().map(|v| v.value.to_string());
        labelled(vec![
            ("requests per minute", int(&r.requests_per_minute)),
            ("tokens per minute", int(&r.tokens_per_minute)),
            ("runs per hour", int(&r.runs_per_hour)),
            ("concurrent runs", int(&r.concurrency)),
        ])
    });
    let spend = worst_case_daily_tokens(agent);
    let namespaces = k8s_namespaces(feature, agent);
    let account = format!("agent.{feature_name}.{}", agent.name.value);
    // Commands are only written from names the checker proved are DNS labels.
    let commands_safe = is_dns_label(feature_name)
        && is_dns_label(&agent.name.value)
        && namespaces.iter().all(|n| is_dns_label(n));
    let mut commands: Vec<String> = Vec::new();
    if commands_safe && !namespaces.is_empty() {
        commands.extend(
            namespaces
                .iter()
                .map(|ns| format!("kubectl --namespace {ns} delete rolebinding {account}")),
        );
        commands.push(format!(
            "kubectl --namespace {feature_name} delete serviceaccount {account}"
        ));
    }
    let page = agent_page_path(feature_name, &agent.name.value);
    let credentials = agent.credentials.as_ref();
    json!({
        "feature": feature_data(feature),
        "agent": {
            "name": agent.name.value,
            "owner": agent.owner.as_ref().or(feature.owner.as_ref()).map(|o| &o.value),
            "purpose": agent.purpose.as_ref().map(|p| &p.value),
            "model": agent.model.as_ref().map(|m| &m.name.value),
            "provider": agent.model.as_ref().and_then(|m| m.provider.as_ref()).map(|p| &p.value),
            "budgets": budgets,
            "worst_case_tokens_per_day": spend.tokens_per_day.map(|t| t.to_string()),
            "worst_case_bound_by": spend.bound_by,
            "limited": !rate_limits.is_empty() || agent.retry.is_some(),
            "rate_limits": rate_limits,
            "retry": agent.retry.as_ref().map(|r| json!({
                "max_attempts": r.max_attempts.as_ref().map(|n| n.value.to_string()),
                "backoff": r.backoff.as_ref().map(|b| &b.value),
                "initial_delay": r.initial_delay.as_ref().map(|d| d.value.to_string()),
            })),
            "credentials": agent.credentials.as_ref().map(|c| json!({
                "source": c.source.as_ref().map(|s| &s.value),
                "ttl": c.ttl.as_ref().map(|t| t.value.to_string()),
            })),
            "guardrails": agent.guardrails.iter().map(|g| json!({
                "kind": g.kind.value,
                "action": g.action.as_ref().map(|a| &a.value),
                "on": g.on.as_ref().map(|o| &o.value),
            })).collect::<Vec<_>>(),
            "rights": agent.rules.iter().flat_map(|rule| rule.resources.iter().map(move |r| json!({
                "effect": match rule.effect {
                    Effect::Allow => "allow",
                    Effect::Deny => "deny",
                },
                "action": rule.action.value,
                "resource": r.value.to_string(),
            }))).collect::<Vec<_>>(),
        },
        "stop": {
            "credentials_source": credentials.and_then(|c| c.source.as_ref()).map(|s| &s.value),
            "credentials_ttl": credentials.and_then(|c| c.ttl.as_ref()).map(|t| t.value.to_string()),
            "namespaces": namespaces,
            "service_account": account,
            "commands": commands,
        },
        "dashboard": dashboard_url(model, feature_name, 1).map(|url| json!({
            "uid": crate::grafana::dashboard_uid(feature_name),
            "url": url,
        })),
        "page": page,
    })
}

/// The namespaces the agent's allowed `k8s:` rules reach (where its RoleBindings are).
fn k8s_namespaces(feature: &Feature, agent: &Agent) -> BTreeSet<String> {
    agent
        .rules
        .iter()
        .filter(|r| r.effect == Effect::Allow)
        .flat_map(|r| &r.resources)
        .filter(|r| r.value.kind == ResourceKind::K8s)
        .filter_map(|r| match &r.value.target {
            Target::One { feature: f, .. } | Target::All { feature: f } => {
                Some(f.clone().unwrap_or_else(|| feature.name.value.clone()))
            }
            Target::Github { .. } => None,
        })
        .collect()
}
