//! Helpers for the unit tests of rules: check a spec in a small workspace and see what a rule
//! flagged.

use crate::check::{Input, check_files};

/// A workspace with the team `payments` (and its pager), plus `extra` inside the workspace node
/// (risk rows, caps, lint settings).
pub fn workspace_with(extra: &str) -> String {
    format!(
        "workspace \"w\" {{\n    team \"payments\" {{ oncall pager=\"pager\"; }}\n    receiver \"pager\" kind=\"pagerduty\" routing-key-file=\"/etc/alertmanager/pager\"\n    {extra}\n}}\n"
    )
}

/// The text under the primary span of every diagnostic of `rule` when `spec` is checked in
/// `workspace`.
pub fn flagged(rule: &str, workspace: String, spec: String) -> Vec<String> {
    let checked = check_files(
        Input {
            name: "gantry.kdl".to_string(),
            text: workspace.into(),
        },
        vec![Input {
            name: "shop.kdl".to_string(),
            text: spec.into(),
        }],
    );
    checked
        .diagnostics
        .iter()
        .filter(|d| d.id == rule)
        .map(|d| checked.sources.text(d.primary.span).to_string())
        .collect()
}
