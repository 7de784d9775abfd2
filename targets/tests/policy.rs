//! The policy target: the output tree of every example, strict Cedar validation, every
//! (agent, action, resource) decision of every example against what the spec's rules imply, and
//! the Rego gate package on hand-written change sets.

mod support;

use std::collections::BTreeSet;
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityId, EntityTypeName, EntityUid, PolicySet,
    Request, Schema, ValidationMode, Validator,
};
use gantry::artifact::{Artifact, Content};
use gantry::ast::{Agent, Effect, Feature};
use gantry::check::Checked;
use gantry::model::Model;
use gantry::risk::RiskTier;
use gantry::values::{Resource, ResourceKind, Target};
use gantry_targets::policy;
use serde_json::{Value, json};
use support::*;

const EXAMPLES: [&str; 2] = ["checkout", "platform"];
const ACTIONS: [&str; 6] = ["read", "write", "deploy", "rollback", "migrate", "delete"];

fn emit_policy(checked: &Checked, environment: &str) -> Vec<Artifact> {
    policy::emit(&model(checked, environment)).expect("the policy target emits")
}

fn text<'a>(artifacts: &'a [Artifact], path: &str) -> &'a str {
    match artifacts
        .iter()
        .find(|a| a.path == path)
        .map(|a| &a.content)
    {
        Some(Content::Text(text)) => text,
        other => panic!("{path}: {other:?}"),
    }
}

fn json_of(artifacts: &[Artifact], path: &str) -> Value {
    match artifacts
        .iter()
        .find(|a| a.path == path)
        .map(|a| &a.content)
    {
        Some(Content::Json(value)) => value.clone(),
        Some(Content::Serialized(text)) => {
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{path} parses: {e}"))
        }
        other => panic!("{path}: {other:?}"),
    }
}

/// The Cedar side of one environment, parsed and strictly validated.
struct Cedar {
    schema: Schema,
    policies: PolicySet,
    entities: Entities,
    entity_list: Value,
}

fn cedar(artifacts: &[Artifact]) -> Cedar {
    let (schema, warnings) = Schema::from_cedarschema_str(text(artifacts, policy::SCHEMA_FILE))
        .unwrap_or_else(|e| panic!("schema: {e:?}"));
    let warnings: Vec<String> = warnings.map(|w| w.to_string()).collect();
    assert!(warnings.is_empty(), "schema warnings: {warnings:#?}");
    let policies = PolicySet::from_str(text(artifacts, policy::POLICIES_FILE))
        .unwrap_or_else(|e| panic!("policies: {e:?}"));
    let result = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
    let errors: Vec<String> = result.validation_errors().map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "strict validation: {errors:#?}");
    let entity_list = json_of(artifacts, policy::ENTITIES_FILE);
    let entities = Entities::from_json_value(entity_list.clone(), Some(&schema))
        .unwrap_or_else(|e| panic!("entities: {e:?}"));
    Cedar {
        schema,
        policies,
        entities,
        entity_list,
    }
}

fn uid(entity_type: &str, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(
        EntityTypeName::from_str(entity_type).expect("type name"),
        EntityId::new(id),
    )
}

impl Cedar {
    /// The decision and the `@id`s of the policies that decided it.
    fn decide(
        &self,
        principal: &str,
        action: &str,
        resource: (&str, &str),
        approvals: &[&str],
    ) -> (Decision, BTreeSet<String>) {
        let action = uid("Action", action);
        let context = Context::from_json_value(
            json!({ "approvals": approvals }),
            Some((&self.schema, &action)),
        )
        .expect("context");
        let request = Request::new(
            uid("Agent", principal),
            action,
            uid(resource.0, resource.1),
            context,
            Some(&self.schema),
        )
        .expect("a valid request");
        let response = Authorizer::new().is_authorized(&request, &self.policies, &self.entities);
        let errors: Vec<String> = response
            .diagnostics()
            .errors()
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "evaluation errors: {errors:#?}");
        let ids = response
            .diagnostics()
            .reason()
            .map(|id| {
                self.policies
                    .annotation(id, "id")
                    .expect("every policy has an @id")
                    .to_string()
            })
            .collect();
        (response.decision(), ids)
    }
}

#[test]
fn policy_trees_of_the_examples() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit_policy(&checked, &environment);
            let mut tree = String::new();
            for artifact in &artifacts {
                tree.push_str(&format!("--- {}\n", artifact.path));
                tree.push_str(&yaml(artifact));
            }
            insta::assert_snapshot!(format!("{example_name}-{environment}"), tree);
        }
    }
}

#[test]
fn cedar_schema_policies_and_entities_validate_strictly() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit_policy(&checked, &environment);
            let cedar = cedar(&artifacts);
            let ids: Vec<String> = cedar
                .policies
                .policies()
                .map(|p| p.annotation("id").expect("@id").to_string())
                .collect();
            let unique: BTreeSet<&String> = ids.iter().collect();
            assert_eq!(unique.len(), ids.len(), "duplicate @id: {ids:?}");
            assert!(!ids.is_empty());
        }
    }
}

/// A resource entity of the store: its type, id and attributes.
struct Entity {
    entity_type: String,
    id: String,
    attrs: Value,
}

fn resource_entities(list: &Value) -> Vec<Entity> {
    list.as_array()
        .expect("an array of entities")
        .iter()
        .filter_map(|e| {
            let entity_type = e["uid"]["type"].as_str()?.to_string();
            (entity_type != "Team" && entity_type != "Feature").then(|| Entity {
                entity_type,
                id: e["uid"]["id"].as_str().unwrap_or_default().to_string(),
                attrs: e["attrs"].clone(),
            })
        })
        .collect()
}

/// The test's own reading of DESIGN §3.1: the entity type each kind of resource names.
fn type_of(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::K8s => "Service",
        ResourceKind::Datastore => "Datastore",
        ResourceKind::Secret => "Secret",
        ResourceKind::Flag => "Flag",
        ResourceKind::Agent => "Agent",
        ResourceKind::Github => "Repository",
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len())
                    .filter(|i| text.is_char_boundary(head.len() + i))
                    .any(|i| glob(tail, &text[head.len() + i..]))
        }
    }
}

fn covers(resource: &Resource, own_feature: &str, entity: &Entity) -> bool {
    if type_of(resource.kind) != entity.entity_type {
        return false;
    }
    let attr = |k: &str| entity.attrs[k].as_str().unwrap_or_default().to_string();
    match &resource.target {
        Target::One { feature, name } => {
            entity.id == format!("{}/{name}", feature.as_deref().unwrap_or(own_feature))
        }
        Target::All { feature } => attr("feature") == feature.as_deref().unwrap_or(own_feature),
        Target::Github { org, repo, scope } => {
            glob(org, &attr("org")) && glob(repo, &attr("repo")) && glob(scope, &attr("scope"))
        }
    }
}

/// The teams whose approval an action on an entity waits for: `None` when it does not wait.
fn approvals_needed(model: &Model, action: &str, entity: &Entity) -> Option<Vec<String>> {
    let (kind, change) = match (entity.entity_type.as_str(), action) {
        ("Repository", _) => return None,
        (_, "write" | "migrate") => (entity.entity_type.to_lowercase(), "update"),
        (_, "delete") => (entity.entity_type.to_lowercase(), "delete"),
        _ => return None,
    };
    if model.risk.grade(&kind, change, None).tier != RiskTier::Irreversible {
        return None;
    }
    let feature = model
        .feature(entity.attrs["feature"].as_str().unwrap_or_default())
        .expect("the entity's feature");
    let gate_teams: BTreeSet<String> = feature
        .gates
        .iter()
        .filter(|g| g.tier.as_ref().is_some_and(|t| t.value == "irreversible"))
        .flat_map(|g| &g.approvals)
        .map(|a| a.team.value.clone())
        .collect();
    Some(if gate_teams.is_empty() {
        feature.owner.iter().map(|o| o.value.clone()).collect()
    } else {
        gate_teams.into_iter().collect()
    })
}

/// Deny wins over allow, nothing is allowed by default, and an irreversible action also needs
/// every approving team's approval.
fn expected(
    model: &Model,
    feature: &Feature,
    agent: &Agent,
    action: &str,
    entity: &Entity,
    approvals: &[&str],
) -> bool {
    let own = feature.name.value.as_str();
    let by = |effect: Effect| {
        agent
            .rules
            .iter()
            .filter(|r| r.effect == effect && r.action.value == action)
            .flat_map(|r| &r.resources)
            .any(|r| covers(&r.value, own, entity))
    };
    if by(Effect::Deny) || !by(Effect::Allow) {
        return false;
    }
    match approvals_needed(model, action, entity) {
        None => true,
        Some(teams) => !teams.is_empty() && teams.iter().all(|t| approvals.contains(&t.as_str())),
    }
}

#[test]
fn every_decision_of_every_example_is_the_one_the_spec_implies() {
    let mut decided = 0;
    let mut allowed = 0;
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let model = model(&checked, &environment);
            let cedar = cedar(&policy::emit(&model).expect("emits"));
            let all_teams: Vec<&str> = model
                .workspace
                .teams
                .iter()
                .map(|t| t.name.value.as_str())
                .collect();
            let entities = resource_entities(&cedar.entity_list);
            for feature in &model.features {
                for agent in &feature.agents {
                    let principal = format!("{}/{}", feature.name.value, agent.name.value);
                    for action in ACTIONS {
                        for entity in &entities {
                            for approvals in [&[][..], &all_teams[..]] {
                                let want =
                                    expected(&model, feature, agent, action, entity, approvals);
                                let (got, ids) = cedar.decide(
                                    &principal,
                                    action,
                                    (&entity.entity_type, &entity.id),
                                    approvals,
                                );
                                assert_eq!(
                                    got == Decision::Allow,
                                    want,
                                    "{example_name}/{environment}: {principal} {action} {}::{} with approvals {approvals:?} (decided by {ids:?})",
                                    entity.entity_type,
                                    entity.id
                                );
                                decided += 1;
                                allowed += usize::from(want);
                            }
                        }
                    }
                }
            }
        }
    }
    // Both examples, both environments, every agent × 6 actions × every resource, twice.
    assert!(decided > 500, "{decided} decisions");
    assert!(allowed > 10, "{allowed} allowed");
}

#[test]
fn the_deciding_policies_name_the_spec_rules() {
    let checked = example("checkout");
    let artifacts = emit_policy(&checked, "prod");
    let cedar = cedar(&artifacts);
    let bot = "checkout/deploy-bot";
    let (decision, ids) = cedar.decide(bot, "read", ("Service", "checkout/api"), &[]);
    assert_eq!(decision, Decision::Allow);
    assert_eq!(
        ids,
        BTreeSet::from(["checkout/deploy-bot/allow read k8s:checkout/*".to_string()])
    );
    // The deny wins over nothing else here: read on orders is not allowed, and denied.
    let (decision, ids) = cedar.decide(bot, "read", ("Datastore", "checkout/orders"), &[]);
    assert_eq!(decision, Decision::Deny);
    assert_eq!(
        ids,
        BTreeSet::from(["checkout/deploy-bot/deny read datastore:checkout/orders".to_string()])
    );
    // Default deny: no policy decides.
    let (decision, ids) = cedar.decide(bot, "delete", ("Service", "checkout/api"), &[]);
    assert_eq!(decision, Decision::Deny);
    assert_eq!(
        ids,
        BTreeSet::from(["checkout/approval/delete/k8s/payments".to_string()])
    );
    let (decision, ids) = cedar.decide(bot, "rollback", ("Flag", "checkout/new-payment-flow"), &[]);
    assert_eq!(decision, Decision::Deny);
    assert!(ids.is_empty(), "{ids:?}");
    // Every policy maps back to a spec node.
    let model = model(&checked, "prod");
    for p in policy::policies(&model) {
        let line = &checked.sources.text(p.origin);
        assert!(!line.is_empty(), "{} has no origin", p.id);
    }
}

/// A workspace whose agent may migrate a datastore that two teams approve, and whose rights use
/// every kind of resource pattern.
const TWO_TEAMS: &str = r#"
workspace "shop" {
    targets "policy"
    environment "prod"
    team "payments" { approvers "alice@acme.example" "bob@acme.example"; }
    team "platform"
}
"#;

/// A feature whose irreversible gate two teams approve, and whose agent may migrate its
/// datastore.
fn two_team_workspace_spec() -> String {
    r#"
feature "orders" {
    owner "payments"
    datastore "ledger" kind="postgres" size="db.t4g.medium" storage-gb=20 {
        backup retention-days=7
    }
    flag "fast-path" default=#false
    agent "janitor" {
        allow "agent-can-bypass-gate" reason="the migration agent is what the test is about"
        allow "agent-wildcard-write" reason="the test needs a GitHub pattern"
        purpose "Runs migrations"
        model "claude-sonnet" provider="anthropic"
        budget tokens-per-run=1000 tokens-per-day=10000
        rate-limit requests-per-minute=5
        retry max-attempts=2 backoff="exponential"
        credentials source="vault" ttl="1h"
        slo "task-success" objective=95
        allow "migrate" "datastore:ledger"
        allow "read" "flag:*" "datastore:orders/ledger"
        allow "write" "github:acme/*/pulls"
        deny "write" "github:acme/secrets/pulls"
    }
    gate "ledger" tier="irreversible" {
        approve team="payments" count=2
        approve team="platform" count=1
    }
}
"#
    .to_string()
}

fn two_team_workspace() -> Checked {
    workspace(TWO_TEAMS, &[("orders.kdl", &two_team_workspace_spec())])
}

#[test]
fn an_irreversible_action_waits_for_every_approving_team() {
    let checked = two_team_workspace();
    let artifacts = emit_policy(&checked, "prod");
    let cedar = cedar(&artifacts);
    let janitor = "orders/janitor";
    let ledger = ("Datastore", "orders/ledger");
    let (decision, ids) = cedar.decide(janitor, "migrate", ledger, &["payments"]);
    assert_eq!(decision, Decision::Deny);
    assert_eq!(
        ids,
        BTreeSet::from(["orders/approval/migrate/datastore/platform".to_string()])
    );
    let (decision, ids) = cedar.decide(janitor, "migrate", ledger, &["payments", "platform"]);
    assert_eq!(decision, Decision::Allow);
    assert_eq!(
        ids,
        BTreeSet::from(["orders/janitor/allow migrate datastore:ledger".to_string()])
    );
    let (decision, _) = cedar.decide(janitor, "read", ledger, &[]);
    assert_eq!(decision, Decision::Allow);
    let (decision, _) = cedar.decide(janitor, "read", ("Flag", "orders/fast-path"), &[]);
    assert_eq!(decision, Decision::Allow);
    let policies = text(&artifacts, policy::POLICIES_FILE);
    assert!(
        policies.contains(r#"resource.repo like "*""#),
        "a GitHub pattern is a `like`:\n{policies}"
    );
}

/// The Rego gate package of a workspace's environment, evaluated on a change set.
fn gates(checked: &Checked, environment: &str, input: Value) -> Value {
    let artifacts = emit_policy(checked, environment);
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(
            "gates.rego".to_string(),
            text(&artifacts, policy::GATES_FILE).to_string(),
        )
        .unwrap_or_else(|e| panic!("gates.rego does not parse: {e}"));
    engine
        .set_input_json(&input.to_string())
        .expect("the input is JSON");
    let allow = engine
        .eval_rule("data.gantry.gates.allow".to_string())
        .expect("allow evaluates");
    let missing = engine
        .eval_rule("data.gantry.gates.missing".to_string())
        .expect("missing evaluates");
    let as_json = |v: regorus::Value| -> Value {
        serde_json::from_str(&v.to_json_str().expect("serializes")).expect("JSON")
    };
    json!({ "allow": as_json(allow), "missing": as_json(missing) })
}

fn change(id: &str, feature: &str, risk: &str) -> Value {
    json!({
        "id": id,
        "feature": feature,
        "environment": null,
        "entity": { "kind": "datastore", "name": "x" },
        "change": "update",
        "pillar": "infrastructure",
        "risk": risk,
        "reason": "from the risk table",
        "objects": [],
    })
}

fn change_set(author: Value, approvals: Value, changes: Vec<Value>) -> Value {
    json!({
        "version": 1,
        "workspace": "acme-shop",
        "base": "main",
        "head": "WORKTREE",
        "author": author,
        "approvals": approvals,
        "changes": changes,
        "verdict": { "gate": "automated", "required": [] },
    })
}

fn human() -> Value {
    json!({ "kind": "human", "name": "carol@acme.example" })
}

#[test]
fn reversible_changes_pass_automated_review() {
    let checked = example("checkout");
    let out = gates(
        &checked,
        "prod",
        change_set(
            human(),
            json!([]),
            vec![
                change("checkout/service/api", "checkout", "reversible"),
                change("payments/flag/instant-refunds", "payments", "reversible"),
            ],
        ),
    );
    assert_eq!(out, json!({ "allow": true, "missing": [] }));
}

#[test]
fn an_irreversible_change_needs_the_gate_teams_approvals() {
    let checked = example("checkout");
    let orders = change("checkout/datastore/orders", "checkout", "irreversible");
    let out = gates(
        &checked,
        "prod",
        change_set(human(), json!([]), vec![orders.clone()]),
    );
    assert_eq!(
        out,
        json!({ "allow": false, "missing": [{
            "team": "payments",
            "count": 1,
            "have": 0,
            "changes": ["checkout/datastore/orders"],
            "reason": "gate `data-changes` of feature `checkout` needs 1 approval(s) from `payments`",
        }]})
    );
    let approved = json!([{ "team": "payments", "by": "bob@acme.example" }]);
    let out = gates(
        &checked,
        "prod",
        change_set(human(), approved, vec![orders.clone()]),
    );
    assert_eq!(out, json!({ "allow": true, "missing": [] }));
    // Someone who is not among the team's approvers does not count.
    let outsider = json!([{ "team": "payments", "by": "mallory@acme.example" }]);
    let out = gates(
        &checked,
        "prod",
        change_set(human(), outsider, vec![orders]),
    );
    assert_eq!(out["allow"], json!(false));
    assert_eq!(out["missing"][0]["have"], json!(0));
}

#[test]
fn counts_are_per_person_and_every_gate_team_is_needed() {
    let checked = example("checkout");
    let ledger = change("payments/datastore/ledger", "payments", "irreversible");
    // The same person twice is one approval; payments needs two, platform one.
    let approvals = json!([
        { "team": "payments", "by": "alice@acme.example" },
        { "team": "payments", "by": "alice@acme.example" },
    ]);
    let out = gates(
        &checked,
        "prod",
        change_set(human(), approvals, vec![ledger.clone()]),
    );
    assert_eq!(
        out,
        // A set, in Rego's order of values: objects compare by their sorted keys' values.
        json!({ "allow": false, "missing": [
            {
                "team": "platform", "count": 1, "have": 0,
                "changes": ["payments/datastore/ledger"],
                "reason": "gate `ledger-and-secrets` of feature `payments` needs 1 approval(s) from `platform`",
            },
            {
                "team": "payments", "count": 2, "have": 1,
                "changes": ["payments/datastore/ledger"],
                "reason": "gate `ledger-and-secrets` of feature `payments` needs 2 approval(s) from `payments`",
            },
        ]})
    );
    let approvals = json!([
        { "team": "payments", "by": "alice@acme.example" },
        { "team": "payments", "by": "bob@acme.example" },
        { "team": "platform", "by": "dana@acme.example" },
    ]);
    let out = gates(
        &checked,
        "prod",
        change_set(human(), approvals, vec![ledger]),
    );
    assert_eq!(out, json!({ "allow": true, "missing": [] }));
}

#[test]
fn an_agent_authored_irreversible_change_needs_a_named_human() {
    let checked = example("platform");
    let agent = json!({ "kind": "agent", "name": "incident-tools/deps-updater" });
    let incidents = change(
        "incident-tools/datastore/incidents",
        "incident-tools",
        "irreversible",
    );
    let reason = "gate `irreversible-changes` of feature `incident-tools` needs 2 approval(s) from `sre` (an agent authored it: only approvals naming a human approver count)";
    // Anonymous approvals, and the agent approving its own change, do not count.
    let approvals = json!([
        { "team": "sre", "by": "" },
        { "team": "sre", "by": "" },
        { "team": "sre", "by": "incident-tools/deps-updater" },
    ]);
    let out = gates(
        &checked,
        "prod",
        change_set(agent.clone(), approvals, vec![incidents.clone()]),
    );
    assert_eq!(
        out,
        json!({ "allow": false, "missing": [{
            "team": "sre", "count": 2, "have": 0,
            "changes": ["incident-tools/datastore/incidents"],
            "reason": reason,
        }]})
    );
    let sre = checked
        .workspace
        .as_ref()
        .and_then(|w| w.teams.iter().find(|t| t.name.value == "sre"))
        .expect("team sre");
    let people: Vec<Value> = sre
        .approvers
        .iter()
        .take(2)
        .map(|a| json!({ "team": "sre", "by": a.value }))
        .collect();
    assert_eq!(people.len(), 2, "sre lists two approvers");
    let out = gates(
        &checked,
        "prod",
        change_set(agent.clone(), Value::Array(people), vec![incidents]),
    );
    assert_eq!(out, json!({ "allow": true, "missing": [] }));
    // A reversible change by the same agent needs nobody.
    let out = gates(
        &checked,
        "prod",
        change_set(
            agent,
            json!([]),
            vec![change(
                "incident-tools/service/api",
                "incident-tools",
                "reversible",
            )],
        ),
    );
    assert_eq!(out, json!({ "allow": true, "missing": [] }));
}

#[test]
fn anonymous_approvals_count_per_entry_for_human_authors() {
    let checked = example("checkout");
    let orders = change("checkout/datastore/orders", "checkout", "irreversible");
    let out = gates(
        &checked,
        "prod",
        change_set(
            human(),
            json!([{ "team": "payments", "by": "" }]),
            vec![orders],
        ),
    );
    assert_eq!(out, json!({ "allow": true, "missing": [] }));
}

#[test]
fn a_feature_the_policy_does_not_know_is_closed() {
    let checked = example("checkout");
    let out = gates(
        &checked,
        "prod",
        change_set(
            human(),
            json!([{ "team": "payments", "by": "bob@acme.example" }]),
            vec![change("gone", "gone", "irreversible")],
        ),
    );
    assert_eq!(
        out,
        json!({ "allow": false, "missing": [{
            "team": "", "count": 1, "have": 0, "changes": ["gone"],
            "reason": "feature \"gone\" names no team to approve its irreversible changes in this policy's spec",
        }]})
    );
}

#[test]
fn approver_names_are_data_not_code() {
    // An e-mail address may hold quotes, braces and backslashes: none of them may reach Rego as
    // code.
    let hostile = "x\"}]};allow:=true#\\\"@evil.example";
    let gantry_kdl = format!(
        "workspace \"shop\" {{\n    targets \"policy\"\n    environment \"prod\"\n    team \"payments\" {{ approvers {}; }}\n}}\n",
        kdl_string(hostile)
    );
    let spec = r#"
feature "orders" {
    owner "payments"
    gate "data" tier="irreversible" { approve team="payments" count=1; }
}
"#;
    let checked = workspace(&gantry_kdl, &[("orders.kdl", spec)]);
    let orders = change("orders/datastore/x", "orders", "irreversible");
    let out = gates(
        &checked,
        "prod",
        change_set(human(), json!([]), vec![orders.clone()]),
    );
    assert_eq!(out["allow"], json!(false));
    let out = gates(
        &checked,
        "prod",
        change_set(
            human(),
            json!([{ "team": "payments", "by": hostile }]),
            vec![orders],
        ),
    );
    assert_eq!(out, json!({ "allow": true, "missing": [] }));
}

#[test]
fn policies_cedar_holds_every_policy_in_order() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let model = model(&checked, &environment);
            let artifacts = policy::emit(&model).expect("emits");
            assert_eq!(
                text(&artifacts, policy::POLICIES_FILE),
                policy::policy_text(&policy::policies(&model)),
                "{example_name} {environment}"
            );
        }
    }
}

/// A policy is named by the rule it comes from, not by its place: a rule added before the
/// others leaves their ids (what `gantry diff` matches policies by) unchanged, and a rule
/// written twice gets ` #2`, so every id stays unique.
#[test]
fn adding_a_rule_leaves_the_other_policies_ids_alone() {
    fn agent_ids(extra: &str) -> Vec<String> {
        let spec = two_team_workspace_spec().replace(
            "        allow \"migrate\" \"datastore:ledger\"\n",
            &format!("{extra}        allow \"migrate\" \"datastore:ledger\"\n"),
        );
        let checked = workspace(TWO_TEAMS, &[("orders.kdl", &spec)]);
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        let artifacts = emit_policy(&checked, "prod");
        cedar(&artifacts)
            .policies
            .policies()
            .filter_map(|p| p.annotation("id").map(str::to_string))
            .filter(|id| id.starts_with("orders/janitor/"))
            .collect()
    }
    let before = agent_ids("");
    let after = agent_ids("        allow \"read\" \"flag:orders/fast-path\"\n");
    assert_eq!(after.len(), before.len() + 1);
    assert!(
        before.iter().all(|id| after.contains(id)),
        "{before:?} → {after:?}"
    );
    assert!(after.contains(&"orders/janitor/allow read flag:orders/fast-path".to_string()));
    let repeated = agent_ids("        allow \"write\" \"github:acme/*/pulls\"\n");
    assert!(
        repeated.contains(&"orders/janitor/allow write github:acme/*/pulls #2".to_string()),
        "{repeated:?}"
    );
}
