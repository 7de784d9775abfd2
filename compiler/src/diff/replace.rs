//! Fields whose change makes the system that runs an object destroy it and create it again:
//! Terraform's force-new attributes of the resources gantry emits, and Kubernetes' immutable
//! fields. A change to one of them is a **replace**, graded apart from an update.

use serde_json::Value;

use super::objects::Body;

/// The force-new attributes of the Terraform resource types gantry emits (hashicorp/aws).
const TERRAFORM: &[(&str, &[&str])] = &[
    (
        "aws_db_instance",
        &[
            "engine",
            "identifier",
            "identifier_prefix",
            "username",
            "db_name",
            "kms_key_id",
            "storage_encrypted",
            "availability_zone",
            "character_set_name",
        ],
    ),
    (
        "aws_rds_cluster",
        &[
            "engine",
            "cluster_identifier",
            "database_name",
            "master_username",
            "kms_key_id",
            "storage_encrypted",
            "availability_zones",
        ],
    ),
    (
        "aws_elasticache_replication_group",
        &[
            "replication_group_id",
            "engine",
            "at_rest_encryption_enabled",
            "subnet_group_name",
        ],
    ),
    (
        "aws_elasticache_cluster",
        &["cluster_id", "engine", "subnet_group_name"],
    ),
    ("aws_s3_bucket", &["bucket", "bucket_prefix"]),
    ("aws_dynamodb_table", &["name", "hash_key", "range_key"]),
    ("aws_secretsmanager_secret", &["name", "name_prefix"]),
    ("aws_iam_role", &["name", "name_prefix", "path"]),
    ("aws_iam_policy", &["name", "name_prefix", "path"]),
    ("aws_budgets_budget", &["name", "account_id"]),
];

/// Kubernetes fields the API server refuses to change: the object must be deleted and created.
const KUBERNETES: &[(&str, &[&str])] = &[
    ("Deployment", &["/spec/selector"]),
    ("Rollout", &["/spec/selector"]),
    (
        "StatefulSet",
        &[
            "/spec/selector",
            "/spec/serviceName",
            "/spec/volumeClaimTemplates",
        ],
    ),
    ("DaemonSet", &["/spec/selector"]),
    ("ReplicaSet", &["/spec/selector"]),
    ("Job", &["/spec/selector", "/spec/template"]),
    ("Service", &["/spec/clusterIP", "/spec/clusterIPs"]),
    (
        "PersistentVolumeClaim",
        &[
            "/spec/storageClassName",
            "/spec/accessModes",
            "/spec/volumeName",
            "/spec/selector",
        ],
    ),
    ("RoleBinding", &["/roleRef"]),
    ("ClusterRoleBinding", &["/roleRef"]),
];

/// The fields that force replacement between two versions of one object.
pub fn forced_fields(identity: &str, base: &Body, head: &Body) -> Vec<String> {
    match (base, head) {
        (Body::Hcl { attributes: a, .. }, Body::Hcl { attributes: b, .. }) => {
            let resource_type = identity.split('.').next().unwrap_or("");
            let Some((_, names)) = TERRAFORM.iter().find(|(t, _)| *t == resource_type) else {
                return Vec::new();
            };
            let value = |list: &[(String, String)], name: &str| {
                list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
            };
            names
                .iter()
                .filter(|n| value(a, n) != value(b, n))
                .map(|n| n.to_string())
                .collect()
        }
        (Body::Value(a), Body::Value(b)) => {
            let kind = a.get("kind").and_then(Value::as_str).unwrap_or("");
            let mut out: Vec<String> = KUBERNETES
                .iter()
                .filter(|(k, _)| *k == kind)
                .flat_map(|(_, pointers)| pointers.iter())
                .filter(|p| a.pointer(p) != b.pointer(p))
                .map(|p| p.trim_start_matches('/').replace('/', "."))
                .collect();
            // A ConfigMap or Secret marked immutable cannot take new data.
            if matches!(kind, "ConfigMap" | "Secret")
                && a.get("immutable") == Some(&Value::Bool(true))
                && (a.get("data") != b.get("data") || a.get("stringData") != b.get("stringData"))
            {
                out.push("data".to_string());
            }
            out
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hcl(pairs: &[(&str, &str)]) -> Body {
        Body::Hcl {
            text: String::new(),
            attributes: pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn an_engine_change_replaces_a_database_and_a_size_change_does_not() {
        let base = hcl(&[
            ("engine", "\"postgres\""),
            ("instance_class", "\"db.t4g.medium\""),
        ]);
        let engine = hcl(&[
            ("engine", "\"mysql\""),
            ("instance_class", "\"db.t4g.medium\""),
        ]);
        let size = hcl(&[
            ("engine", "\"postgres\""),
            ("instance_class", "\"db.r6g.large\""),
        ]);
        assert_eq!(
            forced_fields("aws_db_instance.orders", &base, &engine),
            ["engine"]
        );
        assert!(forced_fields("aws_db_instance.orders", &base, &size).is_empty());
    }

    #[test]
    fn a_new_selector_replaces_a_deployment() {
        let a = json!({"kind": "Deployment", "spec": {"selector": {"matchLabels": {"app": "a"}}, "replicas": 1}});
        let b = json!({"kind": "Deployment", "spec": {"selector": {"matchLabels": {"app": "b"}}, "replicas": 1}});
        let c = json!({"kind": "Deployment", "spec": {"selector": {"matchLabels": {"app": "a"}}, "replicas": 2}});
        assert_eq!(
            forced_fields("x", &Body::Value(a.clone()), &Body::Value(b)),
            ["spec.selector"]
        );
        assert!(forced_fields("x", &Body::Value(a), &Body::Value(c)).is_empty());
    }
}
