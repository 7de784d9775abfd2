//! The runbooks target (DESIGN §5): a Markdown page `FEATURE/RUNBOOK.md` per runbook (summary,
//! steps, escalation, and the SLOs and alerts that link to it with their objective, error budget
//! and burn-rate thresholds), and a page `FEATURE/agents/AGENT.md` per agent that has no
//! `runbook=` of its own (owner, purpose, budgets, limits, rights, worst-case spend, and how to
//! stop it).
//!
//! Pages are written with a small Markdown writer; every text taken from a spec is escaped by
//! [`markdown::text`], so no spec can inject Markdown or HTML into a page.

mod markdown;

use std::collections::{BTreeMap, BTreeSet};

use gantry::artifact::{Artifact, Content};
use gantry::ast::{Agent, Effect, Feature, Runbook, Slo};
use gantry::consequences::{
    AlertSeverity, DEFAULT_WINDOW, burn_rate_windows, error_budget, worst_case_daily_tokens,
};
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use gantry::values::{ResourceKind, Target, is_dns_label};

use markdown::{Page, number, text};

pub use markdown::text as escape;

/// The runbooks target's entry point.
pub fn emit(model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let mut pages = BTreeMap::new();
    for feature in &model.features {
        let source = model.file_name(feature).to_string();
        for runbook in &feature.runbooks {
            let path = format!("{}/{}.md", feature.name.value, runbook.name.value);
            let page = runbook_page(model, feature, runbook);
            pages.insert(
                path.clone(),
                artifact(path, page, &source, runbook.name.span),
            );
        }
        for agent in feature.agents.iter().filter(|a| a.runbook.is_none()) {
            let path = format!("{}/agents/{}.md", feature.name.value, agent.name.value);
            let page = agent_page(feature, agent);
            pages.insert(path.clone(), artifact(path, page, &source, agent.name.span));
        }
    }
    Ok(pages.into_values().collect())
}

fn artifact(path: String, page: String, source: &str, origin: gantry::source::Span) -> Artifact {
    Artifact {
        path,
        content: Content::Text(page),
        sources: vec![source.to_string()],
        origin: Some(origin),
    }
}

fn runbook_page(model: &Model, feature: &Feature, runbook: &Runbook) -> String {
    let mut page = Page::default();
    page.heading(
        1,
        &format!(
            "Runbook: {} ({})",
            text(&runbook.name.value),
            text(&feature.name.value)
        ),
    );
    match &runbook.summary {
        Some(summary) => page.paragraph(&text(&summary.value)),
        None => page.paragraph("*No summary given.*"),
    }

    page.heading(2, "Steps");
    if runbook.steps.is_empty() {
        page.paragraph("*No steps given.*");
    } else {
        page.numbered(runbook.steps.iter().map(|s| text(&s.value)));
    }

    page.heading(2, "Escalation");
    if runbook.escalate.is_empty() {
        page.paragraph("*No escalation given.*");
    } else {
        page.bullets(runbook.escalate.iter().map(|e| match &e.after {
            Some(after) => format!(
                "Escalate to team **{}** after {}",
                text(&e.team.value),
                text(&after.value.to_string())
            ),
            None => format!("Escalate to team **{}** immediately", text(&e.team.value)),
        }));
    }

    page.heading(2, "Linked from");
    let links = |name: &Option<gantry::ast::Name>| {
        name.as_ref().is_some_and(|n| n.value == runbook.name.value)
    };
    let slos: Vec<&Slo> = feature.slos.iter().filter(|s| links(&s.runbook)).collect();
    let alerts: Vec<_> = feature
        .alerts
        .iter()
        .filter(|a| links(&a.runbook))
        .collect();
    let agents: Vec<&Agent> = feature
        .agents
        .iter()
        .filter(|a| links(&a.runbook))
        .collect();
    if slos.is_empty() && alerts.is_empty() && agents.is_empty() {
        page.paragraph("*Nothing links to this runbook.*");
    }
    for slo in slos {
        slo_section(model, feature, slo, &mut page);
    }
    for alert in alerts {
        page.heading(3, &format!("Alert {}", text(&alert.name.value)));
        let mut items = Vec::new();
        if let Some(severity) = &alert.severity {
            items.push(format!("Severity: {}", text(&severity.value)));
        }
        if let Some(expr) = &alert.expr {
            items.push(format!("Fires when: {}", text(&expr.value)));
        }
        if let Some(for_) = &alert.for_ {
            items.push(format!("For at least: {}", text(&for_.value.to_string())));
        }
        if let Some(summary) = &alert.summary {
            items.push(format!("Summary: {}", text(&summary.value)));
        }
        page.bullets(items);
    }
    for agent in agents {
        page.heading(3, &format!("Agent {}", text(&agent.name.value)));
        page.paragraph("The agent's own alerts (budgets, retries, task success) link here.");
    }
    page.finish()
}

fn slo_section(model: &Model, feature: &Feature, slo: &Slo, page: &mut Page) {
    page.heading(3, &format!("SLO {}", text(&slo.name.value)));
    let objective = slo.objective.as_ref().map(|o| o.value).or_else(|| {
        model
            .tiers
            .get(&feature.name.value)
            .and_then(|t| t.objective_default)
    });
    let window = slo.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value);
    let Some(objective) = objective else {
        page.paragraph(&format!(
            "No objective given; window {}.",
            text(&window.to_string())
        ));
        return;
    };
    let budget = error_budget(objective, window);
    let mut items = vec![
        format!(
            "Objective: {} % over {}",
            number(objective),
            text(&window.to_string())
        ),
        format!(
            "Error budget: {} % of events, {} minutes of full outage per {}",
            number(budget.ratio * 100.0),
            number(budget.minutes),
            text(&window.to_string())
        ),
    ];
    if let Some(service) = &slo.service {
        items.insert(0, format!("Service: {}", text(&service.value)));
    }
    page.bullets(items);
    let rows: Vec<Vec<String>> = burn_rate_windows(objective, window)
        .iter()
        .map(|w| {
            vec![
                match w.severity {
                    AlertSeverity::Page => "page".into(),
                    AlertSeverity::Ticket => "ticket".into(),
                },
                format!("{} and {}", w.long, w.short),
                format!("{}×", number(w.factor)),
                number(w.threshold),
                format!(
                    "fires when {} % of the {} budget burns within {}",
                    number(w.budget_consumed * 100.0),
                    text(&window.to_string()),
                    w.long
                ),
            ]
        })
        .collect();
    page.table(
        &[
            "severity",
            "windows (long and short)",
            "burn rate",
            "error ratio above",
            "in plain words",
        ],
        &rows,
    );
}

fn agent_page(feature: &Feature, agent: &Agent) -> String {
    let feature_name = &feature.name.value;
    let mut page = Page::default();
    page.heading(
        1,
        &format!(
            "Agent: {} ({})",
            text(&agent.name.value),
            text(feature_name)
        ),
    );
    let mut about = Vec::new();
    let owner = agent.owner.as_ref().or(feature.owner.as_ref());
    about.push(format!(
        "Owner: {}",
        owner.map_or("*not given*".into(), |o| text(&o.value))
    ));
    about.push(format!(
        "Purpose: {}",
        agent
            .purpose
            .as_ref()
            .map_or("*not given*".into(), |p| text(&p.value))
    ));
    about.push(format!(
        "Model: {}",
        agent.model.as_ref().map_or("*not given*".into(), |m| {
            match &m.provider {
                Some(p) => format!("{} (provider {})", text(&m.name.value), text(&p.value)),
                None => text(&m.name.value),
            }
        })
    ));
    page.bullets(about);

    page.heading(2, "Budgets");
    let mut budgets = Vec::new();
    if let Some(b) = &agent.budget {
        let ints = [
            ("tokens per run", &b.tokens_per_run),
            ("tokens per day", &b.tokens_per_day),
            ("tokens per month", &b.tokens_per_month),
        ];
        for (label, value) in ints {
            if let Some(v) = value {
                budgets.push(format!("{label}: {}", v.value));
            }
        }
        let usd = [
            ("USD per run", &b.usd_per_run),
            ("USD per day", &b.usd_per_day),
            ("USD per month", &b.usd_per_month),
        ];
        for (label, value) in usd {
            if let Some(v) = value {
                budgets.push(format!("{label}: {}", number(v.value)));
            }
        }
    }
    if budgets.is_empty() {
        page.paragraph("*No budget given.*");
    } else {
        page.bullets(budgets);
    }
    let spend = worst_case_daily_tokens(agent);
    page.paragraph(&match spend.tokens_per_day {
        Some(tokens) => format!(
            "Worst-case daily token spend: **{tokens}** tokens (bound by {}).",
            text(spend.bound_by)
        ),
        None => "Worst-case daily token spend: **unbounded** (no daily, monthly or rate limit \
                 bounds it)."
            .into(),
    });

    page.heading(2, "Rate limits and retries");
    let mut limits = Vec::new();
    if let Some(r) = &agent.rate_limit {
        let values = [
            ("requests per minute", &r.requests_per_minute),
            ("tokens per minute", &r.tokens_per_minute),
            ("runs per hour", &r.runs_per_hour),
            ("concurrent runs", &r.concurrency),
        ];
        for (label, value) in values {
            if let Some(v) = value {
                limits.push(format!("Rate limit, {label}: {}", v.value));
            }
        }
    }
    if let Some(retry) = &agent.retry {
        let mut parts = Vec::new();
        if let Some(n) = &retry.max_attempts {
            parts.push(format!("at most {} attempts", n.value));
        }
        if let Some(b) = &retry.backoff {
            parts.push(format!("{} backoff", text(&b.value)));
        }
        if let Some(d) = &retry.initial_delay {
            parts.push(format!("first retry after {}", text(&d.value.to_string())));
        }
        limits.push(format!("Retry policy: {}", parts.join(", ")));
    }
    if limits.is_empty() {
        page.paragraph("*No rate limit or retry policy given.*");
    } else {
        page.bullets(limits);
    }

    page.heading(2, "Credentials");
    page.paragraph(&match &agent.credentials {
        Some(c) => format!(
            "Source: {}; time to live: {}.",
            c.source
                .as_ref()
                .map_or("*not given*".into(), |s| text(&s.value)),
            c.ttl
                .as_ref()
                .map_or("*not given*".into(), |t| text(&t.value.to_string()))
        ),
        None => "*No credentials given.*".into(),
    });

    page.heading(2, "Guardrails");
    if agent.guardrails.is_empty() {
        page.paragraph("*No guardrails.*");
    } else {
        let rows: Vec<Vec<String>> = agent
            .guardrails
            .iter()
            .map(|g| {
                vec![
                    text(&g.kind.value),
                    g.action
                        .as_ref()
                        .map_or("*not given*".into(), |a| text(&a.value)),
                    g.on.as_ref().map_or(String::new(), |o| text(&o.value)),
                ]
            })
            .collect();
        page.table(&["guardrail", "action", "on"], &rows);
    }

    page.heading(2, "Rights");
    if agent.rules.is_empty() {
        page.paragraph("*No rights: the agent may not act on anything.*");
    } else {
        let rows: Vec<Vec<String>> = agent
            .rules
            .iter()
            .flat_map(|rule| {
                rule.resources.iter().map(move |r| {
                    vec![
                        match rule.effect {
                            Effect::Allow => "allow".into(),
                            Effect::Deny => "deny".into(),
                        },
                        text(&rule.action.value),
                        text(&r.value.to_string()),
                    ]
                })
            })
            .collect();
        page.table(&["effect", "action", "resource"], &rows);
    }

    page.heading(2, "How to stop it");
    let mut steps = Vec::new();
    match agent.credentials.as_ref().and_then(|c| c.source.as_ref()) {
        Some(source) => steps.push(format!(
            "Revoke its credentials in {}: they are issued from there{}.",
            text(&source.value),
            agent
                .credentials
                .as_ref()
                .and_then(|c| c.ttl.as_ref())
                .map_or(String::new(), |t| format!(
                    " and expire on their own within {}",
                    text(&t.value.to_string())
                ))
        )),
        None => steps.push("Revoke its credentials wherever they were issued.".into()),
    }
    steps.push(
        "Set its rate limit to zero in the agent runtime: `rate-limit requests-per-minute=0` \
         (and `runs-per-hour=0`), so no new run starts."
            .into(),
    );
    let namespaces = k8s_namespaces(feature, agent);
    let account = format!("agent.{feature_name}.{}", agent.name.value);
    let commands_safe = is_dns_label(feature_name)
        && is_dns_label(&agent.name.value)
        && namespaces.iter().all(|n| is_dns_label(n));
    if !namespaces.is_empty() {
        steps.push(format!(
            "Revoke its Kubernetes rights: delete the RoleBinding {} in {} and the \
             ServiceAccount {} in {} (commands below).",
            text(&account),
            namespaces
                .iter()
                .map(|n| format!("namespace {}", text(n)))
                .collect::<Vec<_>>()
                .join(", "),
            text(&account),
            text(&format!("namespace {feature_name}"))
        ));
    }
    steps.push("Tell the owner, and keep the agent stopped until the cause is understood.".into());
    page.numbered(steps);
    if !namespaces.is_empty() && commands_safe {
        let mut commands: Vec<String> = namespaces
            .iter()
            .map(|ns| format!("kubectl --namespace {ns} delete rolebinding {account}"))
            .collect();
        commands.push(format!(
            "kubectl --namespace {feature_name} delete serviceaccount {account}"
        ));
        page.code(&commands);
    }
    page.finish()
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
