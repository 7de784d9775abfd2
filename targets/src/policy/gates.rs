//! `gates.rego`: package `gantry.gates` (Rego v1). Given the change set of `gantry diff --format
//! json` as input, `allow` says whether it may merge and `missing` lists the approvals it still
//! needs, decided from the features' gates, which the package embeds as data (serialized JSON,
//! so no spec string is spliced into the policy's code).

use std::collections::BTreeMap;

use gantry::model::Model;
use serde_json::{Value, json};

use super::{Approver, irreversible_approvers, reversible_approvers};

/// The package's text.
pub fn rego(model: &Model) -> String {
    let features: BTreeMap<&str, Value> = model
        .features
        .iter()
        .map(|f| {
            (
                f.name.value.as_str(),
                json!({
                    "reversible": needs(&reversible_approvers(f)),
                    "irreversible": needs(&irreversible_approvers(f)),
                }),
            )
        })
        .collect();
    let teams: BTreeMap<&str, Value> = model
        .workspace
        .teams
        .iter()
        .map(|t| {
            let approvers: Vec<&str> = t.approvers.iter().map(|a| a.value.as_str()).collect();
            (t.name.value.as_str(), json!({ "approvers": approvers }))
        })
        .collect();
    let data = |value: &BTreeMap<&str, Value>| {
        serde_json::to_value(value)
            .ok()
            .and_then(|v| gantry::build::render_json(&v).ok())
            .map_or_else(|| "{}".to_string(), |text| text.trim_end().to_string())
    };
    format!(
        "{HEAD}\n# Per feature, the approvals its changes of each risk tier need, from its gates.\nfeatures := {}\n\n# Per team, the people whose approval counts for it (none listed: anyone's).\nteams := {}\n\n{RULES}",
        data(&features),
        data(&teams),
    )
}

fn needs(approvers: &[Approver]) -> Vec<Value> {
    approvers
        .iter()
        .map(|a| json!({ "team": a.team, "count": a.count, "reason": a.reason }))
        .collect()
}

const HEAD: &str = "\
# The deploy gates. Input: the change set of `gantry diff --format json`. A reversible change
# passes automated review unless its feature's reversible gate names approvers; an irreversible
# change needs the approvals its feature's irreversible gate names (without one, its owner's).
# An approval counts once per person (`by`), or once per entry when `by` is empty; it never
# counts when it comes from the change's author, nor when its team lists approvers that do not
# include `by`. When an agent authored the change, only approvals that name a human count.
package gantry.gates

import rego.v1
";

const RULES: &str = r#"default allow := false

allow if count(missing) == 0

# The approvals the change set still lacks, one entry per team.
missing contains entry if {
	some team in {need.team | some need in needs}
	required := max({need.count | some need in needs; need.team == team})
	have := count(approvals(team))
	have < required
	entry := {
		"team": team,
		"count": required,
		"have": have,
		"changes": sort({need.change | some need in needs; need.team == team}),
		"reason": concat("; ", sort({need.reason | some need in needs; need.team == team})),
	}
}

# What each change needs, from its feature's gate for its risk tier.
needs contains need if {
	some change in input.changes
	some rule in requirements(change)
	need := {
		"team": rule.team,
		"count": rule.count,
		"change": change.id,
		"reason": concat("", [rule.reason, author_note(change)]),
	}
}

requirements(change) := features[change.feature].reversible if change.risk == "reversible"

# Anything not graded reversible is treated as irreversible.
requirements(change) := irreversible(change.feature) if change.risk != "reversible"

irreversible(feature) := features[feature].irreversible if {
	count(features[feature].irreversible) > 0
} else := [{
	"team": "",
	"count": 1,
	"reason": sprintf("feature %q names no team to approve its irreversible changes in this policy's spec", [feature]),
}]

author_note(change) := " (an agent authored it: only approvals naming a human approver count)" if {
	input.author.kind == "agent"
	change.risk != "reversible"
} else := ""

# The distinct approvals that count for a team.
approvals(team) := {key |
	some i, approval in input.approvals
	approval.team == team
	by := object.get(approval, "by", "")
	counts(team, by)
	key := approval_key(i, by)
}

approval_key(_, by) := by if by != ""

approval_key(i, by) := sprintf("entry %d", [i]) if by == ""

counts(team, by) if {
	by != ""
	by != object.get(input.author, "name", "")
	listed(team, by)
}

counts(_, by) if {
	by == ""
	object.get(input.author, "kind", "human") != "agent"
}

# Only the workspace's teams approve; one that lists no approvers takes anyone's approval.
listed(team, _) if count(teams[team].approvers) == 0

listed(team, by) if by in teams[team].approvers
"#;
