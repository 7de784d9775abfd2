//! The flagd sidecar that serves a feature's flag ConfigMap to every service of the feature, on
//! `localhost`, where OpenFeature's flagd providers look by default. With
//! `flags provider="openfeature-operator"` the operator injects flagd itself: no sidecar.
//!
//! Ports, arguments and health paths are flagd's own defaults (flagd docs: `flagd start`
//! reference and "Monitoring"): evaluation on 8013, management on 8014 with `/healthz`
//! (liveness) and `/readyz` (readiness, 412 until the flags are loaded).

use serde_json::{Value, json};

use super::flags::FLAGS_KEY;
use super::output::Output;
use super::plan::ServicePlan;
use super::workload::{hardened_security_context, image_reference};

/// The flagd image when the workspace's `flags` node gives none: flagd release v0.16.1
/// (2026-07-23), pinned by tag and by the digest of its multi-arch manifest on ghcr.io.
pub const DEFAULT_IMAGE: &str = "ghcr.io/open-feature/flagd:v0.16.1";
pub const DEFAULT_DIGEST: &str =
    "sha256:9525b3c2916183810f93f0a72774c1dfad48d1ae22852c753719c46db80af5e7";

pub use gantry::coherence::pods::{
    FLAGD_EVALUATION_PORT as EVALUATION_PORT, FLAGD_MANAGEMENT_PORT as MANAGEMENT_PORT,
};
/// Where the flag ConfigMap is mounted, read-only.
pub const MOUNT_DIR: &str = "/etc/flagd";
pub const VOLUME: &str = "flagd-flags";
pub const CONTAINER: &str = "flagd";
/// flagd is a small Go binary serving a few flags from memory.
const CPU: &str = "50m";
const MEMORY: &str = "64Mi";

/// Whether the service's pods get a flagd sidecar: its feature has flags, and no operator
/// injects flagd instead.
pub fn wanted(plan: &ServicePlan) -> bool {
    gantry::coherence::pods::runs_flagd_sidecar(plan.model.workspace, plan.feature)
}

/// The ConfigMap the flags are in (see `flags::objects`).
pub fn config_map_name(plan: &ServicePlan) -> String {
    format!("{}-flags", plan.feature.name.value)
}

/// `repo@digest` of the workspace's image, or of the pinned default.
fn image(plan: &ServicePlan) -> String {
    let workspace = &plan.model.workspace;
    let reference = workspace
        .flags_image
        .as_ref()
        .map_or(DEFAULT_IMAGE, |i| i.value.as_str());
    let digest = match (&workspace.flags_image, &workspace.flags_digest) {
        (_, Some(digest)) => Some(digest.value.as_str()),
        (None, None) => Some(DEFAULT_DIGEST),
        (Some(_), None) => None,
    };
    image_reference(reference, digest)
}

/// The sidecar container, hardened like the app's.
pub fn container(plan: &ServicePlan, out: &mut Output) -> Value {
    gantry::coherence::pods::flagd_ports(plan.feature, plan.service, &mut |d| out.error(d));
    let probe = |path: &str| json!({ "httpGet": { "path": path, "port": MANAGEMENT_PORT } });
    json!({
        "name": CONTAINER,
        "image": image(plan),
        "imagePullPolicy": "Always",
        "args": ["start", "--uri", format!("file:{MOUNT_DIR}/{FLAGS_KEY}")],
        "ports": [
            { "name": "flagd", "containerPort": EVALUATION_PORT, "protocol": "TCP" },
            { "name": "flagd-mgmt", "containerPort": MANAGEMENT_PORT, "protocol": "TCP" },
        ],
        "resources": {
            "requests": { "cpu": CPU, "memory": MEMORY },
            "limits": { "cpu": CPU, "memory": MEMORY },
        },
        "livenessProbe": probe("/healthz"),
        "readinessProbe": probe("/readyz"),
        "securityContext": hardened_security_context(),
        "volumeMounts": [{ "name": VOLUME, "mountPath": MOUNT_DIR, "readOnly": true }],
    })
}

/// The pod volume holding the flags.
pub fn volume(plan: &ServicePlan) -> Value {
    json!({ "name": VOLUME, "configMap": { "name": config_map_name(plan) } })
}

/// The variables OpenFeature's flagd providers read to find flagd.
pub fn env() -> [Value; 2] {
    [
        json!({ "name": "FLAGD_HOST", "value": "localhost" }),
        json!({ "name": "FLAGD_PORT", "value": EVALUATION_PORT.to_string() }),
    ]
}
