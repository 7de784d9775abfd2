//! The alertmanager target (DESIGN §5): one `alertmanager.yaml` per environment that routes every
//! alert by its `owner` label to the owner team's route, and there by `severity`: `page` to the
//! team's `oncall pager=` receiver, `ticket` to its `chat=` receiver. Alerts are grouped by
//! feature, SLO and alert name; a ticket alert of an SLO is inhibited while a page alert of the
//! same feature and SLO fires; alerts of no known team go to the default receiver.
//!
//! The config is built as a `serde_json::Value` and serialized by the writer. The receivers
//! and each team's route to them are read by `gantry::coherence::receivers`, which the check
//! runs too: what the Alertmanager would refuse is found before a build reaches this target.

use std::collections::{BTreeMap, BTreeSet};

use gantry::artifact::{Artifact, Content};
use gantry::ast::{Team, Workspace};
use gantry::coherence::receivers;
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use serde_json::{Map, Value, json};

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

    let mut configs = BTreeMap::new();
    for receiver in &workspace.receivers {
        match receivers::config(receiver) {
            Ok(Some(config)) => {
                let fields: Map<String, Value> = config
                    .fields
                    .iter()
                    .map(|(field, value)| ((*field).to_string(), json!(value)))
                    .collect();
                let mut out = Map::new();
                out.insert("name".into(), json!(receiver.name.value));
                out.insert(config.kind.configs.into(), json!([fields]));
                configs.insert(receiver.name.value.clone(), Value::Object(out));
            }
            Ok(None) => {}
            Err(mut e) => errors.append(&mut e),
        }
    }
    configs
        .entry(DEFAULT_RECEIVER.to_string())
        .or_insert_with(|| json!({ "name": DEFAULT_RECEIVER }));

    let owning = receivers::owning_teams(model.features.iter().map(|f| &**f));
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
        "receivers": configs.into_values().collect::<Vec<_>>(),
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

/// A team's route: its pages to the pager, its tickets to chat (see
/// [`receivers::team_receivers`]). A team with no receiver has no route, which is an error when
/// it owns something that alerts.
fn team_route(
    workspace: &Workspace,
    team: &Team,
    owns: Option<&BTreeSet<String>>,
) -> Result<Option<Value>, Box<Diagnostic>> {
    let Some((page, ticket)) = receivers::team_receivers(workspace, team)? else {
        return match owns {
            Some(owned) => Err(Box::new(receivers::without_oncall(team, owned))),
            None => Ok(None),
        };
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
