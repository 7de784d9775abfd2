//! `gantry diff`: two revisions of a workspace (or two output folders) compared object by
//! object, and spec entity by spec entity; every change graded with the risk table, and the gate
//! the whole change needs. Pure: the CLI loads the revisions and the targets, this module compares
//! and renders (DESIGN §7a; the JSON is the input of the generated Rego gate policy).

mod compare;
mod entities;
mod fields;
mod hcl;
mod lines;
mod objects;
mod redact;
pub mod render;
mod replace;
mod verdict;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Serialize, Serializer};

use crate::artifact::{Artifact, Content};
use crate::check::Checked;
use crate::diagnostics::Diagnostic;
use crate::graph::NodeKind;
use crate::model::Model;
use crate::risk::{RiskTable, RiskTier};

pub use compare::ObjectChange;
pub use entities::ChangeKind;
pub use objects::{Object, Objects, parse_file, split};
pub use redact::is_secret_key;
pub use verdict::{Gate, Requirement, Verdict};

pub use crate::artifact::Emit;

/// One side of the comparison: a checked workspace and the targets it declares.
pub struct Revision<'a> {
    /// The revision as the user named it: a git revision, `WORKTREE`, or a folder.
    pub label: String,
    pub checked: &'a Checked,
    pub targets: Vec<(&'static str, Emit)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthorKind {
    Human,
    Agent,
}

#[derive(Debug, Clone, Serialize)]
pub struct Author {
    pub kind: AuthorKind,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approval {
    pub team: String,
    pub by: String,
}

/// What the change set says about who made it and who approved it.
#[derive(Debug, Clone)]
pub struct Review {
    pub author: Author,
    pub approvals: Vec<Approval>,
    /// Whether to add, for each changed entity, what the graph says it reaches.
    pub impact: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityRef {
    pub kind: &'static str,
    pub name: String,
}

/// One graded change of a spec entity (or of objects no entity explains).
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// `FEATURE/KIND/NAME`, or `FEATURE` for a whole feature.
    pub id: String,
    pub feature: Option<String>,
    /// `None` when the change is the same in every environment.
    pub environment: Option<String>,
    pub entity: EntityRef,
    pub change: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub pillar: &'static str,
    #[serde(serialize_with = "tier")]
    pub risk: RiskTier,
    pub reason: String,
    pub objects: Vec<String>,
    /// Every field that changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// What the change does, in sentences.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<String>,
    /// With `--impact`: what a change to the entity reaches.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub impact: Vec<String>,
}

fn tier<S: Serializer>(tier: &RiskTier, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tier.as_str())
}

/// The change set: the input of the generated Rego gate policy, and of every renderer.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeSet {
    pub version: u32,
    pub workspace: String,
    pub base: String,
    pub head: String,
    pub author: Author,
    pub approvals: Vec<Approval>,
    pub changes: Vec<Change>,
    pub verdict: Verdict,
    /// Every changed object, with its redacted diff.
    pub objects: Vec<ObjectChange>,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.objects.is_empty()
    }
}

/// Why a revision could not be compared.
#[derive(Debug)]
pub struct DiffError {
    /// `base` or `head`.
    pub side: &'static str,
    pub diagnostics: Vec<Diagnostic>,
}

/// Which pillar a kind of change belongs to (DESIGN §7a).
pub fn pillar(kind: &str) -> &'static str {
    match kind {
        "service" | "deploy" | "flag" => "deploy",
        "telemetry" | "slo" | "alert" | "runbook" | "dashboard" => "observability",
        "agent" | "budget" => "agents",
        "gate" | "policy" | "rbac" => "policy",
        _ => "infrastructure",
    }
}

/// Compares two checked revisions of a workspace.
pub fn diff_workspaces(
    base: &Revision<'_>,
    head: &Revision<'_>,
    review: &Review,
) -> Result<ChangeSet, DiffError> {
    let mut environments: Vec<String> = Vec::new();
    for side in [base, head] {
        for env in &side.checked.environments {
            if !environments.contains(&env.name) {
                environments.push(env.name.clone());
            }
        }
    }
    let mut per_env = Vec::new();
    let mut all_objects = Vec::new();
    for env in &environments {
        let base_model = Model::of(base.checked, env);
        let head_model = Model::of(head.checked, env);
        let base_objects = build(base_model.as_ref(), &base.targets).map_err(|d| DiffError {
            side: "base",
            diagnostics: d,
        })?;
        let head_objects = build(head_model.as_ref(), &head.targets).map_err(|d| DiffError {
            side: "head",
            diagnostics: d,
        })?;
        let object_changes = compare::compare(&base_objects, &head_objects);
        let no_tiers = BTreeMap::new();
        let entity_changes = entities::compare(
            &side_of(base_model.as_ref(), &no_tiers),
            &side_of(head_model.as_ref(), &no_tiers),
        );
        let changed_keys: BTreeSet<&str> = object_changes.iter().map(|c| c.key.as_str()).collect();
        let mut explained: BTreeSet<String> = BTreeSet::new();
        let mut changes = Vec::new();
        for change in entity_changes {
            let touched = touched(
                &change.patch,
                base.checked,
                head.checked,
                base_model.as_ref(),
                head_model.as_ref(),
                &base_objects,
                &head_objects,
                &base.targets,
                &head.targets,
            );
            let touched: Vec<String> = touched
                .into_iter()
                .filter(|k| changed_keys.contains(k.as_str()))
                .collect();
            explained.extend(touched.iter().cloned());
            changes.push((change, touched));
        }
        per_env.push((
            env.clone(),
            changes,
            object_changes
                .iter()
                .filter(|c| !explained.contains(&c.key))
                .cloned()
                .collect::<Vec<_>>(),
            object_changes.clone(),
        ));
        all_objects.extend(object_changes);
    }
    let risk = risk_table(base.checked, head.checked);
    let mut changes = merge(&environments, per_env, risk);
    if review.impact {
        add_impact(&mut changes, base.checked, head.checked);
    }
    let features = verdict::Owners::of(base.checked, head.checked);
    let verdict = verdict::decide(&changes, &features, review);
    let workspace = head
        .checked
        .workspace
        .as_ref()
        .or(base.checked.workspace.as_ref())
        .map_or(String::new(), |w| w.name.value.clone());
    Ok(ChangeSet {
        version: 1,
        workspace,
        base: base.label.clone(),
        head: head.label.clone(),
        author: review.author.clone(),
        approvals: review.approvals.clone(),
        changes,
        verdict,
        objects: all_objects,
    })
}

/// Compares two output folders: objects only, each graded by its kind, since no spec is read.
pub fn diff_trees(
    base_label: &str,
    head_label: &str,
    base: &Objects,
    head: &Objects,
    review: &Review,
) -> ChangeSet {
    let object_changes = compare::compare(base, head);
    let table = stdlib_risk_table();
    let mut changes: Vec<Change> = object_changes
        .iter()
        .map(|o| object_change(o, Some(o.environment.clone()), &table))
        .collect();
    changes.sort_by(|a, b| a.id.cmp(&b.id));
    let verdict = verdict::decide(&changes, &verdict::Owners::default(), review);
    ChangeSet {
        version: 1,
        workspace: String::new(),
        base: base_label.to_string(),
        head: head_label.to_string(),
        author: review.author.clone(),
        approvals: review.approvals.clone(),
        changes,
        verdict,
        objects: object_changes,
    }
}

/// The stdlib's risk table, for output folders, which carry no workspace of their own.
fn stdlib_risk_table() -> RiskTable {
    let mut table = RiskTable::default();
    for parsed in crate::stdlib::parsed() {
        if let Some(doc) = &parsed.doc {
            table.extend_from(&doc.nodes);
        }
    }
    table
}

/// A side's features and tier defaults, for comparing entities; none when the side has no such
/// environment.
fn side_of<'s>(
    model: Option<&'s Model<'_>>,
    no_tiers: &'s BTreeMap<String, crate::model::TierDefaults>,
) -> entities::Side<'s> {
    match model {
        Some(m) => entities::Side {
            features: &m.features,
            tiers: &m.tiers,
        },
        None => entities::Side {
            features: &[],
            tiers: no_tiers,
        },
    }
}

/// The objects of one environment with the given targets; none when the side has no such
/// environment.
fn build(
    model: Option<&Model<'_>>,
    targets: &[(&'static str, Emit)],
) -> Result<Objects, Vec<Diagnostic>> {
    let mut out = Objects::new();
    let Some(model) = model else {
        return Ok(out);
    };
    let features: BTreeSet<&str> = model
        .features
        .iter()
        .map(|f| f.name.value.as_str())
        .collect();
    let is_feature = |name: &str| features.contains(name);
    let mut errors = Vec::new();
    for (target, emit) in targets {
        let emitted = emit.run(model, &mut |artifact| {
            split(
                model.environment,
                target,
                &artifact.path,
                &artifact.content,
                &is_feature,
                &mut out,
            );
        });
        if let Err(found) = emitted {
            errors.extend(found.into_iter().filter(Diagnostic::is_error));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The keys of the objects one change alone alters: the base with only that change made,
/// compared with the base (or, for a new feature, the head without it compared with the head).
#[allow(clippy::too_many_arguments)]
fn touched(
    patch: &entities::Patch,
    base_checked: &Checked,
    head_checked: &Checked,
    base: Option<&Model<'_>>,
    head: Option<&Model<'_>>,
    base_objects: &Objects,
    head_objects: &Objects,
    base_targets: &[(&'static str, Emit)],
    head_targets: &[(&'static str, Emit)],
) -> Vec<String> {
    let (model, checked, feature, with, reference, targets) = match patch {
        entities::Patch::Base { feature, with } => (
            base,
            base_checked,
            feature,
            with.as_deref(),
            base_objects,
            base_targets,
        ),
        entities::Patch::HeadWithout { feature } => (
            head,
            head_checked,
            feature,
            None,
            head_objects,
            head_targets,
        ),
    };
    let Some(model) = model else {
        // The side does not exist in this environment: every object of the other side counts.
        return head_objects
            .keys()
            .chain(base_objects.keys())
            .cloned()
            .collect();
    };
    let mut features = model.features.clone();
    match (features.iter().position(|f| &f.name.value == feature), with) {
        (Some(at), Some(with)) => features[at] = std::sync::Arc::new(with.clone()),
        (Some(at), None) => {
            features.remove(at);
        }
        (None, Some(with)) => features.push(std::sync::Arc::new(with.clone())),
        (None, None) => {}
    }
    // A fresh model of the same side and environment carries every setting; only the features
    // differ.
    let Some(mut patched) = Model::of(checked, model.environment) else {
        return Vec::new();
    };
    patched.set_features(features);
    // A change whose effects cannot be built alone touches nothing it can be credited with;
    // its objects are then reported on their own.
    let Ok(objects) = build(Some(&patched), targets) else {
        return Vec::new();
    };
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for (key, object) in &objects {
        if reference.get(key).is_none_or(|r| r.body != object.body) {
            keys.insert(key.clone());
        }
    }
    for key in reference.keys() {
        if !objects.contains_key(key) {
            keys.insert(key.clone());
        }
    }
    keys.into_iter().collect()
}

/// The risk table a change is graded with: the base's, so that a change cannot loosen its own
/// review; the head's when there is no base workspace.
fn risk_table<'a>(base: &'a Checked, head: &'a Checked) -> &'a RiskTable {
    if base.workspace.is_some() {
        &base.risk
    } else {
        &head.risk
    }
}

/// Grades one change; a rename no row covers is graded as the delete and create it is.
fn grade(
    table: &RiskTable,
    kind: &str,
    change: ChangeKind,
    fields: &[String],
) -> (RiskTier, String, Option<String>) {
    if change == ChangeKind::Rename {
        let own = table.grade(kind, "rename", None);
        if own.row.is_some() {
            return (own.tier, own.reason, None);
        }
        let delete = table.grade(kind, "delete", None);
        let create = table.grade(kind, "create", None);
        let worst = if delete.tier >= create.tier {
            delete
        } else {
            create
        };
        return (
            worst.tier,
            format!("a rename deletes and creates: {}", worst.reason),
            None,
        );
    }
    // A row for one of the changed fields wins; the most severe field decides.
    let mut best: Option<(RiskTier, String, Option<String>)> = None;
    for field in fields {
        let g = table.grade(kind, change.as_str(), Some(field));
        let specific = table.rows.iter().any(|r| {
            r.kind == kind && r.change == change.as_str() && r.field.as_deref() == Some(field)
        });
        if specific && best.as_ref().is_none_or(|b| g.tier > b.0) {
            best = Some((g.tier, g.reason, Some(field.clone())));
        }
    }
    let generic = table.grade(kind, change.as_str(), None);
    match best {
        Some(b) if b.0 >= generic.tier || fields.len() == 1 => b,
        _ => {
            let field = (fields.len() == 1).then(|| fields[0].clone());
            (generic.tier, generic.reason, field)
        }
    }
}

type EnvChanges = (
    String,
    Vec<(entities::EntityChange, Vec<String>)>,
    Vec<ObjectChange>,
    Vec<ObjectChange>,
);

/// Per-environment changes into records: one with no environment when it is the same in every
/// environment, one per environment otherwise.
fn merge(environments: &[String], per_env: Vec<EnvChanges>, table: &RiskTable) -> Vec<Change> {
    let references: BTreeMap<String, String> = per_env
        .iter()
        .flat_map(|(_, _, _, all)| all.iter().map(|o| (o.key.clone(), o.object.clone())))
        .collect();
    let mut records: BTreeMap<String, (Change, BTreeSet<String>)> = BTreeMap::new();
    let mut order = Vec::new();
    for (env, changes, unexplained, _) in per_env {
        for (c, touched) in changes {
            let id = if c.kind == "feature" && c.change != ChangeKind::Update {
                c.feature.clone()
            } else {
                format!("{}/{}/{}", c.feature, c.kind, c.name)
            };
            let fields: Vec<String> = c.fields.iter().map(|f| f.to_string()).collect();
            let (risk, reason, field) = grade(table, c.kind, c.change, &fields);
            let change = Change {
                id,
                feature: Some(c.feature.clone()),
                environment: Some(env.clone()),
                entity: EntityRef {
                    kind: c.kind,
                    name: c.name.clone(),
                },
                change: c.change,
                field,
                pillar: pillar(c.kind),
                risk,
                reason,
                objects: touched
                    .iter()
                    .filter_map(|k| references.get(k).cloned())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                fields,
                renamed_from: c.renamed_from.clone(),
                effects: c.lines.clone(),
                impact: Vec::new(),
            };
            record(&mut records, &mut order, change, &env);
        }
        for o in unexplained {
            record(
                &mut records,
                &mut order,
                object_change(&o, Some(env.clone()), table),
                &env,
            );
        }
    }
    let mut out = Vec::new();
    for signature in order {
        let Some((mut change, envs)) = records.remove(&signature) else {
            continue;
        };
        if envs.len() == environments.len() && environments.len() > 1 {
            change.environment = None;
            out.push(change);
        } else {
            for env in envs {
                let mut c = change.clone();
                c.environment = Some(env);
                out.push(c);
            }
        }
    }
    out.sort_by(|a, b| {
        (
            a.feature.as_deref(),
            pillar_rank(a.pillar),
            &a.id,
            &a.environment,
        )
            .cmp(&(
                b.feature.as_deref(),
                pillar_rank(b.pillar),
                &b.id,
                &b.environment,
            ))
    });
    out
}

fn pillar_rank(pillar: &str) -> usize {
    [
        "deploy",
        "observability",
        "agents",
        "infrastructure",
        "policy",
    ]
    .iter()
    .position(|p| *p == pillar)
    .unwrap_or(5)
}

/// Collects a change under a signature that leaves out its environment; objects are merged.
fn record(
    records: &mut BTreeMap<String, (Change, BTreeSet<String>)>,
    order: &mut Vec<String>,
    change: Change,
    env: &str,
) {
    let signature = format!(
        "{}|{}|{:?}|{}|{}|{}",
        change.id,
        change.change.as_str(),
        change.fields,
        change.effects.join("\n"),
        change
            .objects
            .iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>()
            .join(","),
        change.renamed_from.as_deref().unwrap_or("")
    );
    match records.get_mut(&signature) {
        Some((_, envs)) => {
            envs.insert(env.to_string());
        }
        None => {
            order.push(signature.clone());
            records.insert(signature, (change, BTreeSet::from([env.to_string()])));
        }
    }
}

/// A change of an object that no spec entity explains (a setting of gantry.kdl, a new gantry
/// version, or an output folder), graded by the object's kind.
fn object_change(o: &ObjectChange, environment: Option<String>, table: &RiskTable) -> Change {
    let fields = o.forces_replacement.clone();
    let (risk, reason, field) = grade(table, o.kind, o.change, &fields);
    let identity = o
        .object
        .split_once(':')
        .map_or(o.object.as_str(), |(_, i)| i);
    let id = match &o.feature {
        Some(f) => format!("{f}/{}/{identity}", o.kind),
        None => format!("{}/{identity}", o.kind),
    };
    Change {
        id,
        feature: o.feature.clone(),
        environment,
        entity: EntityRef {
            kind: o.kind,
            name: identity.to_string(),
        },
        change: o.change,
        field,
        pillar: pillar(o.kind),
        risk,
        reason,
        objects: vec![o.object.clone()],
        fields,
        renamed_from: o.renamed_from.clone(),
        effects: Vec::new(),
        impact: Vec::new(),
    }
}

/// What each changed entity reaches, from the graph of the side where it exists.
fn add_impact(changes: &mut [Change], base: &Checked, head: &Checked) {
    let graph_of = |checked: &Checked| {
        let env = checked.environments.last()?;
        Model::of(checked, &env.name).map(|m| m.graph())
    };
    let graphs = [graph_of(head), graph_of(base)];
    for change in changes {
        let Some(feature) = &change.feature else {
            continue;
        };
        let kind = match change.entity.kind {
            "feature" => NodeKind::Feature,
            "service" => NodeKind::Service,
            "datastore" => NodeKind::Datastore,
            "secret" => NodeKind::Secret,
            "flag" => NodeKind::Flag,
            "slo" => NodeKind::Slo,
            "alert" => NodeKind::Alert,
            "runbook" => NodeKind::Runbook,
            "agent" | "budget" => NodeKind::Agent,
            "gate" => NodeKind::Gate,
            _ => continue,
        };
        let name = if kind == NodeKind::Feature {
            feature.clone()
        } else {
            format!("{feature}/{}", change.entity.name)
        };
        for graph in graphs.iter().flatten() {
            if let Some(start) = graph.find(kind, &name) {
                change.impact = graph
                    .impact(start)
                    .into_iter()
                    .map(|r| {
                        format!(
                            "{} ({} from {})",
                            r.entity.id(),
                            r.via.as_str(),
                            r.from.id()
                        )
                    })
                    .collect();
                break;
            }
        }
    }
}

/// The artifacts of one environment and target as objects, for callers that hold artifacts.
pub fn objects_of(
    environment: &str,
    target: &str,
    artifacts: &[Artifact],
    features: &dyn Fn(&str) -> bool,
    out: &mut Objects,
) {
    for artifact in artifacts {
        split(
            environment,
            target,
            &artifact.path,
            &artifact.content,
            features,
            out,
        );
    }
}

/// The objects of an output folder's files (`ENV/TARGET/PATH` → text); `manifest.json` and files
/// outside `ENV/TARGET/` are left out.
pub fn objects_of_files(files: &BTreeMap<String, String>) -> Objects {
    let mut out = Objects::new();
    for (path, text) in files {
        let mut parts = path.splitn(3, '/');
        let (Some(env), Some(target), Some(rest)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let content: Content = parse_file(rest, text);
        // Every first folder of a target's files is a feature in gantry's layout.
        split(env, target, rest, &content, &|_| true, &mut out);
    }
    out
}
