//! The grafana target (DESIGN §5): per feature one dashboard `FEATURE/dashboard.json` in
//! Grafana's classic dashboard JSON model (what "Import dashboard" and file provisioning
//! accept): per SLO its compliance, error budget left and burn rate per alert window; per
//! canary or blue-green service its rollout phase and replicas; per agent its spend against each
//! budget, cost per task, runs by outcome, task success, guardrail actions and denied tool calls.
//!
//! The SLO panels read the Sloth recording rules of the prometheus target, so the dashboard, the
//! alerts and the canary analysis agree by construction; the agent panels read the runtime's
//! metrics of DESIGN §6 directly. Every label value from a spec is escaped for its PromQL
//! string. The data source is the dashboard's `${datasource}` variable (any Prometheus).

mod agents;
mod panels;
mod rollouts;
mod slo;

use gantry::artifact::{Artifact, Content, Sink};
use gantry::ast::Feature;
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use serde_json::{Value, json};

use panels::Grid;

/// The version of the dashboard JSON model the dashboards are written in.
pub const SCHEMA_VERSION: u32 = 39;

/// The dashboard's uid: stable across builds and environments, so links to it keep working.
/// Feature names are DNS labels of at most 63 characters; Grafana allows uids of 40, so a long
/// name is cut and keeps a hash of the whole to stay unique.
pub fn dashboard_uid(feature: &str) -> String {
    const MAX: usize = 40;
    let uid = format!("gantry-{feature}");
    if uid.len() <= MAX {
        return uid;
    }
    let hash = format!("{:08x}", fnv1a(feature.as_bytes()));
    let keep = MAX - hash.len() - 1;
    let cut: String = uid.chars().take(keep).collect();
    format!("{cut}-{hash}")
}

/// FNV-1a, folded to 32 bits: a stable hash that needs no dependency.
fn fnv1a(bytes: &[u8]) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash ^ (hash >> 32)) as u32
}

/// The dashboard's path, relative to the grafana target's folder of an environment.
pub fn dashboard_path(feature: &str) -> String {
    format!("{feature}/dashboard.json")
}

/// Every artifact of the grafana target.
pub fn emit(model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    crate::Emit::Streamed(stream).collect(model)
}

/// The grafana target's entry point: a dashboard per feature.
pub fn stream(model: &Model, out: Sink<'_>) -> Result<(), Vec<Diagnostic>> {
    for feature in &model.features {
        out(Artifact {
            path: dashboard_path(&feature.name.value),
            content: Content::Json(dashboard(model, feature)),
            sources: vec![model.file_name(feature).to_string()],
            origin: Some(feature.name.span),
        });
    }
    Ok(())
}

fn dashboard(model: &Model, feature: &Feature) -> Value {
    let name = &feature.name.value;
    let mut grid = Grid::default();
    for slo in &feature.slos {
        slo::place(&mut grid, model, feature, slo);
    }
    rollouts::place(&mut grid, feature);
    for agent in &feature.agents {
        agents::place(&mut grid, feature, agent);
    }
    let mut tags = vec![
        "gantry".to_string(),
        format!("feature:{name}"),
        format!("env:{}", model.environment),
    ];
    if let Some(owner) = &feature.owner {
        tags.push(format!("team:{}", owner.value));
    }
    let description = feature.description.as_ref().map_or_else(
        || format!("Feature {name}: its SLOs, rollouts and agents."),
        |d| d.value.clone(),
    );
    let mut dashboard = json!({
        "id": null,
        "uid": dashboard_uid(name),
        "title": format!("{name} ({})", model.environment),
        "description": description,
        "tags": tags,
        "editable": false,
        "graphTooltip": 1,
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "timezone": "utc",
        "time": { "from": "now-7d", "to": "now" },
        "refresh": "1m",
        "links": [],
        "annotations": { "list": [] },
        "templating": { "list": [{
            "name": "datasource",
            "label": "Data source",
            "type": "datasource",
            "query": "prometheus",
            "current": {},
            "hide": 0,
            "refresh": 1,
            "regex": "",
            "options": [],
            "includeAll": false,
            "multi": false,
        }]},
    });
    // Moved in: `json!` would copy the panels by serializing them.
    dashboard["panels"] = Value::Array(grid.into_panels());
    dashboard
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_fit_grafanas_limit_and_stay_distinct() {
        assert_eq!(dashboard_uid("checkout"), "gantry-checkout");
        let long_a = "a".repeat(63);
        let long_b = format!("{}b", "a".repeat(62));
        let (a, b) = (dashboard_uid(&long_a), dashboard_uid(&long_b));
        assert!(a.len() <= 40 && b.len() <= 40, "{a} {b}");
        assert_ne!(a, b);
        assert_eq!(a, dashboard_uid(&long_a));
    }
}
