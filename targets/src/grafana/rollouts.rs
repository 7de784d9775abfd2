//! Per service that the kubernetes target deploys as an Argo Rollout (a canary or blue-green
//! deploy), its rollout state from the Argo Rollouts controller's own metrics: the phase
//! (`rollout_info`, one series labelled with the current phase) and the replicas it wants, has
//! updated to the new version and has available (`rollout_info_replicas_*`). The Rollout is
//! `FEATURE-SERVICE` in namespace `FEATURE`, as the kubernetes target names it.

use gantry::ast::{Feature, Service};

use super::panels::{Grid, Panel, query};
use crate::promql::escape;

/// The services of a feature that run as Argo Rollouts, with their strategy.
pub fn rollout_services(feature: &Feature) -> Vec<(&Service, &str)> {
    feature
        .services
        .iter()
        .filter_map(|service| {
            let strategy = feature
                .deploy_for(&service.name.value)?
                .strategy
                .as_ref()?
                .value
                .as_str();
            matches!(strategy, "canary" | "blue-green").then_some((service, strategy))
        })
        .collect()
}

pub fn place(grid: &mut Grid, feature: &Feature) {
    let services = rollout_services(feature);
    if services.is_empty() {
        return;
    }
    grid.row("Rollouts");
    for (service, strategy) in services {
        let service_name = &service.name.value;
        let feature_name = &feature.name.value;
        let selector = format!(
            "{{namespace=\"{}\", name=\"{}\"}}",
            escape(feature_name),
            escape(&format!("{feature_name}-{service_name}"))
        );
        grid.place(
            Panel::new("stat", format!("{service_name}: {strategy} phase"), 6, 6)
                .describe(
                    "The Rollout's phase as the Argo Rollouts controller reports it: Healthy, Progressing, Paused or Degraded.",
                )
                .query(query(
                    format!("max by (phase) (rollout_info{selector})"),
                    "{{phase}}",
                ))
                .show_name(),
        );
        grid.place(
            Panel::new("timeseries", format!("{service_name}: {strategy} replicas"), 18, 6)
                .describe(
                    "Replicas the Rollout wants, has moved to the new version, and has available. While a rollout progresses, updated climbs towards desired; a rollback drops it.",
                )
                .query(query(
                    format!("rollout_info_replicas_desired{selector}"),
                    "desired",
                ))
                .query(query(
                    format!("rollout_info_replicas_updated{selector}"),
                    "updated",
                ))
                .query(query(
                    format!("rollout_info_replicas_available{selector}"),
                    "available",
                )),
        );
    }
}
