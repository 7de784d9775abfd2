//! The hardened pod template every workload runs: non-root with a high UID, read-only root
//! filesystem, no privilege escalation, no capabilities, seccomp RuntimeDefault, requests and
//! limits, probes, no service-account token, the image by digest.

use gantry::ast::{EnvVar, Probe};
use gantry::values::Duration;
use serde_json::{Map, Value, json};

use super::output::Output;
use super::plan::ServicePlan;
use super::{flagd, labels};

/// The UID and GID pods run as: above 10000, so they never match a host user's.
pub const RUN_AS: u32 = 10001;
/// Requests when the spec gives none: enough for a small service to start, so that the scheduler
/// still accounts for it and the pod is not the first one evicted.
const DEFAULT_CPU: &str = "100m";
const DEFAULT_MEMORY: &str = "128Mi";
/// The probes every container with a port has, declared or not.
const DEFAULT_PROBES: [&str; 2] = ["readiness", "liveness"];

/// Where a read-only root filesystem still lets the program write scratch files.
const SCRATCH_DIR: &str = "/tmp";

pub fn pod_template(plan: &ServicePlan, out: &mut Output) -> Value {
    let mut metadata = json!({ "labels": pod_labels(plan) });
    if let Some(annotations) = super::monitoring::scrape_annotations(plan) {
        metadata["annotations"] = annotations;
    }
    let mut template = json!({
        "spec": {
            "serviceAccountName": plan.name,
            "automountServiceAccountToken": false,
            "securityContext": {
                "runAsNonRoot": true,
                "runAsUser": RUN_AS,
                "runAsGroup": RUN_AS,
                "fsGroup": RUN_AS,
                "seccompProfile": { "type": "RuntimeDefault" },
            },
            "volumes": volumes(plan),
        },
    });
    // Moved in: `json!` would copy them by serializing them.
    template["metadata"] = metadata;
    template["spec"]["containers"] = containers(plan, out);
    template
}

/// The app's container, and the flagd sidecar when the feature has flags to serve.
fn containers(plan: &ServicePlan, out: &mut Output) -> Value {
    let mut containers = vec![container(plan)];
    if flagd::wanted(plan) {
        containers.push(flagd::container(plan, out));
    }
    Value::Array(containers)
}

fn volumes(plan: &ServicePlan) -> Value {
    let mut volumes = vec![json!({ "name": "tmp", "emptyDir": {} })];
    if flagd::wanted(plan) {
        volumes.push(flagd::volume(plan));
    }
    Value::Array(volumes)
}

fn pod_labels(plan: &ServicePlan) -> Value {
    let mut labels = labels::common(plan.feature, &plan.name);
    if let Some(selector) = labels::selector(plan).as_object() {
        labels.extend(selector.clone());
    }
    Value::Object(labels)
}

fn container(plan: &ServicePlan) -> Value {
    let service = plan.service;
    let mut container = Map::new();
    container.insert("name".into(), json!(service.name.value));
    container.insert("image".into(), json!(image(plan)));
    // A tag can be pushed again; with a digest the node still checks it has those bytes.
    container.insert("imagePullPolicy".into(), json!("Always"));
    let ports = container_ports(plan);
    if !ports.is_empty() {
        container.insert("ports".into(), Value::Array(ports));
    }
    let mut env: Vec<Value> = service.env.iter().map(|e| env_var(plan, e)).collect();
    if flagd::wanted(plan) {
        // The spec's own value wins: it may point the SDK elsewhere on purpose.
        let own = |name: &Value| service.env.iter().any(|e| *name == e.name.value.as_str());
        env.extend(flagd::env().into_iter().filter(|v| !own(&v["name"])));
    }
    if !env.is_empty() {
        container.insert("env".into(), Value::Array(env));
    }
    container.insert("resources".into(), resources(plan));
    for probe in &service.probes {
        if let Some(value) = probe_value(plan, probe) {
            container.insert(format!("{}Probe", probe.kind.value), value);
        }
    }
    // Probed by default: a kind the spec does not declare is still watched, by whether the
    // service's port accepts connections (nothing about its paths is guessed).
    if let Some((_, port_name)) = &plan.port {
        for kind in DEFAULT_PROBES {
            container
                .entry(format!("{kind}Probe"))
                .or_insert_with(|| json!({ "tcpSocket": { "port": port_name } }));
        }
    }
    container.insert("securityContext".into(), hardened_security_context());
    container.insert(
        "volumeMounts".into(),
        json!([{ "name": "tmp", "mountPath": SCRATCH_DIR }]),
    );
    Value::Object(container)
}

/// `repo@sha256:…` when a digest is given: the tag only names what was reviewed, the digest is
/// what runs.
/// The security context of every container gantry writes: non-root, read-only root file
/// system, no privilege escalation, no capabilities, the runtime's default seccomp profile.
pub fn hardened_security_context() -> Value {
    json!({
        "runAsNonRoot": true,
        "runAsUser": RUN_AS,
        "runAsGroup": RUN_AS,
        "privileged": false,
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "capabilities": { "drop": ["ALL"] },
        "seccompProfile": { "type": "RuntimeDefault" },
    })
}

fn image(plan: &ServicePlan) -> String {
    let Some(image) = &plan.service.image else {
        return String::new();
    };
    image_reference(
        &image.reference.value,
        image.digest.as_ref().map(|d| d.value.as_str()),
    )
}

/// `repo@digest` when there is a digest, else the reference as given.
pub fn image_reference(reference: &str, digest: Option<&str>) -> String {
    match digest {
        Some(digest) => format!("{}@{}", repository(reference), digest),
        None => reference.to_string(),
    }
}

/// The reference without its tag or digest: a `:` after the last `/` starts the tag (one
/// before it is a registry's port).
fn repository(reference: &str) -> &str {
    let reference = reference.split('@').next().unwrap_or(reference);
    let name_start = reference.rfind('/').map_or(0, |i| i + 1);
    match reference[name_start..].find(':') {
        Some(colon) => &reference[..name_start + colon],
        None => reference,
    }
}

fn container_ports(plan: &ServicePlan) -> Vec<Value> {
    let mut ports = Vec::new();
    if let Some((number, name)) = &plan.port {
        ports.push(json!({ "name": name, "containerPort": number, "protocol": "TCP" }));
    }
    if let Some(metrics) = plan.metrics.as_ref().filter(|m| m.separate) {
        ports.push(json!({
            "name": metrics.port_name,
            "containerPort": metrics.number,
            "protocol": "TCP",
        }));
    }
    ports
}

/// A plain value, or a reference to the Secret `FEATURE-SECRET` that the platform syncs from
/// the secret's store: a secret's value never passes through gantry.
fn env_var(plan: &ServicePlan, env: &EnvVar) -> Value {
    match &env.secret {
        Some(secret) => json!({
            "name": env.name.value,
            "valueFrom": {
                "secretKeyRef": {
                    "name": format!("{}-{}", plan.namespace, secret.value),
                    "key": env.key.as_ref().map_or("value", |k| k.value.as_str()),
                },
            },
        }),
        None => json!({
            "name": env.name.value,
            "value": env.value.as_ref().map_or("", |v| v.value.as_str()),
        }),
    }
}

/// Limits default to the requests: a pod that may use more than it asked for is the one the
/// kernel kills when the node runs short.
fn resources(plan: &ServicePlan) -> Value {
    let r = plan.service.resources.as_ref();
    let cpu = r
        .and_then(|r| r.cpu.as_ref())
        .map_or(DEFAULT_CPU.to_string(), |c| format!("{}m", c.value.0));
    let memory = r
        .and_then(|r| r.memory.as_ref())
        .map_or(DEFAULT_MEMORY.to_string(), |m| m.value.text.clone());
    let cpu_limit = r
        .and_then(|r| r.cpu_limit.as_ref())
        .map_or(cpu.clone(), |c| format!("{}m", c.value.0));
    let memory_limit = r
        .and_then(|r| r.memory_limit.as_ref())
        .map_or(memory.clone(), |m| m.value.text.clone());
    json!({
        "requests": { "cpu": cpu, "memory": memory },
        "limits": { "cpu": cpu_limit, "memory": memory_limit },
    })
}

fn probe_value(plan: &ServicePlan, probe: &Probe) -> Option<Value> {
    let port = match (&probe.port, &plan.port) {
        (Some(number), _) => json!(number.value),
        (None, Some((_, name))) => json!(name),
        // A probe with no port to call was reported by `gantry::coherence`.
        (None, None) => return None,
    };
    let protocol = plan.port.as_ref().map_or("http", |(_, name)| name.as_str());
    let mut value = match protocol {
        "grpc" => json!({ "grpc": { "port": port_number(plan, probe) } }),
        "tcp" => json!({ "tcpSocket": { "port": port } }),
        _ => json!({
            "httpGet": {
                "path": probe.path.as_ref().map_or("/", |p| p.value.as_str()),
                "port": port,
            },
        }),
    };
    if let Some(period) = &probe.period {
        value["periodSeconds"] = json!(whole_seconds(period.value));
    }
    if let Some(timeout) = &probe.timeout {
        value["timeoutSeconds"] = json!(whole_seconds(timeout.value));
    }
    if let Some(threshold) = &probe.failure_threshold {
        value["failureThreshold"] = json!(threshold.value);
    }
    Some(value)
}

/// gRPC probes take a port number, not a name.
fn port_number(plan: &ServicePlan, probe: &Probe) -> u16 {
    probe
        .port
        .as_ref()
        .map(|p| p.value)
        .or(plan.port.as_ref().map(|p| p.0))
        .unwrap_or_default()
}

/// Probe timings are whole seconds, at least one.
fn whole_seconds(duration: Duration) -> u64 {
    duration.millis.div_ceil(1000).max(1)
}

#[cfg(test)]
mod tests {
    use super::repository;

    #[test]
    fn the_repository_drops_tag_and_digest_but_keeps_a_registry_port() {
        assert_eq!(
            repository("registry.acme.example/checkout-api:1.4.2"),
            "registry.acme.example/checkout-api"
        );
        assert_eq!(
            repository("localhost:5000/x/api:v1"),
            "localhost:5000/x/api"
        );
        assert_eq!(repository("localhost:5000/x/api"), "localhost:5000/x/api");
        assert_eq!(repository("api@sha256:00"), "api");
    }
}
