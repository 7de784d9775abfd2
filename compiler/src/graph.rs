//! The dependency graph of a workspace in one environment: features, their entities and the
//! teams, joined by typed edges. It finds dependency cycles, answers "what does a change to X
//! reach?", and draws itself as DOT, Mermaid or JSON.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::ast::{Feature, RollbackTrigger, Workspace};
use crate::diagnostics::Diagnostic;
use crate::feature_index::FeatureIndex;
use crate::source::Span;
use crate::values::{ResourceKind, Target};

/// What a graph node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    Feature,
    Service,
    Datastore,
    Secret,
    Flag,
    Slo,
    Alert,
    Runbook,
    Agent,
    Gate,
    Team,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Feature => "feature",
            NodeKind::Service => "service",
            NodeKind::Datastore => "datastore",
            NodeKind::Secret => "secret",
            NodeKind::Flag => "flag",
            NodeKind::Slo => "slo",
            NodeKind::Alert => "alert",
            NodeKind::Runbook => "runbook",
            NodeKind::Agent => "agent",
            NodeKind::Gate => "gate",
            NodeKind::Team => "team",
        }
    }

    fn parse(text: &str) -> Option<NodeKind> {
        Some(match text {
            "feature" => NodeKind::Feature,
            "service" | "k8s" => NodeKind::Service,
            "datastore" => NodeKind::Datastore,
            "secret" => NodeKind::Secret,
            "flag" => NodeKind::Flag,
            "slo" => NodeKind::Slo,
            "alert" => NodeKind::Alert,
            "runbook" => NodeKind::Runbook,
            "agent" => NodeKind::Agent,
            "gate" => NodeKind::Gate,
            "team" => NodeKind::Team,
            _ => return None,
        })
    }
}

/// How two nodes are related. The comment says which way a change travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// feature → its entity; a change to the feature reaches the entity.
    Contains,
    /// team → feature it owns (or agent it answers for); a change to the team reaches it.
    Owns,
    /// service → service it calls; a change to the callee reaches the caller.
    DependsOn,
    /// service → secret it reads; a change to the secret reaches the service.
    Uses,
    /// SLO → service it measures; a change to the service reaches the SLO.
    Measures,
    /// SLO or alert → service whose rollout it stops; a change to the trigger reaches the rollout.
    TriggersRollback,
    /// runbook → SLO, alert or agent it documents; a change to the documented reaches the runbook.
    Documents,
    /// agent → entity it may act on; a change to the entity reaches the agent.
    MayActOn,
    /// team → gate it approves; a change to the team reaches the gate.
    Approves,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Contains => "contains",
            EdgeKind::Owns => "owns",
            EdgeKind::DependsOn => "depends-on",
            EdgeKind::Uses => "uses",
            EdgeKind::Measures => "measures",
            EdgeKind::TriggersRollback => "triggers-rollback",
            EdgeKind::Documents => "documents",
            EdgeKind::MayActOn => "may-act-on",
            EdgeKind::Approves => "approves",
        }
    }

    /// Whether a change travels from the edge's target to its source (`true`) or along it.
    fn change_flows_backwards(self) -> bool {
        matches!(
            self,
            EdgeKind::DependsOn
                | EdgeKind::Uses
                | EdgeKind::Measures
                | EdgeKind::Documents
                | EdgeKind::MayActOn
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub kind: NodeKind,
    /// `checkout/api` for an entity of a feature, `checkout` for a feature, `payments` for a team.
    pub name: String,
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Entity {
    /// The id users write: `service:checkout/api`, `team:payments`, `feature:checkout`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub kind: EdgeKind,
    /// Where the relation is written in the spec.
    #[serde(skip)]
    pub span: Option<Span>,
}

pub struct Graph {
    pub graph: DiGraph<Entity, Edge>,
    /// Nodes by kind, then name: looked up without building a key.
    index: BTreeMap<NodeKind, HashMap<String, NodeIndex>>,
}

impl Graph {
    pub fn build<F: Borrow<Feature>>(workspace: Option<&Workspace>, features: &[F]) -> Graph {
        let mut g = Graph {
            graph: DiGraph::new(),
            index: BTreeMap::new(),
        };
        if let Some(ws) = workspace {
            for team in &ws.teams {
                g.node(NodeKind::Team, &team.name.value, Some(team.name.span));
            }
        }
        for f in features {
            g.add_feature_nodes(f.borrow());
        }
        let index = FeatureIndex::new(features);
        for f in features {
            g.add_feature_edges(f.borrow(), features, &index);
        }
        g
    }

    /// Only the services and the dependencies between them: all that finding cycles needs.
    pub fn service_dependencies<F: Borrow<Feature>>(features: &[F]) -> Graph {
        let mut g = Graph {
            graph: DiGraph::new(),
            index: BTreeMap::new(),
        };
        let mut name = String::new();
        for f in features.iter().map(Borrow::borrow) {
            for s in &f.services {
                name.clear();
                name.push_str(&f.name.value);
                name.push('/');
                name.push_str(&s.name.value);
                g.node(NodeKind::Service, &name, Some(s.name.span));
            }
        }
        for f in features {
            g.add_dependencies(f.borrow());
        }
        g
    }

    fn node(&mut self, kind: NodeKind, name: &str, span: Option<Span>) -> NodeIndex {
        if let Some(i) = self.find(kind, name) {
            return i;
        }
        let i = self.graph.add_node(Entity {
            kind,
            name: name.to_string(),
            span,
        });
        self.index
            .entry(kind)
            .or_default()
            .insert(name.to_string(), i);
        i
    }

    pub fn find(&self, kind: NodeKind, name: &str) -> Option<NodeIndex> {
        self.index.get(&kind)?.get(name).copied()
    }

    fn edge(&mut self, from: NodeIndex, to: NodeIndex, kind: EdgeKind, span: Option<Span>) {
        self.graph.add_edge(from, to, Edge { kind, span });
    }

    fn add_feature_nodes(&mut self, f: &Feature) {
        let fname = &f.name.value;
        let feature = self.node(NodeKind::Feature, fname, Some(f.name.span));
        let contain = |g: &mut Graph, kind: NodeKind, name: &str, span: Span| {
            let i = g.node(kind, &format!("{fname}/{name}"), Some(span));
            g.edge(feature, i, EdgeKind::Contains, None);
        };
        for s in &f.services {
            contain(self, NodeKind::Service, &s.name.value, s.name.span);
        }
        for d in &f.datastores {
            contain(self, NodeKind::Datastore, &d.name.value, d.name.span);
        }
        for s in &f.secrets {
            contain(self, NodeKind::Secret, &s.name.value, s.name.span);
        }
        for fl in &f.flags {
            contain(self, NodeKind::Flag, &fl.name.value, fl.name.span);
        }
        for s in &f.slos {
            contain(self, NodeKind::Slo, &s.name.value, s.name.span);
        }
        for a in &f.alerts {
            contain(self, NodeKind::Alert, &a.name.value, a.name.span);
        }
        for r in &f.runbooks {
            contain(self, NodeKind::Runbook, &r.name.value, r.name.span);
        }
        for a in &f.agents {
            contain(self, NodeKind::Agent, &a.name.value, a.name.span);
        }
        for g in &f.gates {
            contain(self, NodeKind::Gate, &g.name.value, g.name.span);
        }
    }

    /// The `depends-on` edges of a feature's services.
    fn add_dependencies(&mut self, f: &Feature) {
        let fname = f.name.value.as_str();
        let mut name = String::new();
        for s in &f.services {
            name.clear();
            name.push_str(fname);
            name.push('/');
            name.push_str(&s.name.value);
            let Some(from) = self.find(NodeKind::Service, &name) else {
                continue;
            };
            for dep in &s.depends_on {
                name.clear();
                name.push_str(dep.value.feature.as_deref().unwrap_or(fname));
                name.push('/');
                name.push_str(&dep.value.name);
                if let Some(to) = self.find(NodeKind::Service, &name) {
                    self.edge(from, to, EdgeKind::DependsOn, Some(dep.span));
                }
            }
        }
    }

    fn add_feature_edges<F: Borrow<Feature>>(
        &mut self,
        f: &Feature,
        features: &[F],
        index: &FeatureIndex,
    ) {
        let fname = f.name.value.as_str();
        let local = |name: &str| format!("{fname}/{name}");
        let feature = self.find(NodeKind::Feature, fname);
        if let (Some(owner), Some(feature)) = (&f.owner, feature)
            && let Some(team) = self.find(NodeKind::Team, &owner.value)
        {
            self.edge(team, feature, EdgeKind::Owns, Some(owner.span));
        }
        self.add_dependencies(f);
        for s in &f.services {
            let Some(from) = self.find(NodeKind::Service, &local(&s.name.value)) else {
                continue;
            };
            for var in &s.env {
                if let Some(secret) = &var.secret
                    && let Some(to) = self.find(NodeKind::Secret, &local(&secret.value))
                {
                    self.edge(from, to, EdgeKind::Uses, Some(secret.span));
                }
            }
        }
        let only_service = (f.services.len() == 1).then(|| f.services[0].name.value.clone());
        let slo_service = |slo: &crate::ast::Slo| {
            slo.service
                .as_ref()
                .map(|s| s.value.clone())
                .or(only_service.clone())
        };
        for slo in &f.slos {
            let Some(from) = self.find(NodeKind::Slo, &local(&slo.name.value)) else {
                continue;
            };
            if let Some(service) = slo_service(slo)
                && let Some(to) = self.find(NodeKind::Service, &local(&service))
            {
                self.edge(
                    from,
                    to,
                    EdgeKind::Measures,
                    slo.service.as_ref().map(|s| s.span),
                );
            }
            if let Some(runbook) = &slo.runbook
                && let Some(rb) = self.find(NodeKind::Runbook, &local(&runbook.value))
            {
                self.edge(rb, from, EdgeKind::Documents, Some(runbook.span));
            }
        }
        for alert in &f.alerts {
            if let Some(runbook) = &alert.runbook
                && let (Some(rb), Some(a)) = (
                    self.find(NodeKind::Runbook, &local(&runbook.value)),
                    self.find(NodeKind::Alert, &local(&alert.name.value)),
                )
            {
                self.edge(rb, a, EdgeKind::Documents, Some(runbook.span));
            }
        }
        for deploy in &f.deploys {
            let services: Vec<String> = match &deploy.service {
                Some(s) => vec![s.value.clone()],
                None => f.services.iter().map(|s| s.name.value.clone()).collect(),
            };
            for trigger in &deploy.rollback_when {
                let (kind, name) = match trigger {
                    RollbackTrigger::Slo(n) => (NodeKind::Slo, n),
                    RollbackTrigger::Alert(n) => (NodeKind::Alert, n),
                };
                let triggers: Vec<String> = if name.value == "*" {
                    f.slos
                        .iter()
                        .filter(|s| slo_service(s).is_some_and(|svc| services.contains(&svc)))
                        .map(|s| s.name.value.clone())
                        .collect()
                } else {
                    vec![name.value.clone()]
                };
                for trigger in triggers {
                    let Some(from) = self.find(kind, &local(&trigger)) else {
                        continue;
                    };
                    for service in &services {
                        if let Some(to) = self.find(NodeKind::Service, &local(service)) {
                            self.edge(from, to, EdgeKind::TriggersRollback, Some(name.span));
                        }
                    }
                }
            }
        }
        for agent in &f.agents {
            let Some(from) = self.find(NodeKind::Agent, &local(&agent.name.value)) else {
                continue;
            };
            if let Some(owner) = &agent.owner
                && let Some(team) = self.find(NodeKind::Team, &owner.value)
            {
                self.edge(team, from, EdgeKind::Owns, Some(owner.span));
            }
            if let Some(runbook) = &agent.runbook
                && let Some(rb) = self.find(NodeKind::Runbook, &local(&runbook.value))
            {
                self.edge(rb, from, EdgeKind::Documents, Some(runbook.span));
            }
            let mut targets: BTreeSet<(NodeKind, String)> = BTreeSet::new();
            for rule in agent
                .rules
                .iter()
                .filter(|r| r.effect == crate::ast::Effect::Allow)
            {
                for resource in &rule.resources {
                    let kind = match resource.value.kind {
                        ResourceKind::K8s => NodeKind::Service,
                        ResourceKind::Datastore => NodeKind::Datastore,
                        ResourceKind::Secret => NodeKind::Secret,
                        ResourceKind::Flag => NodeKind::Flag,
                        ResourceKind::Agent => NodeKind::Agent,
                        ResourceKind::Github => continue,
                    };
                    match &resource.value.target {
                        Target::One { feature, name } => {
                            targets.insert((
                                kind,
                                format!("{}/{name}", feature.as_deref().unwrap_or(fname)),
                            ));
                        }
                        Target::All { feature } => {
                            let target_feature = feature.as_deref().unwrap_or(fname);
                            for name in entity_names(features, index, target_feature, kind) {
                                targets.insert((kind, format!("{target_feature}/{name}")));
                            }
                        }
                        Target::Github { .. } => {}
                    }
                    for (kind, name) in std::mem::take(&mut targets) {
                        if let Some(to) = self.find(kind, &name) {
                            self.edge(from, to, EdgeKind::MayActOn, Some(resource.span));
                        }
                    }
                }
            }
        }
        for gate in &f.gates {
            let Some(to) = self.find(NodeKind::Gate, &local(&gate.name.value)) else {
                continue;
            };
            for approval in &gate.approvals {
                if let Some(team) = self.find(NodeKind::Team, &approval.team.value) {
                    self.edge(team, to, EdgeKind::Approves, Some(approval.team.span));
                }
            }
        }
    }

    /// Every service dependency cycle, each as a `dependency-cycle` error drawing the cycle.
    pub fn cycles(&self) -> Vec<Diagnostic> {
        let services = self.graph.filter_map(
            |_, n| Some(n.clone()),
            |_, e| (e.kind == EdgeKind::DependsOn).then(|| e.clone()),
        );
        let mut out = Vec::new();
        for component in petgraph::algo::tarjan_scc(&services) {
            let is_cycle =
                component.len() > 1 || services.find_edge(component[0], component[0]).is_some();
            if !is_cycle {
                continue;
            }
            let members: BTreeSet<NodeIndex> = component.iter().copied().collect();
            // Walk the cycle from its smallest member so the report is stable.
            let start = *members
                .iter()
                .min_by_key(|i| services[**i].name.clone())
                .unwrap_or(&component[0]);
            let mut path = vec![start];
            let mut edges = Vec::new();
            let mut current = start;
            loop {
                let next = services
                    .edges_directed(current, Direction::Outgoing)
                    .filter(|e| members.contains(&e.target()))
                    .min_by_key(|e| {
                        let back_home = e.target() == start;
                        (!back_home, services[e.target()].name.clone())
                    });
                let Some(edge) = next else { break };
                edges.push(edge.id());
                if edge.target() == start || path.contains(&edge.target()) {
                    break;
                }
                path.push(edge.target());
                current = edge.target();
            }
            let names: Vec<&str> = path.iter().map(|i| services[*i].name.as_str()).collect();
            let drawing = format!("{} → {}", names.join(" → "), names[0]);
            let mut spans = edges.iter().filter_map(|e| {
                let (from, to) = services.edge_endpoints(*e)?;
                Some((services[*e].span?, &services[from].name, &services[to].name))
            });
            let Some((first_span, from, to)) = spans.next() else {
                continue;
            };
            let mut d = Diagnostic::error(
                "dependency-cycle",
                first_span,
                format!("services depend on each other in a cycle: {drawing}"),
            )
            .with_label(format!("`{from}` depends on `{to}`"))
            .with_help("break the cycle: one of them must work without the other (a queue, a cache, a fallback)");
            for (span, from, to) in spans {
                d = d.with_secondary(span, format!("`{from}` depends on `{to}`"));
            }
            out.push(d);
        }
        out
    }

    /// Resolves what a user wrote for `--impact`: `checkout`, `checkout/api`, `service:checkout/api`,
    /// `datastore:checkout/orders`, `team:payments`.
    pub fn lookup(&self, text: &str) -> Result<NodeIndex, String> {
        if let Some((kind, name)) = text.split_once(':')
            && let Some(kind) = NodeKind::parse(kind)
        {
            return self.find(kind, name).ok_or_else(|| self.not_found(text));
        }
        let candidates: Vec<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|i| self.graph[*i].name == text)
            .collect();
        match candidates.as_slice() {
            [one] => Ok(*one),
            [] => Err(self.not_found(text)),
            many => {
                let mut preferred = many.iter().filter(|i| {
                    matches!(self.graph[**i].kind, NodeKind::Feature | NodeKind::Service)
                });
                match (preferred.next(), preferred.next()) {
                    (Some(one), None) => Ok(*one),
                    _ => Err(format!(
                        "`{text}` is ambiguous: {}",
                        many.iter()
                            .map(|i| self.graph[*i].id())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            }
        }
    }

    /// Why `text` names nothing, with a did-you-mean written as `--impact` takes it (the full
    /// `KIND:FEATURE/NAME`), whichever form `text` was: an id (`service:checkout/apj`), a name
    /// (`checkout/apj`) or a name without its feature (`apj`).
    fn not_found(&self, text: &str) -> String {
        let form = |e: &Entity| -> String {
            if text.contains(':') {
                e.id()
            } else if text.contains('/') {
                e.name.clone()
            } else {
                e.name.rsplit('/').next().unwrap_or(&e.name).to_string()
            }
        };
        let entities: Vec<(&Entity, String)> =
            self.graph.node_weights().map(|e| (e, form(e))).collect();
        let suggestion =
            crate::suggest::did_you_mean(text, entities.iter().map(|(_, f)| f.as_str()));
        let Some(suggestion) = suggestion else {
            return format!(
                "nothing named `{text}` in the graph (write e.g. `service:FEATURE/NAME`)"
            );
        };
        let mut meant: Vec<String> = entities
            .iter()
            .filter(|(_, f)| f == suggestion)
            .map(|(e, _)| format!("`{}`", e.id()))
            .collect();
        meant.sort();
        meant.dedup();
        format!(
            "nothing named `{text}` in the graph; did you mean {}?",
            meant.join(" or ")
        )
    }

    /// Everything a change to `start` reaches, with the edge it was reached through and the node
    /// it came from, in breadth-first order.
    pub fn impact(&self, start: NodeIndex) -> Vec<Reach> {
        let mut seen = BTreeSet::from([start]);
        let mut queue = VecDeque::from([start]);
        let mut out = Vec::new();
        while let Some(at) = queue.pop_front() {
            let mut next: Vec<(NodeIndex, EdgeKind)> = Vec::new();
            for e in self.graph.edges_directed(at, Direction::Outgoing) {
                if !e.weight().kind.change_flows_backwards() {
                    next.push((e.target(), e.weight().kind));
                }
            }
            for e in self.graph.edges_directed(at, Direction::Incoming) {
                if e.weight().kind.change_flows_backwards() {
                    next.push((e.source(), e.weight().kind));
                }
            }
            next.sort_by_key(|(i, k)| (*k, self.graph[*i].id()));
            for (to, kind) in next {
                if seen.insert(to) {
                    out.push(Reach {
                        entity: self.graph[to].clone(),
                        via: kind,
                        from: self.graph[at].clone(),
                    });
                    queue.push_back(to);
                } else if kind == EdgeKind::TriggersRollback {
                    // A rollout gated on what the change reaches is worth naming even when its
                    // service was reached another way: that canary will judge the change.
                    out.push(Reach {
                        entity: self.graph[to].clone(),
                        via: kind,
                        from: self.graph[at].clone(),
                    });
                }
            }
        }
        out
    }

    fn sorted_nodes(&self) -> Vec<NodeIndex> {
        let mut nodes: Vec<NodeIndex> = self.graph.node_indices().collect();
        nodes.sort_by_key(|i| (self.graph[*i].kind, self.graph[*i].name.clone()));
        nodes
    }

    fn sorted_edges(&self) -> Vec<(String, EdgeKind, String)> {
        let mut edges: Vec<(String, EdgeKind, String)> = self
            .graph
            .edge_references()
            .map(|e| {
                (
                    self.graph[e.source()].id(),
                    e.weight().kind,
                    self.graph[e.target()].id(),
                )
            })
            .collect();
        edges.sort();
        edges.dedup();
        edges
    }

    pub fn to_mermaid(&self) -> String {
        let ids: BTreeMap<String, String> = self
            .sorted_nodes()
            .iter()
            .enumerate()
            .map(|(n, i)| (self.graph[*i].id(), format!("n{n}")))
            .collect();
        let mut out = String::from("graph LR\n");
        for i in self.sorted_nodes() {
            let e = &self.graph[i];
            let label = format!("{} {}", e.kind.as_str(), e.name).replace('"', "#quot;");
            out.push_str(&format!("    {}[\"{label}\"]\n", ids[&e.id()]));
        }
        for (from, kind, to) in self.sorted_edges() {
            out.push_str(&format!(
                "    {} -->|{}| {}\n",
                ids[&from],
                kind.as_str(),
                ids[&to]
            ));
        }
        out
    }

    pub fn to_dot(&self) -> String {
        let mut out = String::from("digraph gantry {\n    rankdir=LR;\n");
        for i in self.sorted_nodes() {
            let e = &self.graph[i];
            out.push_str(&format!(
                "    {} [label={}, shape={}];\n",
                dot_string(&e.id()),
                dot_string(&format!("{}\n{}", e.kind.as_str(), e.name)),
                match e.kind {
                    NodeKind::Feature => "box3d",
                    NodeKind::Team => "house",
                    NodeKind::Service => "box",
                    NodeKind::Datastore => "cylinder",
                    _ => "ellipse",
                }
            ));
        }
        for (from, kind, to) in self.sorted_edges() {
            out.push_str(&format!(
                "    {} -> {} [label={}];\n",
                dot_string(&from),
                dot_string(&to),
                dot_string(kind.as_str())
            ));
        }
        out.push_str("}\n");
        out
    }

    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct JsonNode {
            id: String,
            kind: NodeKind,
            name: String,
        }
        #[derive(Serialize)]
        struct JsonEdge {
            from: String,
            kind: EdgeKind,
            to: String,
        }
        #[derive(Serialize)]
        struct JsonGraph {
            nodes: Vec<JsonNode>,
            edges: Vec<JsonEdge>,
        }
        let graph = JsonGraph {
            nodes: self
                .sorted_nodes()
                .into_iter()
                .map(|i| {
                    let e = &self.graph[i];
                    JsonNode {
                        id: e.id(),
                        kind: e.kind,
                        name: e.name.clone(),
                    }
                })
                .collect(),
            edges: self
                .sorted_edges()
                .into_iter()
                .map(|(from, kind, to)| JsonEdge { from, kind, to })
                .collect(),
        };
        let mut out = serde_json::to_string_pretty(&graph).unwrap_or_default();
        out.push('\n');
        out
    }
}

/// One step of an impact walk: `entity` is reached from `from` through an edge of kind `via`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub entity: Entity,
    pub via: EdgeKind,
    pub from: Entity,
}

fn entity_names<'a, F: Borrow<Feature>>(
    features: &'a [F],
    index: &FeatureIndex,
    feature: &str,
    kind: NodeKind,
) -> Vec<&'a str> {
    let Some(f) = index.first(features, feature) else {
        return Vec::new();
    };
    match kind {
        NodeKind::Service => f.services.iter().map(|s| s.name.value.as_str()).collect(),
        NodeKind::Datastore => f.datastores.iter().map(|d| d.name.value.as_str()).collect(),
        NodeKind::Secret => f.secrets.iter().map(|s| s.name.value.as_str()).collect(),
        NodeKind::Flag => f.flags.iter().map(|s| s.name.value.as_str()).collect(),
        NodeKind::Agent => f.agents.iter().map(|s| s.name.value.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// A DOT string literal: quoted, with quotes, backslashes and newlines escaped.
fn dot_string(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("\"{escaped}\"")
}
