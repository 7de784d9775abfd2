//! `gantry can AGENT ACTION RESOURCE`: evaluates the environment's generated Cedar policies
//! in-process and explains the decision with the spec rules behind it. Exit 0 when allowed, 1
//! when denied, 2 when the question cannot be asked (usage, or a workspace that does not check).

use std::path::Path;
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityId, EntityTypeName, EntityUid,
    PolicySet, Request, RestrictedExpression, Schema,
};
use gantry::ast::{Agent, Feature};
use gantry::model::Model;
use gantry::schema::ACTIONS;
use gantry::source::Span;
use gantry::suggest::did_you_mean;
use gantry::values::{Resource, Target};
use gantry_targets::policy::{self, Policy};

use super::check::load;
use super::{exit, report_errors_only};

pub struct Question<'a> {
    pub agent: &'a str,
    pub action: &'a str,
    pub resource: &'a str,
    pub env: Option<&'a str>,
    pub approved_by: &'a [String],
}

pub fn run(path: &Path, question: &Question) -> u8 {
    let checked = match load(path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if checked.has_errors() {
        report_errors_only(&checked);
        return exit::USAGE;
    }
    let environment = match question.env {
        Some(name) => name.to_string(),
        None => match checked.environments.last() {
            Some(env) => env.name.clone(),
            None => return usage("the workspace declares no environment".to_string(), None),
        },
    };
    let Some(model) = Model::of(&checked, &environment) else {
        let names: Vec<&str> = checked
            .environments
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        return usage(
            format!("no environment `{environment}`"),
            Some(suggestion(
                &environment,
                names.iter().copied(),
                "the environments are",
            )),
        );
    };
    let (feature, agent) = match find_agent(&model, question.agent) {
        Ok(found) => found,
        Err((message, help)) => return usage(message, Some(help)),
    };
    if !ACTIONS.contains(&question.action) {
        return usage(
            format!("`{}` is not an action", question.action),
            Some(suggestion(
                question.action,
                ACTIONS.iter().copied(),
                "the actions are",
            )),
        );
    }
    for team in question.approved_by {
        let teams = model.workspace.teams.iter().map(|t| t.name.value.as_str());
        if !teams.clone().any(|t| t == team) {
            return usage(
                format!("no team `{team}` in the workspace"),
                Some(suggestion(team, teams, "the teams are")),
            );
        }
    }
    let resource = match Resource::parse(question.resource) {
        Ok(r) => r,
        Err(e) => return usage(e.message, Some(e.help)),
    };
    let Some((entity_type, entity_id)) = policy::resource_entity(&resource, &feature.name.value)
    else {
        return usage(
            format!("`{}` is a pattern, not one resource", question.resource),
            Some("name one resource, e.g. `k8s:checkout/api`".to_string()),
        );
    };
    let policies = policy::policies(&model);
    let ask = |approvals: &[String]| {
        evaluate(
            &model,
            &policies,
            (&feature.name.value, &agent.name.value),
            question.action,
            (entity_type, &entity_id),
            &resource,
            approvals,
        )
    };
    let decision = match ask(question.approved_by) {
        Ok(d) => d,
        Err((message, help)) => return usage(message, help),
    };
    // A denied request is asked again with every team's approval, to tell an approval that is
    // missing from a right that is.
    let every_team: Vec<String> = model
        .workspace
        .teams
        .iter()
        .map(|t| t.name.value.clone())
        .collect();
    let approved = match (decision.allowed, ask(&every_team)) {
        (true, _) => None,
        (false, Ok(d)) => Some(d),
        (false, Err((message, help))) => return usage(message, help),
    };
    let said = Said {
        model: &model,
        policies: &policies,
    };
    let who = format!("agent {}/{}", feature.name.value, agent.name.value);
    said.explain(&decision, approved.as_ref(), question, &environment, &who)
}

struct Evaluated {
    allowed: bool,
    /// The `@id`s of the policies that decided it.
    reasons: Vec<String>,
}

fn evaluate(
    model: &Model,
    policies: &[Policy],
    (feature, agent): (&str, &str),
    action: &str,
    (entity_type, entity_id): (&str, &str),
    resource: &Resource,
    approvals: &[String],
) -> Result<Evaluated, (String, Option<String>)> {
    let internal = |what: &str, e: &dyn std::fmt::Display| {
        (
            format!("the generated {what} does not load: {e}"),
            Some("this is a bug in gantry; please report it".to_string()),
        )
    };
    let (schema, _) =
        Schema::from_cedarschema_str(&policy::schema()).map_err(|e| internal("schema", &e))?;
    let set = PolicySet::from_str(&policy::policy_text(policies))
        .map_err(|e| internal("policies", &e))?;
    let entity_list = policy::entities(model).map_err(|e| internal("entities", &e))?;
    let mut entities = Entities::from_json_str(&entity_list, Some(&schema))
        .map_err(|e| internal("entities", &e))?;
    let resource_uid = uid(entity_type, entity_id).map_err(|e| internal("entity type", &e))?;
    if entities.get(&resource_uid).is_none() {
        match &resource.target {
            // GitHub lies outside the workspace: a scope no rule names is still a valid question.
            Target::Github { org, repo, scope } => {
                let attrs = [("org", org), ("repo", repo), ("scope", scope)]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), RestrictedExpression::new_string(v.clone())))
                    .collect();
                let entity = Entity::new(resource_uid.clone(), attrs, Default::default())
                    .map_err(|e| internal("entity", &e))?;
                entities = entities
                    .add_entities([entity], Some(&schema))
                    .map_err(|e| internal("entities", &e))?;
            }
            _ => {
                let prefix = format!("{}:", resource.kind.as_str());
                let known: Vec<String> = entities
                    .iter()
                    .filter(|e| e.uid().type_name().to_string() == entity_type)
                    .map(|e| format!("{prefix}{}", e.uid().id().unescaped()))
                    .collect();
                let wanted = format!("{prefix}{entity_id}");
                return Err((
                    format!("no {} in the workspace", wanted),
                    Some(suggestion(
                        &wanted,
                        known.iter().map(String::as_str),
                        "the workspace has",
                    )),
                ));
            }
        }
    }
    let action = uid("Action", action).map_err(|e| internal("action", &e))?;
    let context = Context::from_json_value(
        serde_json::json!({ "approvals": approvals }),
        Some((&schema, &action)),
    )
    .map_err(|e| internal("context", &e))?;
    let principal =
        uid("Agent", &policy::agent_id(feature, agent)).map_err(|e| internal("agent", &e))?;
    let request = Request::new(principal, action, resource_uid, context, Some(&schema))
        .map_err(|e| internal("request", &e))?;
    let response = Authorizer::new().is_authorized(&request, &set, &entities);
    if let Some(error) = response.diagnostics().errors().next() {
        return Err(internal("policies", error));
    }
    let mut reasons: Vec<String> = response
        .diagnostics()
        .reason()
        .filter_map(|id| set.annotation(id, "id").map(str::to_string))
        .collect();
    reasons.sort();
    Ok(Evaluated {
        allowed: response.decision() == Decision::Allow,
        reasons,
    })
}

fn uid(entity_type: &str, id: &str) -> Result<EntityUid, String> {
    EntityTypeName::from_str(entity_type)
        .map(|t| EntityUid::from_type_name_and_id(t, EntityId::new(id)))
        .map_err(|e| e.to_string())
}

/// The spec behind the policies, to print the rules that decided.
struct Said<'a> {
    model: &'a Model<'a>,
    policies: &'a [Policy],
}

impl Said<'_> {
    fn explain(
        &self,
        decision: &Evaluated,
        approved: Option<&Evaluated>,
        question: &Question,
        environment: &str,
        who: &str,
    ) -> u8 {
        let what = format!("`{}` {}", question.action, question.resource);
        let approvals = if question.approved_by.is_empty() {
            String::new()
        } else {
            format!(", approved by {}", question.approved_by.join(", "))
        };
        if decision.allowed {
            println!("allow: {who} may {what} (environment {environment}{approvals})");
            for p in self.deciding(decision) {
                self.print(p);
            }
            return exit::OK;
        }
        println!("deny: {who} may not {what} (environment {environment}{approvals})");
        let (waiting, denying): (Vec<&Policy>, Vec<&Policy>) =
            self.deciding(decision).partition(|p| p.approval.is_some());
        if !denying.is_empty() {
            for p in denying {
                self.print(p);
                println!("      a deny wins over any allow");
            }
        } else if let Some(approved) = approved.filter(|a| a.allowed) {
            for p in waiting {
                self.print(p);
                println!("      {}", p.rule);
                if let Some(team) = &p.approval {
                    println!("      missing: the approval of team `{team}` (--approved-by {team})");
                }
            }
            println!("  once approved, it is allowed by:");
            for p in self.deciding(approved) {
                self.print(p);
            }
        } else {
            println!(
                "  denied by default: no rule of {who} allows {what}; `allow \"{}\" \"{}\"` in the agent would",
                question.action, question.resource
            );
        }
        exit::ERRORS
    }

    fn deciding<'e>(&'e self, decision: &'e Evaluated) -> impl Iterator<Item = &'e Policy> {
        decision
            .reasons
            .iter()
            .filter_map(|id| self.policies.iter().find(|p| &p.id == id))
    }

    fn print(&self, p: &Policy) {
        println!(
            "  {}  {}",
            location(self.model, p.origin),
            first_line(self.model, p.origin)
        );
    }
}

/// `file:line:col` of a span.
fn location(model: &Model, span: Span) -> String {
    let file = model.sources.get(span.file);
    let offset = u32::try_from(span.range().start).unwrap_or(u32::MAX);
    let (line, col) = file.line_col(offset);
    format!("{}:{line}:{col}", file.name)
}

/// The spec text at a span, its first line, as written.
fn first_line(model: &Model, span: Span) -> String {
    let text = model.sources.text(span);
    text.lines().next().unwrap_or("").trim().to_string()
}

fn find_agent<'m>(
    model: &'m Model,
    wanted: &str,
) -> Result<(&'m Feature, &'m Agent), (String, String)> {
    let all: Vec<(&Feature, &Agent)> = model
        .features
        .iter()
        .map(|f| &**f)
        .flat_map(|f| f.agents.iter().map(move |a| (f, a)))
        .collect();
    let ids: Vec<String> = all
        .iter()
        .map(|(f, a)| policy::agent_id(&f.name.value, &a.name.value))
        .collect();
    let matching: Vec<usize> = (0..all.len())
        .filter(|&i| {
            ids.get(i).is_some_and(|id| id == wanted)
                || (!wanted.contains('/')
                    && all.get(i).is_some_and(|(_, a)| a.name.value == wanted))
        })
        .collect();
    match matching.as_slice() {
        [one] => all
            .get(*one)
            .copied()
            .ok_or_else(|| (format!("no agent `{wanted}`"), String::new())),
        [] => {
            let names = ids
                .iter()
                .map(String::as_str)
                .chain(all.iter().map(|(_, a)| a.name.value.as_str()));
            Err((
                format!("no agent `{wanted}` in the workspace"),
                suggestion(wanted, names, "the agents are"),
            ))
        }
        several => {
            let names: Vec<&str> = several
                .iter()
                .filter_map(|&i| ids.get(i).map(String::as_str))
                .collect();
            Err((
                format!("`{wanted}` names several agents: {}", names.join(", ")),
                "write FEATURE/NAME".to_string(),
            ))
        }
    }
}

/// A did-you-mean when one is close, else the list of what exists.
fn suggestion<'a>(word: &str, candidates: impl Iterator<Item = &'a str>, list: &str) -> String {
    let candidates: Vec<&str> = candidates.collect();
    match did_you_mean(word, candidates.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None if candidates.is_empty() => "there is none".to_string(),
        None => {
            let mut sorted = candidates;
            sorted.sort_unstable();
            sorted.dedup();
            format!("{list}: {}", sorted.join(", "))
        }
    }
}

fn usage(message: String, help: Option<String>) -> u8 {
    eprintln!("error: {message}");
    if let Some(help) = help.filter(|h| !h.is_empty()) {
        eprintln!("help: {help}");
    }
    exit::USAGE
}
