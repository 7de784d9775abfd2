//! Validation of emitted objects against the JSON Schemas vendored in stdlib/schemas.

use std::collections::BTreeMap;
use std::path::PathBuf;

use jsonschema::{Retrieve, Uri, Validator};
use serde_json::{Value, json};

fn schemas_dir() -> PathBuf {
    super::repo_root().join("stdlib/schemas")
}

fn load(relative: &str) -> Value {
    let path = schemas_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("a schema is JSON")
}

/// Serves the Kubernetes schemas' `/api/_definitions.json` and flagd's targeting schema from
/// the vendored files: nothing is fetched.
struct Vendored;

impl Retrieve for Vendored {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri.path().as_str();
        if path.ends_with("/_definitions.json") {
            Ok(load("kubernetes-v1.37-strict/_definitions.json"))
        } else if path.ends_with("/targeting.json") {
            Ok(load("flagd/targeting.json"))
        } else {
            Err(format!("no vendored schema for {uri}").into())
        }
    }
}

/// The schema file of each (apiVersion, kind) gantry emits.
const SCHEMAS: &[(&str, &str, &str)] = &[
    (
        "v1",
        "Namespace",
        "kubernetes-v1.37-strict/namespace-v1.json",
    ),
    (
        "v1",
        "ServiceAccount",
        "kubernetes-v1.37-strict/serviceaccount-v1.json",
    ),
    ("v1", "Service", "kubernetes-v1.37-strict/service-v1.json"),
    (
        "v1",
        "ConfigMap",
        "kubernetes-v1.37-strict/configmap-v1.json",
    ),
    (
        "apps/v1",
        "Deployment",
        "kubernetes-v1.37-strict/deployment-apps-v1.json",
    ),
    (
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        "kubernetes-v1.37-strict/horizontalpodautoscaler-autoscaling-v2.json",
    ),
    (
        "policy/v1",
        "PodDisruptionBudget",
        "kubernetes-v1.37-strict/poddisruptionbudget-policy-v1.json",
    ),
    (
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "kubernetes-v1.37-strict/networkpolicy-networking-v1.json",
    ),
    (
        "networking.k8s.io/v1",
        "Ingress",
        "kubernetes-v1.37-strict/ingress-networking-v1.json",
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "Role",
        "kubernetes-v1.37-strict/role-rbac-v1.json",
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        "kubernetes-v1.37-strict/rolebinding-rbac-v1.json",
    ),
    (
        "argoproj.io/v1alpha1",
        "Rollout",
        "crds/argoproj.io/rollout_v1alpha1.json",
    ),
    (
        "argoproj.io/v1alpha1",
        "AnalysisTemplate",
        "crds/argoproj.io/analysistemplate_v1alpha1.json",
    ),
    (
        "core.openfeature.dev/v1beta1",
        "FeatureFlag",
        "crds/core.openfeature.dev/featureflag_v1beta1.json",
    ),
    (
        "monitoring.coreos.com/v1",
        "ServiceMonitor",
        "crds/monitoring.coreos.com/servicemonitor_v1.json",
    ),
    (
        "monitoring.coreos.com/v1",
        "PrometheusRule",
        "crds/monitoring.coreos.com/prometheusrule_v1.json",
    ),
];

pub struct Schemas {
    validators: BTreeMap<String, Validator>,
}

impl Schemas {
    pub fn new() -> Schemas {
        let mut validators = BTreeMap::new();
        for (api_version, kind, file) in SCHEMAS {
            validators.insert(format!("{api_version}/{kind}"), compile(&load(file)));
        }
        validators.insert("flagd".into(), compile(&load("flagd/flags.json")));
        Schemas { validators }
    }

    /// Every schema error of an object, and of what it embeds: a Rollout's pod template checked
    /// as a Deployment's (the Rollout CRD leaves it open), a flags ConfigMap's flagd JSON.
    pub fn errors(&self, object: &Value) -> Vec<String> {
        let key = format!(
            "{}/{}",
            object["apiVersion"].as_str().unwrap_or(""),
            object["kind"].as_str().unwrap_or("")
        );
        let Some(validator) = self.validators.get(&key) else {
            return vec![format!("no schema for {key}")];
        };
        let mut errors = messages(validator, object, "");
        if key == "argoproj.io/v1alpha1/Rollout" {
            let as_deployment = json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": object["metadata"],
                "spec": {
                    "selector": object["spec"]["selector"],
                    "template": object["spec"]["template"],
                },
            });
            errors.extend(messages(
                &self.validators["apps/v1/Deployment"],
                &as_deployment,
                "pod template: ",
            ));
        }
        if let Some(text) = object["data"]["flags.flagd.json"].as_str() {
            match serde_json::from_str::<Value>(text) {
                Ok(flags) => errors.extend(messages(&self.validators["flagd"], &flags, "flagd: ")),
                Err(e) => errors.push(format!("flagd JSON does not parse: {e}")),
            }
        }
        errors
    }
}

fn compile(schema: &Value) -> Validator {
    jsonschema::options()
        .with_retriever(Vendored)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema compiles: {e}"))
}

fn messages(validator: &Validator, value: &Value, prefix: &str) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{prefix}{e} at {}", e.instance_path()))
        .collect()
}
