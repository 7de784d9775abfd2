//! What every object of one service needs to agree on: its names, its deploy strategy, who owns
//! its replica count, and its ports.

use gantry::ast::{Deploy, Feature, Service};
use gantry::model::{Model, TierDefaults};

/// How a service's new versions reach traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Rolling,
    Canary,
    BlueGreen,
}

impl Strategy {
    pub fn of(deploy: Option<&Deploy>) -> Strategy {
        match deploy
            .and_then(|d| d.strategy.as_ref())
            .map(|s| s.value.as_str())
        {
            Some("canary") => Strategy::Canary,
            Some("blue-green") => Strategy::BlueGreen,
            _ => Strategy::Rolling,
        }
    }

    /// Whether the workload is an Argo Rollout rather than a Deployment.
    pub fn is_rollout(self) -> bool {
        self != Strategy::Rolling
    }
}

/// The Kubernetes name of a feature's service: `checkout-api`.
pub fn object_name(feature: &str, service: &str) -> String {
    format!("{feature}-{service}")
}

/// The port the service's metrics are scraped on, and whether it is a port of its own.
#[derive(Debug, Clone)]
pub struct MetricsPort {
    pub number: u16,
    pub path: String,
    /// The name of the container and Service port: `metrics`, or the main port's name when the
    /// metrics are served on the main port.
    pub port_name: String,
    pub separate: bool,
    pub interval: Option<String>,
}

pub struct ServicePlan<'m> {
    pub model: &'m Model<'m>,
    pub feature: &'m Feature,
    pub service: &'m Service,
    pub deploy: Option<&'m Deploy>,
    pub strategy: Strategy,
    pub tier: Option<&'m TierDefaults>,
    /// `checkout-api`: the workload, its Service, ServiceAccount, HPA, PDB and NetworkPolicy.
    pub name: String,
    pub namespace: &'m str,
    pub replicas_min: u32,
    pub replicas_max: u32,
    /// The main port: its number and name (`http`, `grpc`, `tcp`).
    pub port: Option<(u16, String)>,
    pub metrics: Option<MetricsPort>,
}

impl<'m> ServicePlan<'m> {
    pub fn new(model: &'m Model<'m>, feature: &'m Feature, service: &'m Service) -> Self {
        let deploy = feature.deploy_for(&service.name.value);
        let replicas = service.replicas.as_ref();
        let replicas_min = replicas.and_then(|r| r.min.as_ref()).map_or(1, |m| m.value);
        let replicas_max = replicas
            .and_then(|r| r.max.as_ref())
            .map_or(replicas_min, |m| m.value)
            .max(replicas_min);
        let port = service.port.as_ref().map(|p| {
            let name = p
                .protocol
                .as_ref()
                .map_or("http", |p| p.value.as_str())
                .to_string();
            (p.number.value, name)
        });
        let metrics = feature
            .telemetry
            .as_ref()
            .and_then(|t| t.metrics.as_ref())
            .and_then(|m| {
                let number = m
                    .port
                    .as_ref()
                    .map(|p| p.value)
                    .or(port.as_ref().map(|p| p.0))?;
                let separate = port.as_ref().is_none_or(|p| p.0 != number);
                let port_name = match &port {
                    Some((main, name)) if *main == number => name.clone(),
                    _ => "metrics".to_string(),
                };
                Some(MetricsPort {
                    number,
                    path: m
                        .path
                        .as_ref()
                        .map_or("/metrics", |p| p.value.as_str())
                        .to_string(),
                    port_name,
                    separate,
                    interval: m
                        .interval
                        .as_ref()
                        .map(|i| super::rollout::go_duration(i.value)),
                })
            });
        ServicePlan {
            model,
            feature,
            service,
            deploy,
            strategy: Strategy::of(deploy),
            tier: model.tiers.get(&feature.name.value),
            name: object_name(&feature.name.value, &service.name.value),
            namespace: &feature.name.value,
            replicas_min,
            replicas_max,
            port,
            metrics,
        }
    }

    /// An HPA owns the replica count when the range leaves it room.
    pub fn has_hpa(&self) -> bool {
        self.replicas_max > self.replicas_min
    }

    /// The Services of this service, by role: the main one, then a canary's or blue-green's own.
    pub fn service_names(&self) -> Vec<(ServiceRole, String)> {
        let mut names = vec![(ServiceRole::Main, self.name.clone())];
        match self.strategy {
            Strategy::Canary => {
                names.push((ServiceRole::Canary, format!("{}-canary", self.name)));
                names.push((ServiceRole::Stable, format!("{}-stable", self.name)));
            }
            Strategy::BlueGreen => {
                names.push((ServiceRole::Preview, format!("{}-preview", self.name)));
            }
            Strategy::Rolling => {}
        }
        names
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceRole {
    Main,
    Canary,
    Stable,
    Preview,
}

impl ServiceRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceRole::Main => "main",
            ServiceRole::Canary => "canary",
            ServiceRole::Stable => "stable",
            ServiceRole::Preview => "preview",
        }
    }
}
