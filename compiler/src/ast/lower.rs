//! Lowering of validated syntax nodes to the typed AST.

use super::view::{CollectExact, NodeView, numbers, resources, service_refs, strings};
use super::*;
use crate::merge::Merged;

pub fn lower_workspace(node: &Node) -> Option<Workspace> {
    let lint = node.child("lint");
    let all_args =
        |name: &str| -> Vec<Spanned<String>> { node.named(name).flat_map(strings).collect_exact() };
    let lint_args = |name: &str| -> Vec<Spanned<String>> {
        lint.map(|l| l.named(name).flat_map(strings).collect_exact())
            .unwrap_or_default()
    };
    Some(Workspace {
        name: node.arg_str(0)?,
        output: node.child_text("output"),
        targets: all_args("targets"),
        environments: node
            .named("environment")
            .filter_map(|n| n.arg_name(0))
            .collect_exact(),
        cloud: node.child("cloud").and_then(|c| {
            Some(Cloud {
                provider: c.arg_str(0)?,
                region: c.prop_str("region"),
            })
        }),
        runbook_base_url: node.child_text("runbook-base-url"),
        templates: node.child_text("templates"),
        teams: node.named("team").filter_map(lower_team).collect_exact(),
        receivers: node
            .named("receiver")
            .filter_map(lower_receiver)
            .collect_exact(),
        lint: LintLevels {
            deny: lint_args("deny"),
            warn: lint_args("warn"),
            allow: lint_args("allow"),
        },
        ignore: all_args("ignore"),
        flags_provider: node.child("flags").and_then(|f| f.prop_str("provider")),
        flags_image: node.child("flags").and_then(|f| f.prop_str("image")),
        flags_digest: node.child("flags").and_then(|f| f.prop_str("digest")),
        ingress_class: node.child("ingress").and_then(|i| i.prop_str("class")),
        ingress_namespace: node.child("ingress").and_then(|i| i.prop_str("namespace")),
        prometheus_rule_format: node
            .child("prometheus")
            .and_then(|p| p.prop_str("rule-format")),
        prometheus_scrape: node.child("prometheus").and_then(|p| p.prop_str("scrape")),
        agent_budget_cap: node.child("agent-budget").map(lower_cap),
        span: node.span,
    })
}

fn lower_team(node: &Node) -> Option<Team> {
    let oncall = node.child("oncall");
    Some(Team {
        name: node.arg_str(0)?,
        pager: oncall.and_then(|o| o.prop_name("pager")),
        chat: oncall.and_then(|o| o.prop_str("chat")),
        approvers: node.named("approvers").flat_map(strings).collect_exact(),
        agent_budget_cap: node.child("agent-budget").map(lower_cap),
        span: node.span,
    })
}

fn lower_cap(node: &Node) -> BudgetCap {
    BudgetCap {
        usd_per_day: node.prop_f64("usd-per-day"),
        usd_per_month: node.prop_f64("usd-per-month"),
        tokens_per_day: node.prop_int("tokens-per-day"),
        span: node.span,
    }
}

fn lower_receiver(node: &Node) -> Option<Receiver> {
    Some(Receiver {
        name: node.arg_str(0)?,
        kind: node.prop_str("kind"),
        settings: node
            .props()
            .filter(|(k, _)| k.value != "kind")
            .filter_map(|(k, v)| {
                Some((
                    k.clone(),
                    Spanned::new(v.value.as_str()?.to_string(), v.span),
                ))
            })
            .collect_exact(),
        span: node.span,
    })
}

pub fn lower_preset(node: &Node) -> Option<Preset> {
    let body = node.children.first().cloned();
    Some(Preset {
        name: node.arg_str(0)?,
        doc: node.prop_str("doc"),
        kind: body.as_ref().map(|b| b.name.clone()),
        body,
        span: node.span,
    })
}

/// Lowers a feature node as written.
pub fn lower_feature(node: &Node, file: FileId) -> Option<Feature> {
    lower_feature_view(node, node.span, Copies::none(), file)
}

/// Lowers a feature as an environment sees it: merged with its overlay and presets. `written`
/// is the same feature lowered as written: the entities that merging left alone are copied
/// from it rather than lowered again.
pub fn lower_merged_feature(
    merged: &Merged,
    written: Option<&Feature>,
    file: FileId,
) -> Option<Feature> {
    let copies = Copies {
        written,
        merged: Some(merged),
    };
    lower_feature_view(merged, merged.head.span, copies, file)
}

fn lower_feature_view(
    node: &impl NodeView,
    span: Span,
    copies: Copies,
    file: FileId,
) -> Option<Feature> {
    Some(Feature {
        name: node.arg_str(0)?,
        file,
        owner: node.child("owner").and_then(|n| n.arg_name(0)),
        tier: node.child("tier").and_then(|n| n.arg_name(0)),
        description: node.child_text("description"),
        services: copies.entities(node, "service", |f| &f.services, lower_service),
        datastores: copies.entities(node, "datastore", |f| &f.datastores, lower_datastore),
        secrets: copies.entities(node, "secret", |f| &f.secrets, lower_secret),
        flags: copies.entities(node, "flag", |f| &f.flags, lower_flag),
        deploys: copies.entities(node, "deploy", |f| &f.deploys, |n| Some(lower_deploy(n))),
        telemetry: node.child("telemetry").map(|n| {
            let written = copies.written.and_then(|w| w.telemetry.as_ref());
            copies
                .copy(n, written.map(std::slice::from_ref).unwrap_or_default())
                .unwrap_or_else(|| lower_telemetry(n))
        }),
        slos: copies.entities(node, "slo", |f| &f.slos, lower_slo),
        alerts: copies.entities(node, "alert", |f| &f.alerts, lower_alert),
        runbooks: copies.entities(node, "runbook", |f| &f.runbooks, lower_runbook),
        agents: copies.entities(node, "agent", |f| &f.agents, lower_agent),
        gates: copies.entities(node, "gate", |f| &f.gates, lower_gate),
        envs: node
            .named("env")
            .filter_map(|n| {
                Some(EnvOverlay {
                    name: n.arg_name(0)?,
                    span: n.span,
                })
            })
            .collect_exact(),
        suppressions: node.suppressions(),
        span,
    })
}

/// Where a merged feature's entities may be copied from: the feature as written, for the
/// children of its node that `merged` left alone. An entity lowers the same from the same
/// node, and copying it costs less than reading the node again.
#[derive(Clone, Copy)]
struct Copies<'w> {
    written: Option<&'w Feature>,
    merged: Option<&'w Merged<'w>>,
}

impl<'w> Copies<'w> {
    fn none() -> Copies<'w> {
        Copies {
            written: None,
            merged: None,
        }
    }

    /// The entities of one kind of a feature node, copied or lowered.
    fn entities<T: Clone + Entity>(
        self,
        node: &impl NodeView,
        kind: &str,
        of: fn(&Feature) -> &[T],
        lower: fn(&Node) -> Option<T>,
    ) -> Vec<T> {
        let written = self.written.map(of).unwrap_or_default();
        node.named(kind)
            .filter_map(|child| self.copy(child, written).or_else(|| lower(child)))
            .collect_exact()
    }

    /// The entity lowered from `child` as written, if merging left `child` alone. Entities are in the
    /// order of their nodes, so it is found by where its node starts.
    fn copy<T: Clone + Entity>(self, child: &Node, written: &[T]) -> Option<T> {
        if !self.merged.is_some_and(|m| m.left_alone(child)) {
            return None;
        }
        let at = written
            .binary_search_by_key(&child.span.start, |e| e.span().start)
            .ok()?;
        Some(&written[at])
            .filter(|e| e.span() == child.span)
            .cloned()
    }
}

/// An entity of a feature, known by the span of the node it was lowered from.
trait Entity {
    fn span(&self) -> Span;
}

macro_rules! entities {
    ($($kind:ty),*) => {
        $(impl Entity for $kind {
            fn span(&self) -> Span {
                self.span
            }
        })*
    };
}

entities!(
    Service, Datastore, Secret, Flag, Deploy, Telemetry, Slo, Alert, Runbook, Agent, Gate
);

fn lower_service(node: &Node) -> Option<Service> {
    let port = node.child("port").and_then(|n| {
        Some(Port {
            number: n.arg_int(0)?,
            protocol: n.prop_str("protocol"),
        })
    });
    Some(Service {
        name: node.arg_str(0)?,
        preset: node.prop_str("use"),
        image: node.child("image").and_then(|n| {
            Some(Image {
                reference: n.arg_str(0)?,
                digest: n.prop_str("digest"),
                span: n.span,
            })
        }),
        port_invalid: node.child("port").is_some() && port.is_none(),
        port,
        replicas: node.child("replicas").map(|n| Replicas {
            min: n.prop_int("min"),
            max: n.prop_int("max"),
            target_cpu: n.prop_int("target-cpu"),
            span: n.span,
        }),
        resources: node.child("resources").map(|n| Resources {
            cpu: n.prop_cpu("cpu"),
            memory: n.prop_bytes("memory"),
            cpu_limit: n.prop_cpu("cpu-limit"),
            memory_limit: n.prop_bytes("memory-limit"),
            span: n.span,
        }),
        probes: node
            .named("probe")
            .filter_map(|n| {
                Some(Probe {
                    kind: n.arg_str(0)?,
                    path: n.prop_str("path"),
                    port: n.prop_int("port"),
                    period: n.prop_duration("period"),
                    timeout: n.prop_duration("timeout"),
                    failure_threshold: n.prop_int("failure-threshold"),
                    span: n.span,
                })
            })
            .collect_exact(),
        env: node
            .named("env")
            .filter_map(|n| {
                Some(EnvVar {
                    name: n.arg_str(0)?,
                    value: n.prop_str("value"),
                    secret: n.prop_name("secret"),
                    key: n.prop_str("key"),
                    span: n.span,
                })
            })
            .collect_exact(),
        depends_on: node
            .named("depends-on")
            .flat_map(service_refs)
            .collect_exact(),
        expose: node.child("expose").map(|n| Expose {
            host: n.prop_str("host"),
            path: n.prop_str("path"),
            span: n.span,
        }),
        suppressions: node.suppressions(),
        span: node.span,
    })
}

fn lower_datastore(node: &Node) -> Option<Datastore> {
    Some(Datastore {
        name: node.arg_str(0)?,
        preset: node.prop_str("use"),
        kind: node.prop_str("kind"),
        size: node.prop_str("size"),
        storage_gb: node.prop_int("storage-gb"),
        version: node.prop_str("version"),
        contains_pii: node.prop_bool("contains-pii"),
        backup: node.child("backup").map(|n| Backup {
            retention_days: n.prop_int("retention-days"),
            window: n.prop_str("window"),
            span: n.span,
        }),
        suppressions: node.suppressions(),
        span: node.span,
    })
}

fn lower_secret(node: &Node) -> Option<Secret> {
    Some(Secret {
        name: node.arg_str(0)?,
        from: node.prop_str("from"),
        path: node.prop_str("path"),
        suppressions: node.suppressions(),
        span: node.span,
    })
}

fn lower_flag(node: &Node) -> Option<Flag> {
    Some(Flag {
        name: node.arg_str(0)?,
        default: node.prop_scalar("default"),
        state: node.prop_str("state"),
        rollout: node.child("rollout").map(|n| FlagRollout {
            percent: n.prop_f64("percent"),
            by: n.prop_str("by"),
            span: n.span,
        }),
        variants: node
            .named("variant")
            .filter_map(|n| {
                Some(Variant {
                    name: n.arg_name(0)?,
                    value: n.prop_scalar("value"),
                    weight: n.prop_int("weight"),
                    listed: false,
                    span: n.span,
                })
            })
            .chain(node.named("variants").flat_map(|n| {
                strings(n)
                    .into_iter()
                    .filter(|name| crate::values::check_name(&name.value).is_ok())
                    .map(|name| Variant {
                        span: name.span,
                        name,
                        value: None,
                        weight: None,
                        listed: true,
                    })
            }))
            .collect_exact(),
        suppressions: node.suppressions(),
        span: node.span,
    })
}

fn lower_approval(node: &Node) -> Option<Approval> {
    Some(Approval {
        team: node.prop_name("team")?,
        count: node.prop_int("count"),
        span: node.span,
    })
}

fn lower_deploy(node: &Node) -> Deploy {
    Deploy {
        keyword: node.name.span,
        strategy: node.prop_str("strategy"),
        service: node.prop_name("service"),
        preset: node.prop_str("use"),
        steps: node
            .named("step")
            .map(|n| {
                let approve_word = n
                    .arg_str(0)
                    .filter(|word| word.value == "approve")
                    .map(|word| word.span);
                Step {
                    weight: n.prop_int("weight"),
                    pause: n.prop_duration("pause"),
                    approve: n
                        .child("approve")
                        .and_then(lower_approval)
                        .or_else(|| {
                            n.prop_name("approve").map(|team| Approval {
                                team,
                                count: None,
                                span: n.span,
                            })
                        })
                        .or_else(|| approve_word.and_then(|_| lower_approval(n))),
                    approve_word,
                    approver_props: n
                        .props()
                        .find(|(key, _)| key.value == "team" || key.value == "count")
                        .map(|(key, _)| key.span),
                    span: n.span,
                }
            })
            .collect_exact(),
        rollback_when: node
            .named("rollback-when")
            .filter_map(|n| {
                n.prop_str("slo")
                    .filter(|s| s.value == "*" || crate::values::is_dns_label(&s.value))
                    .map(RollbackTrigger::Slo)
                    .or_else(|| n.prop_name("alert").map(RollbackTrigger::Alert))
            })
            .collect_exact(),
        manual_override: node
            .child("manual-override")
            .and_then(|n| n.prop_name("team")),
        approve: node.child("approve").and_then(lower_approval),
        suppressions: node.suppressions(),
        span: node.span,
    }
}

fn lower_telemetry(node: &Node) -> Telemetry {
    Telemetry {
        metrics: node.child("metrics").map(|n| Metrics {
            path: n.prop_str("path"),
            port: n.prop_int("port"),
            interval: n.prop_duration("interval"),
            span: n.span,
        }),
        trace_sample_ratio: node
            .child("traces")
            .and_then(|n| n.prop_f64("sample-ratio")),
        log_retention: node
            .child("logs")
            .and_then(|n| n.prop_duration("retention")),
        histograms: node
            .named("histogram")
            .filter_map(|n| {
                Some(Histogram {
                    metric: n.arg_str(0)?,
                    bounds: numbers(n),
                })
            })
            .collect_exact(),
        span: node.span,
    }
}

fn lower_slo(node: &Node) -> Option<Slo> {
    let indicator = if let Some(r) = node.child("ratio") {
        Some(Indicator::Ratio {
            preset: r.prop_str("preset").or_else(|| r.prop_str("use")),
            good: r.prop_str("good"),
            bad: r.prop_str("bad"),
            total: r.prop_str("total"),
            span: r.span,
        })
    } else {
        node.child("latency").map(|l| Indicator::Latency {
            preset: l.prop_str("preset").or_else(|| l.prop_str("use")),
            metric: l.prop_str("metric"),
            threshold: l.prop_duration("threshold"),
            span: l.span,
        })
    };
    Some(Slo {
        name: node.arg_str(0)?,
        service: node.prop_name("service"),
        objective: node.prop_f64("objective"),
        window: node.prop_duration("window"),
        runbook: node.prop_name("runbook"),
        preset: node.prop_str("use"),
        indicator,
        suppressions: node.suppressions(),
        span: node.span,
    })
}

fn lower_alert(node: &Node) -> Option<Alert> {
    Some(Alert {
        name: node.arg_str(0)?,
        severity: node.prop_str("severity"),
        runbook: node.prop_name("runbook"),
        preset: node.prop_str("use"),
        expr: node.child_text("expr").or_else(|| node.prop_str("expr")),
        for_: node
            .child("for")
            .and_then(|n| n.arg_duration(0))
            .or_else(|| node.prop_duration("for")),
        summary: node.child_text("summary"),
        description: node.child_text("description"),
        suppressions: node.suppressions(),
        span: node.span,
    })
}

fn lower_runbook(node: &Node) -> Option<Runbook> {
    Some(Runbook {
        name: node.arg_str(0)?,
        preset: node.prop_str("use"),
        summary: node.child_text("summary"),
        steps: node
            .named("step")
            .filter_map(|n| n.arg_str(0))
            .collect_exact(),
        escalate: node
            .named("escalate")
            .filter_map(|n| {
                Some(Escalation {
                    team: n.prop_name("team")?,
                    after: n.prop_duration("after"),
                    span: n.span,
                })
            })
            .collect_exact(),
        suppressions: node.suppressions(),
        span: node.span,
    })
}

fn lower_agent(node: &Node) -> Option<Agent> {
    let rules = node
        .children
        .iter()
        .filter_map(|n| {
            let effect = match n.name.value.as_str() {
                "allow" => Effect::Allow,
                "deny" => Effect::Deny,
                _ => return None,
            };
            let action = n
                .arg_str(0)
                .filter(|a| crate::schema::ACTIONS.contains(&a.value.as_str()))?;
            Some(AgentRule {
                effect,
                action,
                resources: resources(n),
                span: n.span,
            })
        })
        .collect_exact();
    Some(Agent {
        name: node.arg_str(0)?,
        preset: node.prop_str("use"),
        purpose: node.child_text("purpose"),
        owner: node.child("owner").and_then(|n| n.arg_name(0)),
        model: node.child("model").and_then(|n| {
            Some(Model {
                name: n.arg_str(0)?,
                provider: n.prop_str("provider"),
            })
        }),
        budget: node.child("budget").map(|n| Budget {
            tokens_per_run: n.prop_int("tokens-per-run"),
            tokens_per_day: n.prop_int("tokens-per-day"),
            tokens_per_month: n.prop_int("tokens-per-month"),
            usd_per_run: n.prop_f64("usd-per-run"),
            usd_per_day: n.prop_f64("usd-per-day"),
            usd_per_month: n.prop_f64("usd-per-month"),
            span: n.span,
        }),
        rate_limit: node.child("rate-limit").map(|n| RateLimit {
            requests_per_minute: n.prop_int("requests-per-minute"),
            tokens_per_minute: n.prop_int("tokens-per-minute"),
            runs_per_hour: n.prop_int("runs-per-hour"),
            concurrency: n.prop_int("concurrency"),
            span: n.span,
        }),
        retry: node.child("retry").map(|n| Retry {
            max_attempts: n.prop_int("max-attempts"),
            backoff: n.prop_str("backoff"),
            initial_delay: n.prop_duration("initial-delay"),
            span: n.span,
        }),
        credentials: node.child("credentials").map(|n| Credentials {
            source: n.prop_str("source"),
            ttl: n.prop_duration("ttl"),
            span: n.span,
        }),
        rules,
        guardrails: node
            .named("guardrail")
            .filter_map(|n| {
                Some(Guardrail {
                    kind: n.arg_str(0)?,
                    action: n.prop_str("action"),
                    on: n.prop_str("on"),
                    span: n.span,
                })
            })
            .collect_exact(),
        slos: node
            .named("slo")
            .filter_map(|n| {
                Some(AgentSlo {
                    kind: n.arg_str(0)?,
                    objective: n.prop_f64("objective"),
                    max_usd: n.prop_f64("max-usd"),
                    window: n.prop_duration("window"),
                    span: n.span,
                })
            })
            .collect_exact(),
        runbook: node
            .child("runbook")
            .and_then(|n| n.arg_name(0))
            .or_else(|| node.prop_name("runbook")),
        suppressions: node.suppressions(),
        span: node.span,
    })
}

fn lower_gate(node: &Node) -> Option<Gate> {
    Some(Gate {
        name: node.arg_str(0)?,
        tier: node.prop_str("tier"),
        review: node.prop_str("review"),
        approvals: node
            .named("approve")
            .filter_map(lower_approval)
            .collect_exact(),
        suppressions: node.suppressions(),
        span: node.span,
    })
}
