//! What the kubernetes target would refuse about a service's pod: a port the flagd sidecar
//! already listens on, and an exposed service with no port for its Ingress to route to.

use crate::ast::{Feature, Service, Workspace};
use crate::diagnostics::Diagnostic;

/// flagd's evaluation port (gRPC and HTTP), which the app's SDK calls.
pub const FLAGD_EVALUATION_PORT: u16 = 8013;
/// flagd's management port: health, readiness and metrics.
pub const FLAGD_MANAGEMENT_PORT: u16 = 8014;

/// Whether the feature's pods get a flagd sidecar: the feature has flags, and no OpenFeature
/// operator injects flagd instead.
pub fn runs_flagd_sidecar(workspace: &Workspace, feature: &Feature) -> bool {
    let operator = workspace
        .flags_provider
        .as_ref()
        .is_some_and(|p| p.value == "openfeature-operator");
    !feature.flags.is_empty() && !operator
}

/// Containers of a pod share its network: the app cannot listen where flagd does.
pub fn flagd_ports(feature: &Feature, service: &Service, report: &mut impl FnMut(Diagnostic)) {
    let service_port = service.port.as_ref().map(|p| &p.number);
    let metrics_port = feature
        .telemetry
        .as_ref()
        .and_then(|t| t.metrics.as_ref())
        .and_then(|m| m.port.as_ref());
    for port in service_port.into_iter().chain(metrics_port) {
        if port.value == FLAGD_EVALUATION_PORT || port.value == FLAGD_MANAGEMENT_PORT {
            report(
                Diagnostic::error(
                    "invalid-value",
                    port.span,
                    format!(
                        "port {} is the flagd sidecar's, which runs beside this service because its feature has flags",
                        port.value
                    ),
                )
                .with_label("taken by flagd")
                .with_help(format!(
                    "use a port other than {FLAGD_EVALUATION_PORT} and {FLAGD_MANAGEMENT_PORT}"
                )),
            );
        }
    }
}

/// An Ingress sends outside traffic to the service's port: an exposed service needs one.
pub fn exposed_without_port(service: &Service, report: &mut impl FnMut(Diagnostic)) {
    let Some(expose) = &service.expose else {
        return;
    };
    if service.port.is_some() || service.port_invalid || expose.host.is_none() {
        return;
    }
    report(
        Diagnostic::error(
            "invalid-value",
            expose.span,
            "the service is exposed, but has no `port` for the Ingress to send traffic to",
        )
        .with_label("nothing to route to")
        .with_help("give the service a `port`"),
    );
}

/// Both checks, on every service of the feature.
pub fn check_feature(
    workspace: &Workspace,
    feature: &Feature,
    report: &mut impl FnMut(Diagnostic),
) {
    let sidecar = runs_flagd_sidecar(workspace, feature);
    for service in &feature.services {
        if sidecar {
            flagd_ports(feature, service, report);
        }
        exposed_without_port(service, report);
    }
}
