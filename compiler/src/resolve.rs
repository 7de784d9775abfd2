//! Name resolution: every reference in a spec names something that exists — a team, a service
//! in this or another feature, an SLO, a runbook, a secret, a preset, an environment — or gets
//! an `unresolved-reference` (`unknown-preset`, `unknown-environment`) with a did-you-mean.

use crate::feature_index::FeatureIndex;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Display;
use std::sync::Arc;

use crate::ast::{self, Feature, Name, Workspace};
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::values::{ResourceKind, Target};

/// The presets a run knows: the standard library's and the workspace's own.
#[derive(Debug, Default)]
pub struct PresetIndex {
    pub presets: BTreeMap<String, ast::Preset>,
}

impl PresetIndex {
    pub fn get(&self, name: &str) -> Option<&ast::Preset> {
        self.presets.get(name)
    }

    /// Names of presets whose body is a `kind` node.
    pub fn names_of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.presets
            .values()
            .filter(move |p| p.kind.as_ref().is_some_and(|k| k.value == kind))
            .map(|p| p.name.value.as_str())
    }
}

pub struct Resolver<'a> {
    pub workspace: Option<&'a Workspace>,
    /// The environment whose features these are.
    pub environment: &'a str,
    pub features: &'a [Arc<Feature>],
    pub index: &'a FeatureIndex,
    pub presets: &'a PresetIndex,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

/// What resolving each feature found, kept between the checks of one environment: valid while
/// the workspace file and the presets stay the same (the checker drops it when they change).
#[derive(Debug, Default)]
pub struct Kept {
    /// By the address of the feature, which the entry keeps alive.
    features: HashMap<usize, Resolved>,
}

#[derive(Debug)]
struct Resolved {
    feature: Arc<Feature>,
    /// The other features its references led to, by name.
    references: Vec<(String, Arc<Feature>)>,
    diagnostics: Vec<Diagnostic>,
}

/// The other features one feature's references looked up, while it is resolved.
#[derive(Debug, Default)]
struct Lookups {
    found: Vec<(String, Arc<Feature>)>,
    /// A reference to a feature that does not exist: its did-you-mean reads every feature name.
    missed: bool,
}

/// Where a reference was looked for, as the messages say it: written only when one fails.
struct InFeature<'a>(&'a str);

impl Display for InFeature<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "in feature `{}`", self.0)
    }
}

const IN_THE_WORKSPACE: &str = "in the workspace";

fn names<T>(items: &[T], name: impl Fn(&T) -> &Name) -> Vec<&str> {
    items.iter().map(|i| name(i).value.as_str()).collect()
}

impl<'a> Resolver<'a> {
    fn unresolved(
        &mut self,
        reference: &Name,
        what: &str,
        candidates: &[&str],
        context: &dyn Display,
    ) {
        // A name defined twice (itself an error) is listed once.
        let mut listed: Vec<&str> = Vec::with_capacity(candidates.len());
        for c in candidates {
            if !listed.contains(c) {
                listed.push(c);
            }
        }
        let candidates = &listed[..];
        // The name it means is invalid, reported as such where it is defined.
        if candidates
            .iter()
            .any(|c| crate::values::meant_by_invalid_name(&reference.value, c))
        {
            return;
        }
        let suggestion = did_you_mean(&reference.value, candidates.iter().copied());
        let help = match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None if candidates.is_empty() => format!("there is no {what} {context}"),
            None if candidates.len() <= 8 => {
                format!("the {what}s {context} are: {}", candidates.join(", "))
            }
            None => format!("define a {what} named `{}` {context}", reference.value),
        };
        self.diagnostics.push(
            Diagnostic::error(
                "unresolved-reference",
                reference.span,
                format!("no {what} named `{}` {context}", reference.value),
            )
            .with_label(format!("unknown {what}"))
            .with_help(help)
            .with_replacement(suggestion),
        );
    }

    fn expect_in(
        &mut self,
        reference: &Name,
        what: &str,
        candidates: &[&str],
        context: &dyn Display,
    ) {
        if !candidates.contains(&reference.value.as_str()) {
            self.unresolved(reference, what, candidates, context);
        }
    }

    fn team(&mut self, team: &Name) {
        let Some(ws) = self.workspace else { return };
        if !ws.teams.iter().any(|t| t.name.value == team.value) {
            let teams = names(&ws.teams, |t| &t.name);
            self.unresolved(team, "team", &teams, &IN_THE_WORKSPACE);
        }
    }

    fn preset(&mut self, preset: &Name, kind: &str) {
        match self.presets.get(&preset.value) {
            Some(p) if p.kind.as_ref().is_some_and(|k| k.value == kind) => {}
            Some(p) => {
                let actual = p.kind.as_ref().map_or("empty", |k| k.value.as_str());
                let mut d = Diagnostic::error(
                    "unknown-preset",
                    preset.span,
                    format!(
                        "preset `{}` is a `{actual}` preset, not a `{kind}` one",
                        preset.value
                    ),
                )
                .with_label("wrong kind of preset")
                .with_secondary(p.name.span, "defined here");
                let same_kind: Vec<&str> = self.presets.names_of_kind(kind).collect();
                if !same_kind.is_empty() {
                    d = d.with_help(format!("`{kind}` presets: {}", same_kind.join(", ")));
                }
                self.diagnostics.push(d);
            }
            None => {
                let same_kind: Vec<&str> = self.presets.names_of_kind(kind).collect();
                let (what, plural) = if kind == "tier" {
                    ("tier", "tiers")
                } else {
                    ("preset", "presets")
                };
                let suggestion = did_you_mean(&preset.value, same_kind.iter().copied());
                let help = match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if same_kind.is_empty() => format!(
                        "there are no `{kind}` {plural}; `gantry stdlib` lists the standard library"
                    ),
                    None => format!("the {plural} are: {}", same_kind.join(", ")),
                };
                self.diagnostics.push(
                    Diagnostic::error(
                        "unknown-preset",
                        preset.span,
                        format!("no {what} named `{}`", preset.value),
                    )
                    .with_label(format!("unknown {what}"))
                    .with_help(help)
                    .with_replacement(suggestion),
                );
            }
        }
    }

    pub fn run(&mut self) {
        if let Some(ws) = self.workspace {
            self.workspace_refs(ws);
        }
        for feature in self.features {
            self.feature(feature, &mut Lookups::default());
        }
    }

    /// [`Resolver::run`], taking from `kept` what a feature found last time when it is the same
    /// value and its references lead to the same features; `kept` is left with this run's.
    pub fn run_kept(&mut self, kept: &mut Kept) {
        if let Some(ws) = self.workspace {
            self.workspace_refs(ws);
        }
        for feature in self.features {
            let address = Arc::as_ptr(feature) as usize;
            let reusable = kept.features.get(&address).filter(|last| {
                Arc::ptr_eq(&last.feature, feature)
                    && last.references.iter().all(|(name, was)| {
                        self.feature_arc(name)
                            .is_some_and(|now| Arc::ptr_eq(now, was))
                    })
            });
            if let Some(last) = reusable {
                self.diagnostics.extend(last.diagnostics.iter().cloned());
                continue;
            }
            let start = self.diagnostics.len();
            let mut lookups = Lookups::default();
            self.feature(feature, &mut lookups);
            if lookups.missed {
                kept.features.remove(&address);
                continue;
            }
            let resolved = Resolved {
                feature: Arc::clone(feature),
                references: lookups.found,
                diagnostics: self.diagnostics[start..].to_vec(),
            };
            kept.features.insert(address, resolved);
        }
        // Features that are gone, or changed (a changed feature is a new value).
        if kept.features.len() > self.features.len() {
            let current: HashSet<usize> = self
                .features
                .iter()
                .map(|f| Arc::as_ptr(f) as usize)
                .collect();
            kept.features.retain(|address, _| current.contains(address));
        }
    }

    fn workspace_refs(&mut self, ws: &Workspace) {
        for pattern in &ws.ignore {
            if let Err(e) = globset::Glob::new(&pattern.value) {
                self.diagnostics.push(
                    Diagnostic::error(
                        "invalid-value",
                        pattern.span,
                        format!("`{}` is not a glob: {}", pattern.value, e.kind()),
                    )
                    .with_label("not a glob")
                    .with_help("write a glob such as `vendor/**` or `*.draft.kdl`; `[` starts a class that `]` must close"),
                );
            }
        }
        if let Some(output) = &ws.output {
            let below_root = std::path::Path::new(&output.value)
                .components()
                .any(|c| matches!(c, std::path::Component::Normal(_)));
            if !crate::templates::is_inside(&output.value) || !below_root {
                self.diagnostics.push(
                    Diagnostic::error(
                        "invalid-value",
                        output.span,
                        format!("`{}` is not a folder inside the workspace", output.value),
                    )
                    .with_label("absolute, empty, the root itself, or leaves the workspace with `..`")
                    .with_help("name a folder below the workspace root, e.g. `output \"generated\"`: `gantry build` replaces what it holds"),
                );
            }
        }
        let receivers = names(&ws.receivers, |r| &r.name);
        for team in &ws.teams {
            if let Some(pager) = &team.pager {
                self.expect_in(pager, "receiver", &receivers, &IN_THE_WORKSPACE);
            }
        }
    }

    fn feature(&mut self, f: &'a Feature, lookups: &mut Lookups) {
        let context = InFeature(&f.name.value);
        let services = names(&f.services, |s| &s.name);
        let secrets = names(&f.secrets, |s| &s.name);
        let slos = names(&f.slos, |s| &s.name);
        let alerts = names(&f.alerts, |a| &a.name);
        let runbooks = names(&f.runbooks, |r| &r.name);

        if let Some(owner) = &f.owner {
            self.team(owner);
        }
        if let Some(tier) = &f.tier {
            self.preset(tier, "tier");
        }
        for service in &f.services {
            if let Some(p) = &service.preset {
                self.preset(p, "service");
            }
            for var in &service.env {
                if let Some(secret) = &var.secret {
                    self.expect_in(secret, "secret", &secrets, &context);
                }
            }
            for dep in &service.depends_on {
                self.service_ref(f, dep, lookups);
            }
        }
        for d in &f.datastores {
            if let Some(p) = &d.preset {
                self.preset(p, "datastore");
            }
        }
        let mut deploy_for: BTreeMap<Option<&str>, Span> = BTreeMap::new();
        for deploy in &f.deploys {
            if let Some(p) = &deploy.preset {
                self.preset(p, "deploy");
            }
            if let Some(service) = &deploy.service {
                self.expect_in(service, "service", &services, &context);
            }
            let key = deploy.service.as_ref().map(|s| s.value.as_str());
            let span = deploy.service.as_ref().map_or(deploy.keyword, |s| s.span);
            if let Some(first) = deploy_for.insert(key, span) {
                let what = key.map_or("every service".to_string(), |s| format!("service `{s}`"));
                self.diagnostics.push(
                    Diagnostic::error("duplicate-name", span, format!("two deploys for {what} of feature `{}`", f.name.value))
                        .with_label("second deploy")
                        .with_secondary(first, "first deploy")
                        .with_help("a service has one deploy: merge them, or pick a service for each with `service=`"),
                );
            }
            for trigger in &deploy.rollback_when {
                match trigger {
                    ast::RollbackTrigger::Slo(slo)
                        if slo.value != "*" && !slos.contains(&slo.value.as_str()) =>
                    {
                        self.unresolved(slo, "SLO", &slos, &context)
                    }
                    ast::RollbackTrigger::Alert(alert)
                        if !alerts.contains(&alert.value.as_str()) =>
                    {
                        self.unresolved(alert, "alert", &alerts, &context)
                    }
                    _ => {}
                }
            }
            let approvals = deploy
                .steps
                .iter()
                .filter_map(|s| s.approve.as_ref())
                .chain(deploy.approve.as_ref());
            for approval in approvals {
                self.team(&approval.team);
            }
            if let Some(team) = &deploy.manual_override {
                self.team(team);
            }
        }
        for slo in &f.slos {
            if let Some(p) = &slo.preset {
                self.preset(p, "slo");
            }
            match &slo.service {
                Some(service) if !services.contains(&service.value.as_str()) => {
                    self.unresolved(service, "service", &services, &context);
                }
                None if services.len() != 1 => {
                    let (why, help) = if services.is_empty() {
                        (
                            "has no service",
                            "add the service it measures to the feature".to_string(),
                        )
                    } else {
                        (
                            "has several services",
                            format!("say which it measures, one of: {}", services.join(", ")),
                        )
                    };
                    self.diagnostics.push(
                        Diagnostic::error(
                            "missing-required",
                            slo.name.span,
                            format!(
                                "slo `{}` needs `service=`: feature `{}` {why}",
                                slo.name.value, f.name.value
                            ),
                        )
                        .with_label("which service?")
                        .with_help(help),
                    );
                }
                _ => {}
            }
            if let Some(runbook) = &slo.runbook {
                self.expect_in(runbook, "runbook", &runbooks, &context);
            }
            match &slo.indicator {
                Some(ast::Indicator::Ratio {
                    preset: Some(p), ..
                }) => self.preset(p, "ratio"),
                Some(ast::Indicator::Latency {
                    preset: Some(p), ..
                }) => self.preset(p, "latency"),
                _ => {}
            }
        }
        for alert in &f.alerts {
            if let Some(p) = &alert.preset {
                self.preset(p, "alert");
            }
            if let Some(runbook) = &alert.runbook {
                self.expect_in(runbook, "runbook", &runbooks, &context);
            }
        }
        for runbook in &f.runbooks {
            if let Some(p) = &runbook.preset {
                self.preset(p, "runbook");
            }
            for e in &runbook.escalate {
                self.team(&e.team);
            }
        }
        for agent in &f.agents {
            if let Some(p) = &agent.preset {
                self.preset(p, "agent");
            }
            if let Some(owner) = &agent.owner {
                self.team(owner);
            }
            if let Some(runbook) = &agent.runbook {
                self.expect_in(runbook, "runbook", &runbooks, &context);
            }
            for rule in &agent.rules {
                for resource in &rule.resources {
                    self.resource(f, resource, lookups);
                }
            }
        }
        for gate in &f.gates {
            for approval in &gate.approvals {
                self.team(&approval.team);
            }
        }
        crate::coherence::check_feature(self.workspace, self.environment, f, &mut |d| {
            self.diagnostics.push(d)
        });
    }

    fn feature_arc(&self, name: &str) -> Option<&'a Arc<Feature>> {
        let first = *self.index.positions(name).first()?;
        self.features.get(first)
    }

    /// The feature named `name`, noted in `lookups`.
    fn feature_named(&self, name: &str, lookups: &mut Lookups) -> Option<&'a Feature> {
        match self.feature_arc(name) {
            Some(found) => {
                lookups.found.push((name.to_string(), Arc::clone(found)));
                Some(found)
            }
            None => {
                lookups.missed = true;
                None
            }
        }
    }

    fn all_feature_names(&self) -> Vec<&'a str> {
        names(self.features, |f| &f.name)
    }

    fn service_ref(
        &mut self,
        from: &'a Feature,
        dep: &crate::source::Spanned<crate::values::ServiceRef>,
        lookups: &mut Lookups,
    ) {
        let target = match &dep.value.feature {
            None => Some(from),
            Some(name) => self.feature_named(name, lookups),
        };
        let Some(target) = target else {
            let feature_name = dep.value.feature.clone().unwrap_or_default();
            let features = self.all_feature_names();
            let suggestion = did_you_mean(&feature_name, features.iter().copied())
                .map(|s| format!("{s}/{}", dep.value.name));
            let help = match &suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the features are: {}", features.join(", ")),
            };
            self.diagnostics.push(
                Diagnostic::error(
                    "unresolved-reference",
                    dep.span,
                    format!("no feature named `{feature_name}` in the workspace"),
                )
                .with_label("unknown feature")
                .with_help(help)
                .with_replacement(suggestion),
            );
            return;
        };
        let services = names(&target.services, |s| &s.name);
        if !services.contains(&dep.value.name.as_str()) {
            let name = Name::new(dep.value.name.clone(), dep.span);
            self.unresolved(&name, "service", &services, &InFeature(&target.name.value));
        }
    }

    fn resource(
        &mut self,
        from: &'a Feature,
        resource: &crate::source::Spanned<crate::values::Resource>,
        lookups: &mut Lookups,
    ) {
        let feature_name = match &resource.value.target {
            Target::One { feature, .. } | Target::All { feature } => feature.clone(),
            Target::Github { .. } => return,
        };
        let target = match &feature_name {
            None => Some(from),
            Some(name) => self.feature_named(name, lookups),
        };
        let Some(target) = target else {
            let missing = Name::new(feature_name.unwrap_or_default(), resource.span);
            let features = self.all_feature_names();
            self.unresolved(&missing, "feature", &features, &IN_THE_WORKSPACE);
            return;
        };
        let Target::One { name, .. } = &resource.value.target else {
            return;
        };
        let (what, candidates) = match resource.value.kind {
            ResourceKind::K8s => ("service", names(&target.services, |s| &s.name)),
            ResourceKind::Datastore => ("datastore", names(&target.datastores, |d| &d.name)),
            ResourceKind::Secret => ("secret", names(&target.secrets, |s| &s.name)),
            ResourceKind::Flag => ("flag", names(&target.flags, |f| &f.name)),
            ResourceKind::Agent => ("agent", names(&target.agents, |a| &a.name)),
            ResourceKind::Github => return,
        };
        if !candidates.contains(&name.as_str()) {
            let missing = Name::new(name.clone(), resource.span);
            self.unresolved(&missing, what, &candidates, &InFeature(&target.name.value));
        }
    }
}
