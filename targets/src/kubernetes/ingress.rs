//! A service's Ingress, when the spec says `expose host= path=`: one rule for that host and path
//! prefix, served over TLS with the certificate Secret `FEATURE-SERVICE-tls`. Issuing that
//! certificate is the platform's job (e.g. cert-manager): gantry names the Secret and never
//! holds a key.

use serde_json::{Value, json};

use super::labels;
use super::output::Output;
use super::plan::ServicePlan;

/// The IngressClass when the workspace's `ingress` node names none: ingress-nginx's.
pub const DEFAULT_CLASS: &str = "nginx";
/// Where the ingress controller runs when the workspace's `ingress` node does not say:
/// ingress-nginx's namespace.
pub const DEFAULT_NAMESPACE: &str = "ingress-nginx";
/// The path an exposed service takes when the spec gives none.
const DEFAULT_PATH: &str = "/";

/// The workspace's IngressClass, or the default.
pub fn class<'m>(plan: &ServicePlan<'m>) -> &'m str {
    let workspace = &plan.model.workspace;
    workspace
        .ingress_class
        .as_ref()
        .map_or(DEFAULT_CLASS, |c| c.value.as_str())
}

/// The namespace the ingress controller's pods run in, which exposed services' NetworkPolicies
/// admit.
pub fn controller_namespace<'m>(plan: &ServicePlan<'m>) -> &'m str {
    let workspace = &plan.model.workspace;
    workspace
        .ingress_namespace
        .as_ref()
        .map_or(DEFAULT_NAMESPACE, |n| n.value.as_str())
}

/// The certificate Secret of an exposed service.
pub fn tls_secret(plan: &ServicePlan) -> String {
    format!("{}-tls", plan.name)
}

/// The Ingress of an exposed service. Its backend is the main Service: for a blue-green deploy
/// that is the active Service; for a canary it selects the pods of both versions, and with no
/// traffic router Argo Rollouts splits traffic by replica count, so outside traffic reaches the
/// canary at its step's weight like traffic from inside the cluster.
pub fn ingress(plan: &ServicePlan, out: &mut Output) -> Option<Value> {
    let expose = plan.service.expose.as_ref()?;
    let host = expose.host.as_ref()?;
    let Some((port, _)) = &plan.port else {
        gantry::coherence::pods::exposed_without_port(plan.service, &mut |d| out.error(d));
        return None;
    };
    let path = expose
        .path
        .as_ref()
        .map_or(DEFAULT_PATH, |p| p.value.as_str());
    Some(json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": labels::metadata(plan, &plan.name),
        "spec": {
            "ingressClassName": class(plan),
            "tls": [{ "hosts": [host.value], "secretName": tls_secret(plan) }],
            "rules": [{
                "host": host.value,
                "http": {
                    "paths": [{
                        "path": path,
                        "pathType": "Prefix",
                        "backend": {
                            "service": { "name": plan.name, "port": { "number": port } },
                        },
                    }],
                },
            }],
        },
    }))
}
