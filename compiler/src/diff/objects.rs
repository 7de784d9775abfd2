//! The objects of an output tree, each under the identity the system that runs it knows it by
//! (DESIGN §7a): Kubernetes `apiVersion/kind/namespace/name`, Prometheus group + record or alert
//! name, Terraform resource address, Cedar policy `@id`, flagd flag key, runbook path; anything
//! else is its file. Objects are recognised by their content, so a new target's files are
//! compared object by object as soon as they hold objects of a known kind.

use std::collections::BTreeMap;

use serde_json::Value;

use super::hcl;
use crate::artifact::Content;
use crate::build::render_yaml;

/// One object of the output tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub environment: String,
    pub target: String,
    /// The identity within its environment and target.
    pub identity: String,
    /// The file it is in, relative to `OUTPUT/ENV/TARGET/`.
    pub path: String,
    /// The feature it belongs to: the first folder of its path, when it is one.
    pub feature: Option<String>,
    /// The risk-table kind its changes are graded as when no spec entity explains them.
    pub kind: &'static str,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Value(Value),
    Text(String),
    /// A Terraform block, with its own attributes for force-new checks.
    Hcl {
        text: String,
        attributes: Vec<(String, String)>,
    },
}

impl Object {
    /// `ENV/TARGET:IDENTITY`: unique in a tree.
    pub fn key(&self) -> String {
        format!("{}/{}:{}", self.environment, self.target, self.identity)
    }

    /// `TARGET:IDENTITY`: how a change names the objects it touched.
    pub fn reference(&self) -> String {
        format!("{}:{}", self.target, self.identity)
    }
}

/// Every object of the tree, by [`Object::key`].
pub type Objects = BTreeMap<String, Object>;

/// The objects of one file of `ENV/TARGET/`, recognised by their content.
pub fn split(
    environment: &str,
    target: &str,
    path: &str,
    content: &Content,
    features: &dyn Fn(&str) -> bool,
    out: &mut Objects,
) {
    if let Content::Serialized(text) = content {
        // Compared as the values it holds, like a file of this path read back from disk.
        let parsed = parse_file(path, text);
        if !matches!(parsed, Content::Text(_)) {
            return split(environment, target, path, &parsed, features, out);
        }
    }
    let feature = path
        .split_once('/')
        .map(|(first, _)| first)
        .filter(|f| features(f))
        .map(str::to_string);
    let mut push = |identity: String, kind: &'static str, body: Body| {
        let mut object = Object {
            environment: environment.to_string(),
            target: target.to_string(),
            identity,
            path: path.to_string(),
            feature: feature.clone(),
            kind,
            body,
        };
        // Two objects with one identity (a rule name repeated in a group) stay apart.
        let base = object.identity.clone();
        let mut n = 2;
        while out.contains_key(&object.key()) {
            object.identity = format!("{base}#{n}");
            n += 1;
        }
        out.insert(object.key(), object);
    };
    match content {
        Content::Yaml(docs) => {
            for (i, doc) in docs.iter().enumerate() {
                let fallback = if docs.len() == 1 {
                    path.to_string()
                } else {
                    format!("{path}#{}", i + 1)
                };
                split_document(doc, fallback, target, &mut push);
            }
        }
        Content::Json(doc) => split_document(doc, path.to_string(), target, &mut push),
        Content::Text(text) | Content::Serialized(text) => {
            let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
            match extension {
                "tf" => match hcl::blocks(text) {
                    Some(blocks) => {
                        for block in blocks {
                            let kind = terraform_kind(&block.address);
                            push(
                                block.address,
                                kind,
                                Body::Hcl {
                                    text: block.text,
                                    attributes: block.attributes,
                                },
                            );
                        }
                    }
                    None => push(path.to_string(), "infrastructure", Body::Text(text.clone())),
                },
                "cedar" => {
                    for (id, policy) in cedar_policies(text) {
                        push(
                            id.unwrap_or_else(|| path.to_string()),
                            "policy",
                            Body::Text(policy),
                        );
                    }
                }
                _ => push(
                    path.to_string(),
                    kind_of_file(target, path),
                    Body::Text(text.clone()),
                ),
            }
        }
    }
}

fn split_document(
    doc: &Value,
    fallback: String,
    target: &str,
    push: &mut dyn FnMut(String, &'static str, Body),
) {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    if let (Some(api), Some(kind), Some(name)) = (
        text(doc, "apiVersion"),
        text(doc, "kind"),
        doc.get("metadata").and_then(|m| text(m, "name")),
    ) {
        let namespace = doc.get("metadata").and_then(|m| text(m, "namespace"));
        let identity = match &namespace {
            Some(ns) => format!("{api}/{kind}/{ns}/{name}"),
            None => format!("{api}/{kind}/{name}"),
        };
        if kind == "PrometheusRule"
            && let Some(groups) = doc.pointer("/spec/groups")
        {
            // The rules are the objects Prometheus runs; the wrapper only carries them.
            split_rule_groups(groups, &format!("{identity}/"), push);
            let mut wrapper = doc.clone();
            if let Some(spec) = wrapper.get_mut("spec").and_then(Value::as_object_mut) {
                spec.remove("groups");
            }
            push(identity, "alert", Body::Value(wrapper));
            return;
        }
        push(
            identity,
            kubernetes_kind(&kind, doc),
            Body::Value(doc.clone()),
        );
        return;
    }
    if let Some(groups) = doc.get("groups").filter(|g| g.is_array()) {
        split_rule_groups(groups, "", push);
        return;
    }
    if let Some(flags) = doc.get("flags").and_then(Value::as_object) {
        for (key, flag) in flags {
            push(format!("flag/{key}"), "flag", Body::Value(flag.clone()));
        }
        return;
    }
    push(
        fallback.clone(),
        kind_of_file(target, &fallback),
        Body::Value(doc.clone()),
    );
}

fn split_rule_groups(
    groups: &Value,
    prefix: &str,
    push: &mut dyn FnMut(String, &'static str, Body),
) {
    for group in groups.as_array().into_iter().flatten() {
        let name = group.get("name").and_then(Value::as_str).unwrap_or("");
        for rule in group
            .get("rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (rule_name, kind) = match (rule.get("alert"), rule.get("record")) {
                (Some(Value::String(alert)), _) => (alert.as_str(), "alert"),
                (_, Some(Value::String(record))) => (record.as_str(), "slo"),
                _ => ("rule", "alert"),
            };
            push(
                format!("{prefix}{name}/{rule_name}"),
                kind,
                Body::Value(rule.clone()),
            );
        }
    }
}

/// The risk-table kind of a Kubernetes object.
fn kubernetes_kind(kind: &str, doc: &Value) -> &'static str {
    match kind {
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => "rbac",
        "Secret" | "ExternalSecret" | "SecretStore" => "secret",
        "FeatureFlag" | "FeatureFlagSource" => "flag",
        "ConfigMap"
            if doc
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.ends_with("-flags")) =>
        {
            "flag"
        }
        "PrometheusRule" => "alert",
        "ServiceMonitor" | "PodMonitor" => "telemetry",
        "AnalysisTemplate" | "Rollout" => "deploy",
        "NetworkPolicy" | "Namespace" | "PersistentVolumeClaim" => "service",
        _ => "service",
    }
}

/// The risk-table kind of a Terraform block.
fn terraform_kind(address: &str) -> &'static str {
    let resource = address.strip_prefix("data.").unwrap_or(address);
    if resource.starts_with("aws_iam_") {
        "iam"
    } else if resource.starts_with("aws_secretsmanager_") {
        "secret"
    } else if resource.starts_with("aws_budgets_") {
        "budget"
    } else if resource.starts_with("aws_db_")
        || resource.starts_with("aws_rds_")
        || resource.starts_with("aws_elasticache_")
        || resource.starts_with("aws_s3_")
        || resource.starts_with("aws_dynamodb_")
    {
        "datastore"
    } else {
        // Providers, backends, anything else: the risk table grades it by default.
        "infrastructure"
    }
}

/// The risk-table kind of a file that holds no object gantry knows.
fn kind_of_file(target: &str, path: &str) -> &'static str {
    match target {
        "runbooks" => "runbook",
        "grafana" => "dashboard",
        "alertmanager" | "prometheus" => "alert",
        "agents" => "agent",
        "policy" => "policy",
        "kubernetes" => "service",
        _ if path.ends_with(".md") => "runbook",
        _ => "infrastructure",
    }
}

/// Cedar policies, each with its `@id("…")` annotation when it has one. A policy ends at the
/// `;` that closes it, outside strings.
fn cedar_policies(text: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !in_string && current.trim().is_empty() && trimmed.starts_with("//") {
            continue;
        }
        for c in line.chars() {
            current.push(c);
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
            } else if c == '"' {
                in_string = true;
            } else if c == ';' {
                let policy = std::mem::take(&mut current).trim().to_string();
                out.push((cedar_id(&policy), policy));
            }
        }
    }
    if !current.trim().is_empty() {
        out.push((None, current.trim().to_string()));
    }
    out
}

fn cedar_id(policy: &str) -> Option<String> {
    let start = policy.find("@id(\"")? + 5;
    let rest = policy.get(start..)?;
    let end = rest.find("\")")?;
    rest.get(..end).map(str::to_string)
}

/// The text an object is compared and shown as: YAML for values, its own text otherwise.
pub fn serialized(body: &Body) -> String {
    match body {
        Body::Value(value) => render_yaml(std::slice::from_ref(value)).unwrap_or_default(),
        Body::Text(text) | Body::Hcl { text, .. } => {
            let mut text = text.clone();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        }
    }
}

/// A file of an output folder read back into content: YAML and JSON parsed, the rest as text.
/// `None` when a YAML or JSON file does not parse (it is then compared as text).
pub fn parse_file(path: &str, text: &str) -> Content {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    match extension {
        "yaml" | "yml" => match serde_saphyr::from_multiple::<Value>(text) {
            Ok(docs) => Content::Yaml(docs.into_iter().filter(|d| !d.is_null()).collect()),
            Err(_) => Content::Text(text.to_string()),
        },
        "json" => match serde_json::from_str(text) {
            Ok(doc) => Content::Json(doc),
            Err(_) => Content::Text(text.to_string()),
        },
        _ => Content::Text(strip_header(text)),
    }
}

/// A generated text file without its first line when that line is gantry's header, so that a
/// spec moving to another file does not change every page.
fn strip_header(text: &str) -> String {
    match text.split_once('\n') {
        Some((first, rest)) if first.contains("Generated by gantry") => rest.to_string(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn objects(target: &str, path: &str, content: Content) -> Vec<(String, &'static str)> {
        let mut out = Objects::new();
        split(
            "prod",
            target,
            path,
            &content,
            &|f| f == "checkout",
            &mut out,
        );
        out.values()
            .map(|o| {
                assert_eq!(o.feature.as_deref(), Some("checkout"));
                (o.reference(), o.kind)
            })
            .collect()
    }

    #[test]
    fn kubernetes_objects_are_known_by_api_kind_namespace_and_name() {
        let doc = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "checkout-api", "namespace": "checkout"}});
        assert_eq!(
            objects(
                "kubernetes",
                "checkout/deployment.yaml",
                Content::Yaml(vec![doc])
            ),
            [(
                "kubernetes:apps/v1/Deployment/checkout/checkout-api".to_string(),
                "service"
            )]
        );
    }

    #[test]
    fn rule_files_and_prometheus_rules_split_into_rules() {
        let groups = json!([{"name": "g", "rules": [
            {"record": "slo:objective:ratio", "expr": "vector(1)"},
            {"record": "slo:objective:ratio", "expr": "vector(2)"},
            {"alert": "Down", "expr": "up == 0"}]}]);
        assert_eq!(
            objects(
                "prometheus",
                "checkout/rules.yaml",
                Content::Yaml(vec![json!({"groups": groups})])
            ),
            [
                ("prometheus:g/Down".to_string(), "alert"),
                ("prometheus:g/slo:objective:ratio".to_string(), "slo"),
                ("prometheus:g/slo:objective:ratio#2".to_string(), "slo"),
            ]
        );
        let wrapped = json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
            "metadata": {"name": "checkout", "namespace": "checkout"}, "spec": {"groups": groups}});
        let got = objects(
            "kubernetes",
            "checkout/rules.yaml",
            Content::Yaml(vec![wrapped]),
        );
        assert_eq!(got.len(), 4);
        assert!(got.iter().any(|(r, _)| r
            == "kubernetes:monitoring.coreos.com/v1/PrometheusRule/checkout/checkout/g/Down"));
    }

    #[test]
    fn terraform_cedar_and_flags_split_by_their_own_names() {
        let tf = "resource \"aws_iam_role\" \"bot\" {\n  name = \"bot\"\n}\nresource \"aws_db_instance\" \"orders\" {\n  engine = \"postgres\"\n}\n";
        assert_eq!(
            objects("terraform", "checkout/main.tf", Content::Text(tf.into())),
            [
                ("terraform:aws_db_instance.orders".to_string(), "datastore"),
                ("terraform:aws_iam_role.bot".to_string(), "iam")
            ]
        );
        let cedar = "// header\n@id(\"checkout.deploy-bot.allow.0\")\npermit (principal, action, resource) when { resource.note == \"a;b\" };\nforbid (principal, action, resource);\n";
        assert_eq!(
            objects(
                "policy",
                "checkout/agents.cedar",
                Content::Text(cedar.into())
            ),
            [
                ("policy:checkout.deploy-bot.allow.0".to_string(), "policy"),
                ("policy:checkout/agents.cedar".to_string(), "policy")
            ]
        );
        let flags = json!({"flags": {"new-flow": {"state": "ENABLED"}}});
        assert_eq!(
            objects("kubernetes", "checkout/flags.json", Content::Json(flags)),
            [("kubernetes:flag/new-flow".to_string(), "flag")]
        );
    }

    #[test]
    fn folders_read_back_into_the_same_content() {
        let text = "# Generated by gantry. Do not edit.\na: 1\n---\nb: two\n";
        assert_eq!(
            parse_file("x.yaml", text),
            Content::Yaml(vec![json!({"a": 1}), json!({"b": "two"})])
        );
        assert_eq!(
            parse_file(
                "x.md",
                "<!-- Generated by gantry from a.kdl. -->\n# Title\n"
            ),
            Content::Text("# Title\n".into())
        );
    }

    #[test]
    fn a_document_the_target_serialized_splits_like_its_value() {
        let flags = json!({"flags": {"checkout.new-flow": {"state": "ENABLED"}}});
        let text = crate::build::render_yaml(std::slice::from_ref(&flags)).expect("yaml");
        let as_value = objects(
            "kubernetes",
            "checkout/flags.yaml",
            Content::Yaml(vec![flags]),
        );
        assert_eq!(
            as_value,
            [("kubernetes:flag/checkout.new-flow".to_string(), "flag")]
        );
        assert_eq!(
            objects(
                "kubernetes",
                "checkout/flags.yaml",
                Content::Serialized(text)
            ),
            as_value
        );
    }
}
