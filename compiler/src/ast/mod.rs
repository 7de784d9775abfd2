//! The typed AST: the workspace and every feature entity, each value typed and spanned. It is
//! lowered from a syntax tree that the schema has already validated, so lowering never reports:
//! a value the checker rejected is simply absent here.

mod lower;
mod view;

pub use lower::{lower_feature, lower_merged_feature, lower_preset, lower_workspace};

use crate::source::{FileId, Span, Spanned};
use crate::syntax::Node;
use crate::values::{Bytes, Duration, Millicores, Resource, ServiceRef};

pub type Name = Spanned<String>;

#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub name: Name,
    pub output: Option<Spanned<String>>,
    pub targets: Vec<Spanned<String>>,
    pub environments: Vec<Name>,
    pub cloud: Option<Cloud>,
    pub runbook_base_url: Option<Spanned<String>>,
    /// `templates`: the folder of the workspace's own runbook templates.
    pub templates: Option<Spanned<String>>,
    pub teams: Vec<Team>,
    pub receivers: Vec<Receiver>,
    pub lint: LintLevels,
    pub ignore: Vec<Spanned<String>>,
    pub flags_provider: Option<Spanned<String>>,
    /// `flags image=`: the flagd sidecar's image; the kubernetes target pins a default.
    pub flags_image: Option<Spanned<String>>,
    /// `flags digest=`: the flagd image's digest.
    pub flags_digest: Option<Spanned<String>>,
    /// `ingress class=`: the IngressClass of exposed services' Ingresses.
    pub ingress_class: Option<Spanned<String>>,
    /// `ingress namespace=`: where the ingress controller runs.
    pub ingress_namespace: Option<Spanned<String>>,
    pub prometheus_rule_format: Option<Spanned<String>>,
    pub prometheus_scrape: Option<Spanned<String>>,
    pub agent_budget_cap: Option<BudgetCap>,
    pub span: Span,
}

impl Workspace {
    /// The receivers a team's `chat=` may mean: the receiver of that name, or else every slack
    /// receiver that posts to that channel (`chat="#payments-oncall"`).
    pub fn chat_receivers(&self, chat: &str) -> Vec<&Receiver> {
        if let Some(by_name) = self.receivers.iter().find(|r| r.name.value == chat) {
            return vec![by_name];
        }
        self.receivers
            .iter()
            .filter(|r| r.kind.as_ref().is_some_and(|k| k.value == "slack"))
            .filter(|r| {
                r.settings
                    .iter()
                    .any(|(k, v)| k.value == "channel" && v.value == chat)
            })
            .collect()
    }

    /// Whether the workspace builds `target`: it lists it, or lists no targets (all of them).
    pub fn builds(&self, target: &str) -> bool {
        self.targets.is_empty() || self.targets.iter().any(|t| t.value == target)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cloud {
    pub provider: Spanned<String>,
    pub region: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub name: Name,
    pub pager: Option<Name>,
    pub chat: Option<Spanned<String>>,
    pub approvers: Vec<Spanned<String>>,
    pub agent_budget_cap: Option<BudgetCap>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BudgetCap {
    pub usd_per_day: Option<Spanned<f64>>,
    pub usd_per_month: Option<Spanned<f64>>,
    pub tokens_per_day: Option<Spanned<i64>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Receiver {
    pub name: Name,
    pub kind: Option<Spanned<String>>,
    /// The receiver's settings other than `kind`, as written (`routing-key-file`, `channel`, …).
    pub settings: Vec<(Name, Spanned<String>)>,
    pub span: Span,
}

/// Severities set by `lint { deny … warn … allow … }`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LintLevels {
    pub deny: Vec<Spanned<String>>,
    pub warn: Vec<Spanned<String>>,
    pub allow: Vec<Spanned<String>>,
}

/// `allow "RULE" reason="…"` on a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    pub rule: Spanned<String>,
    pub reason: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub name: Name,
    pub file: FileId,
    pub owner: Option<Name>,
    pub tier: Option<Name>,
    pub description: Option<Spanned<String>>,
    pub services: Vec<Service>,
    pub datastores: Vec<Datastore>,
    pub secrets: Vec<Secret>,
    pub flags: Vec<Flag>,
    pub deploys: Vec<Deploy>,
    pub telemetry: Option<Telemetry>,
    pub slos: Vec<Slo>,
    pub alerts: Vec<Alert>,
    pub runbooks: Vec<Runbook>,
    pub agents: Vec<Agent>,
    pub gates: Vec<Gate>,
    /// Environment overlays, by name and place: they are merged over the base before lowering,
    /// and the merged features are what an environment sees.
    pub envs: Vec<EnvOverlay>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

impl Feature {
    /// The deploy that applies to a service: the one that names it, else the feature's general
    /// one.
    pub fn deploy_for(&self, service: &str) -> Option<&Deploy> {
        self.deploys
            .iter()
            .find(|d| d.service.as_ref().is_some_and(|s| s.value == service))
            .or_else(|| self.deploys.iter().find(|d| d.service.is_none()))
    }

    /// The named entities of one kind (its node name: `"service"`, `"slo"`, …), each with the
    /// rules `allow`ed on it; none for another word. Deploys are known by the service they
    /// pick, not by a name of their own: they are not among them.
    pub fn named_entities(&self, kind: &str) -> Vec<(&Name, &[Suppression])> {
        fn of<'f, T>(
            items: &'f [T],
            entry: fn(&'f T) -> (&'f Name, &'f [Suppression]),
        ) -> Vec<(&'f Name, &'f [Suppression])> {
            items.iter().map(entry).collect()
        }
        match kind {
            "service" => of(&self.services, |e| (&e.name, &e.suppressions)),
            "datastore" => of(&self.datastores, |e| (&e.name, &e.suppressions)),
            "secret" => of(&self.secrets, |e| (&e.name, &e.suppressions)),
            "flag" => of(&self.flags, |e| (&e.name, &e.suppressions)),
            "slo" => of(&self.slos, |e| (&e.name, &e.suppressions)),
            "alert" => of(&self.alerts, |e| (&e.name, &e.suppressions)),
            "runbook" => of(&self.runbooks, |e| (&e.name, &e.suppressions)),
            "agent" => of(&self.agents, |e| (&e.name, &e.suppressions)),
            "gate" => of(&self.gates, |e| (&e.name, &e.suppressions)),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvOverlay {
    pub name: Name,
    /// The whole `env "NAME" { … }` block.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: Name,
    pub preset: Option<Name>,
    pub image: Option<Image>,
    pub port: Option<Port>,
    /// A `port` was written but its number did not read: that error is reported, and checks
    /// that need the port stay quiet rather than say it is missing.
    pub port_invalid: bool,
    pub replicas: Option<Replicas>,
    pub resources: Option<Resources>,
    pub probes: Vec<Probe>,
    pub env: Vec<EnvVar>,
    pub depends_on: Vec<Spanned<ServiceRef>>,
    pub expose: Option<Expose>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub reference: Spanned<String>,
    pub digest: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    pub number: Spanned<u16>,
    pub protocol: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Replicas {
    pub min: Option<Spanned<u32>>,
    pub max: Option<Spanned<u32>>,
    pub target_cpu: Option<Spanned<u32>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resources {
    pub cpu: Option<Spanned<Millicores>>,
    pub memory: Option<Spanned<Bytes>>,
    pub cpu_limit: Option<Spanned<Millicores>>,
    pub memory_limit: Option<Spanned<Bytes>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub kind: Spanned<String>,
    pub path: Option<Spanned<String>>,
    pub port: Option<Spanned<u16>>,
    pub period: Option<Spanned<Duration>>,
    pub timeout: Option<Spanned<Duration>>,
    pub failure_threshold: Option<Spanned<u32>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub name: Spanned<String>,
    pub value: Option<Spanned<String>>,
    pub secret: Option<Name>,
    pub key: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expose {
    pub host: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Datastore {
    pub name: Name,
    pub preset: Option<Name>,
    pub kind: Option<Spanned<String>>,
    pub size: Option<Spanned<String>>,
    pub storage_gb: Option<Spanned<u32>>,
    pub version: Option<Spanned<String>>,
    pub contains_pii: Option<Spanned<bool>>,
    pub backup: Option<Backup>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub retention_days: Option<Spanned<u32>>,
    pub window: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Secret {
    pub name: Name,
    pub from: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

/// A flag value: flags may be boolean, string or numeric.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Bool(bool),
    String(String),
    Integer(i64),
    Float(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub name: Name,
    pub default: Option<Spanned<Scalar>>,
    pub state: Option<Spanned<String>>,
    pub rollout: Option<FlagRollout>,
    pub variants: Vec<Variant>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlagRollout {
    pub percent: Option<Spanned<f64>>,
    pub by: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: Name,
    pub value: Option<Spanned<Scalar>>,
    pub weight: Option<Spanned<u32>>,
    /// Named in a `variants` list rather than by a `variant` node of its own.
    pub listed: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deploy {
    /// The `deploy` keyword: a deploy has no name to point at.
    pub keyword: Span,
    pub strategy: Option<Spanned<String>>,
    pub service: Option<Name>,
    pub preset: Option<Name>,
    pub steps: Vec<Step>,
    pub rollback_when: Vec<RollbackTrigger>,
    pub manual_override: Option<Name>,
    pub approve: Option<Approval>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub weight: Option<Spanned<u32>>,
    pub pause: Option<Spanned<Duration>>,
    pub approve: Option<Approval>,
    /// The shorthand's parts as written, each of which needs the other: the `approve` argument
    /// of `step approve team="TEAM"`, and a `team=` or `count=` property.
    pub approve_word: Option<Span>,
    pub approver_props: Option<Span>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    pub team: Name,
    pub count: Option<Spanned<u32>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RollbackTrigger {
    /// An SLO of the feature, or `*` for all of the deployed service's.
    Slo(Name),
    Alert(Name),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Telemetry {
    pub metrics: Option<Metrics>,
    pub trace_sample_ratio: Option<Spanned<f64>>,
    pub log_retention: Option<Spanned<Duration>>,
    pub histograms: Vec<Histogram>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub path: Option<Spanned<String>>,
    pub port: Option<Spanned<u16>>,
    pub interval: Option<Spanned<Duration>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub metric: Spanned<String>,
    pub bounds: Vec<Spanned<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Slo {
    pub name: Name,
    pub service: Option<Name>,
    pub objective: Option<Spanned<f64>>,
    pub window: Option<Spanned<Duration>>,
    pub runbook: Option<Name>,
    pub preset: Option<Name>,
    pub indicator: Option<Indicator>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Indicator {
    Ratio {
        preset: Option<Name>,
        good: Option<Spanned<String>>,
        bad: Option<Spanned<String>>,
        total: Option<Spanned<String>>,
        span: Span,
    },
    Latency {
        preset: Option<Name>,
        metric: Option<Spanned<String>>,
        threshold: Option<Spanned<Duration>>,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub name: Name,
    pub severity: Option<Spanned<String>>,
    pub runbook: Option<Name>,
    pub preset: Option<Name>,
    pub expr: Option<Spanned<String>>,
    pub for_: Option<Spanned<Duration>>,
    pub summary: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Runbook {
    pub name: Name,
    pub preset: Option<Name>,
    pub summary: Option<Spanned<String>>,
    pub steps: Vec<Spanned<String>>,
    pub escalate: Vec<Escalation>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    pub team: Name,
    pub after: Option<Spanned<Duration>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub name: Name,
    pub preset: Option<Name>,
    pub purpose: Option<Spanned<String>>,
    pub owner: Option<Name>,
    pub model: Option<Model>,
    pub budget: Option<Budget>,
    pub rate_limit: Option<RateLimit>,
    pub retry: Option<Retry>,
    pub credentials: Option<Credentials>,
    pub rules: Vec<AgentRule>,
    pub guardrails: Vec<Guardrail>,
    pub slos: Vec<AgentSlo>,
    pub runbook: Option<Name>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: Spanned<String>,
    pub provider: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub tokens_per_run: Option<Spanned<i64>>,
    pub tokens_per_day: Option<Spanned<i64>>,
    pub tokens_per_month: Option<Spanned<i64>>,
    pub usd_per_run: Option<Spanned<f64>>,
    pub usd_per_day: Option<Spanned<f64>>,
    pub usd_per_month: Option<Spanned<f64>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    pub requests_per_minute: Option<Spanned<i64>>,
    pub tokens_per_minute: Option<Spanned<i64>>,
    pub runs_per_hour: Option<Spanned<i64>>,
    pub concurrency: Option<Spanned<i64>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    pub max_attempts: Option<Spanned<u32>>,
    pub backoff: Option<Spanned<String>>,
    pub initial_delay: Option<Spanned<Duration>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Credentials {
    pub source: Option<Spanned<String>>,
    pub ttl: Option<Spanned<Duration>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentRule {
    pub effect: Effect,
    pub action: Spanned<String>,
    pub resources: Vec<Spanned<Resource>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Guardrail {
    pub kind: Spanned<String>,
    pub action: Option<Spanned<String>>,
    pub on: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentSlo {
    pub kind: Spanned<String>,
    pub objective: Option<Spanned<f64>>,
    pub max_usd: Option<Spanned<f64>>,
    pub window: Option<Spanned<Duration>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub name: Name,
    pub tier: Option<Spanned<String>>,
    pub review: Option<Spanned<String>>,
    pub approvals: Vec<Approval>,
    pub suppressions: Vec<Suppression>,
    pub span: Span,
}

/// A `preset "NAME" { NODE }`: kept as syntax, merged under the nodes that use it.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub name: Name,
    pub doc: Option<Spanned<String>>,
    /// The node kind it applies to (`deploy`, `slo`, `ratio`, `tier`, …).
    pub kind: Option<Spanned<String>>,
    pub body: Option<Node>,
    pub span: Span,
}
