//! The alertmanager target (DESIGN §5): one `alertmanager.yaml` per environment that routes every
//! alert by its `owner` label to the owner team's route, and there by `severity`: `page` to the
//! team's `oncall pager=` receiver, `ticket` to its `chat=` receiver. Alerts are grouped by
//! feature, SLO and alert name; a ticket alert of an SLO is inhibited while a page alert of the
//! same feature and SLO fires; alerts of no known team go to the default receiver.
//!
//! The config is built as a `serde_json::Value` and serialized by the writer.

mod receivers;

use std::collections::{BTreeMap, BTreeSet};

use gantry::artifact::{Artifact, Content};
use gantry::ast::{Receiver, Team, Workspace};
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use gantry::source::Spanned;
use serde_json::{Value, json};

use crate::promql;

/// The file, relative to the target's folder.
pub const CONFIG_FILE: &str = "alertmanager.yaml";

/// The receiver of alerts that no team owns. A workspace that declares a receiver of this name
/// gets them there; otherwise it is a receiver without integrations.
pub const DEFAULT_RECEIVER: &str = "unrouted";

/// The labels alerts are grouped by: one notification per feature, SLO and alert.
const GROUP_BY: [&str; 3] = ["feature", "sloth_slo", "alertname"];

/// The labels a page alert and the ticket alert it silences share: the same SLO of the same
/// feature (set by the prometheus target on every SLO alert).
const INHIBIT_EQUAL: [&str; 2] = ["feature", "sloth_slo"];

/// The alertmanager target's entry point.
pub fn emit(model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let workspace = model.workspace;
    let mut errors = Vec::new();

    let mut receivers = BTreeMap::new();
    for receiver in &workspace.receivers {
        match receivers::receiver(receiver) {
            Ok(config) => {
                receivers.insert(receiver.name.value.clone(), config);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    receivers
        .entry(DEFAULT_RECEIVER.to_string())
        .or_insert_with(|| json!({ "name": DEFAULT_RECEIVER }));

    let owning = owning_teams(model);
    let mut teams: Vec<&Team> = workspace.teams.iter().collect();
    teams.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    let mut routes = Vec::new();
    for team in teams {
        match team_route(workspace, team, owning.get(team.name.value.as_str())) {
            Ok(Some(route)) => routes.push(route),
            Ok(None) => {}
            Err(d) => errors.push(*d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let config = json!({
        "route": {
            "receiver": DEFAULT_RECEIVER,
            "group_by": GROUP_BY,
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": routes,
        },
        "inhibit_rules": [{
            "source_matchers": [matcher("severity", "=", "page"), matcher("sloth_slo", "=~", ".+")],
            "target_matchers": [matcher("severity", "=", "ticket"), matcher("sloth_slo", "=~", ".+")],
            "equal": INHIBIT_EQUAL,
        }],
        "receivers": receivers.into_values().collect::<Vec<_>>(),
    });
    let workspace_file = model.sources.get(workspace.span.file).name.clone();
    Ok(vec![Artifact {
        path: CONFIG_FILE.to_string(),
        content: Content::Yaml(vec![config]),
        sources: vec![workspace_file],
        origin: Some(workspace.span),
    }])
}

/// An Alertmanager matcher, its value quoted and escaped so that no label value can change it.
pub fn matcher(label: &str, op: &str, value: &str) -> String {
    format!("{label}{op}\"{}\"", promql::escape(value))
}

/// Which teams own something in this environment that alerts: a feature or an agent, by team.
fn owning_teams<'m>(model: &'m Model) -> BTreeMap<&'m str, BTreeSet<String>> {
    let mut out: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for feature in &model.features {
        let name = &feature.name.value;
        if let Some(owner) = &feature.owner {
            out.entry(owner.value.as_str())
                .or_default()
                .insert(format!("feature `{name}`"));
        }
        for agent in &feature.agents {
            if let Some(owner) = &agent.owner {
                out.entry(owner.value.as_str())
                    .or_default()
                    .insert(format!("agent `{name}/{}`", agent.name.value));
            }
        }
    }
    out
}

/// A team's route: its pages to the pager, its tickets to chat. A team with only one of them
/// (or a chat that names no receiver) gets both severities there, so that nothing it owns is
/// dropped; a team with neither has no
/// route, which is an error when it owns something that alerts.
fn team_route(
    workspace: &Workspace,
    team: &Team,
    owns: Option<&BTreeSet<String>>,
) -> Result<Option<Value>, Box<Diagnostic>> {
    let pager = team.pager.as_ref().map(|p| p.value.clone());
    let chat = match &team.chat {
        Some(chat) => chat_receiver(workspace, chat)?.map(|r| r.name.value.clone()),
        None => None,
    };
    let (page, ticket) = match (pager, chat) {
        (Some(pager), Some(chat)) => (pager, chat),
        (Some(only), None) | (None, Some(only)) => (only.clone(), only),
        (None, None) => {
            return match owns {
                Some(owned) => Err(Box::new(
                    Diagnostic::error(
                        "missing-required",
                        team.name.span,
                        format!("team `{}` has no `oncall` receiver", team.name.value),
                    )
                    .with_label(format!(
                        "it owns {}, whose alerts would reach no one",
                        owned.iter().cloned().collect::<Vec<_>>().join(", ")
                    ))
                    .with_help("add `oncall pager=\"RECEIVER\" chat=\"RECEIVER\"` to the team"),
                )),
                None => Ok(None),
            };
        }
    };
    Ok(Some(json!({
        "receiver": ticket,
        "matchers": [matcher("owner", "=", &team.name.value)],
        "routes": [
            { "receiver": page, "matchers": [matcher("severity", "=", "page")] },
            { "receiver": ticket, "matchers": [matcher("severity", "=", "ticket")] },
        ],
    })))
}

/// The receiver a team's `chat=` names (see [`Workspace::chat_receivers`]). A chat that names
/// none is no receiver (the `team-chat-without-receiver` lint says so); one that names several
/// slack receivers is ambiguous.
fn chat_receiver<'w>(
    workspace: &'w Workspace,
    chat: &Spanned<String>,
) -> Result<Option<&'w Receiver>, Box<Diagnostic>> {
    match workspace.chat_receivers(&chat.value).as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        [first, others @ ..] => {
            let mut d = Diagnostic::error(
                "invalid-value",
                chat.span,
                format!("several slack receivers post to `{}`", chat.value),
            )
            .with_label("which one should tickets go to?")
            .with_secondary(first.name.span, "this one")
            .with_help("name the receiver instead of the channel: `chat=\"RECEIVER\"`");
            for other in others {
                d = d.with_secondary(other.name.span, "and this one");
            }
            Err(Box::new(d))
        }
    }
}
