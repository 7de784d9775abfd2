//! Datastores: postgres and mysql as RDS instances, redis as an ElastiCache replication group,
//! s3 as a bucket. Encrypted, private, protected from deletion and backed up by default;
//! multi-AZ when the feature's tier is `critical`. No password appears anywhere: RDS manages
//! the master password in Secrets Manager, and agents connect with IAM authentication.

use gantry::ast::{Backup, Datastore};
use gantry::coherence::aws_names;
use gantry::coherence::datastores::{self as checked, Kind};
use gantry::coherence::sizes::Service;
use gantry::diagnostics::Diagnostic;
use hcl::expr::Expression;

use super::hcl::{BlockBuilder, literal, literals, reference};
use super::module::{Context, Module, Variable};
use super::names;

/// Backups kept when the spec has no `backup retention-days=`.
pub const DEFAULT_RETENTION_DAYS: u32 = 7;

/// The Terraform resource type of a kind of datastore, and of its data source for other
/// features' references.
pub fn resource_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Postgres | Kind::Mysql => "aws_db_instance",
        Kind::Redis => "aws_elasticache_replication_group",
        Kind::S3 => "aws_s3_bucket",
    }
}

/// The AWS name of a datastore of `feature` (RDS identifier, replication group id, bucket).
pub fn aws_name(cx: &Context, feature: &str, datastore: &Datastore) -> Result<String, Diagnostic> {
    aws_names::datastore(
        &cx.model.workspace.name.value,
        cx.environment(),
        feature,
        datastore,
    )
}

pub fn emit(cx: &Context, module: &mut Module, datastore: &Datastore) {
    let Some(kind) = Kind::of(datastore) else {
        return;
    };
    let identifier = match aws_name(cx, cx.feature_name(), datastore) {
        Ok(identifier) => identifier,
        Err(d) => {
            module.diagnostics.push(d);
            return;
        }
    };
    let label = names::label(&[cx.feature_name(), &datastore.name.value]);
    let result = match kind {
        Kind::Postgres | Kind::Mysql => sql(cx, module, datastore, kind, &identifier, &label),
        Kind::Redis => redis(cx, module, datastore, &identifier, &label),
        Kind::S3 => {
            s3(module, datastore, &identifier, &label);
            Ok(())
        }
    };
    if let Err(mut found) = result {
        module.diagnostics.append(&mut found);
    }
}

/// The engine of an RDS datastore.
struct Engine {
    name: &'static str,
    default_version: &'static str,
    logs: &'static [&'static str],
    /// The parameter that refuses unencrypted connections, and its value.
    tls: (&'static str, &'static str),
}

const POSTGRES: Engine = Engine {
    name: "postgres",
    default_version: "16",
    logs: &["postgresql", "upgrade"],
    tls: ("rds.force_ssl", "1"),
};

const MYSQL: Engine = Engine {
    name: "mysql",
    default_version: "8.0",
    // `audit` needs an option group with the audit plugin, which the spec does not ask for.
    logs: &["error", "general", "slowquery"],
    tls: ("require_secure_transport", "1"),
};

impl Engine {
    /// The parameter group family of a version: `postgres16`, `mysql8.0`.
    fn family(&self, version: &str) -> String {
        let mut parts = version.split('.');
        let major = parts.next().unwrap_or(version);
        if self.name == "mysql" {
            let minor = parts.next().unwrap_or("0");
            format!("mysql{major}.{minor}")
        } else {
            format!("postgres{major}")
        }
    }
}

fn retention(backup: Option<&Backup>) -> u32 {
    backup
        .and_then(|b| b.retention_days.as_ref())
        .map_or(DEFAULT_RETENTION_DAYS, |d| d.value)
}

/// Collects the errors of several independent checks.
fn all<T>(results: Vec<Result<T, Diagnostic>>) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(v) => ok.push(v),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

fn sql(
    cx: &Context,
    module: &mut Module,
    datastore: &Datastore,
    kind: Kind,
    identifier: &str,
    label: &str,
) -> Result<(), Vec<Diagnostic>> {
    let engine = if kind == Kind::Mysql {
        &MYSQL
    } else {
        &POSTGRES
    };
    // The check has reported each of these: a build stops before it reaches the target.
    let class = checked::instance_class(datastore, Service::Rds);
    let storage = checked::storage_gb(datastore);
    let version = datastore.version.as_ref().map_or(
        Ok(engine.default_version.to_string()),
        checked::engine_version,
    );
    let window = checked::backup_window(datastore.backup.as_ref());
    let (class, storage, version, window) = match (class, storage, version, window) {
        (Ok(c), Ok(s), Ok(v), Ok(w)) => (c, s, v, w),
        (c, s, v, w) => {
            return Err(
                all(vec![c.map(drop), s.map(drop), v.map(drop), w.map(drop)])
                    .err()
                    .unwrap_or_default(),
            );
        }
    };

    let mut parameters = BlockBuilder::new("resource", &["aws_db_parameter_group", label])
        .attr("name", literal(identifier))
        .attr("family", literal(&engine.family(&version)))
        .attr(
            "description",
            literal(&format!(
                "{} {} of feature {}: encrypted connections only",
                engine.name,
                datastore.name.value,
                cx.feature_name()
            )),
        );
    let mut settings = vec![engine.tls];
    if kind == Kind::Postgres {
        // Schema changes are logged (they are the irreversible ones); statements with data in
        // them are not, so a `contains-pii` database does not copy personal data into logs.
        settings.push(("log_statement", "ddl"));
        settings.push(("log_min_duration_statement", "-1"));
    }
    for (name, value) in settings {
        parameters = parameters.block(
            BlockBuilder::new("parameter", &[])
                .attr("name", literal(name))
                .attr("value", literal(value))
                .build(),
        );
    }
    module.resources.push(parameters.build());

    let monitoring = monitoring_role(cx, module);
    let retention = retention(datastore.backup.as_ref());
    let db = BlockBuilder::new("resource", &["aws_db_instance", label])
        .attr("identifier", literal(identifier))
        .attr("engine", literal(engine.name))
        .attr("engine_version", literal(&version))
        .attr("instance_class", literal(&class))
        .attr("allocated_storage", u64::from(storage))
        .attr("storage_type", literal("gp3"))
        .attr("storage_encrypted", true)
        .attr("username", literal("dbadmin"))
        .attr("manage_master_user_password", true)
        .attr("iam_database_authentication_enabled", true)
        .attr(
            "parameter_group_name",
            reference(&format!("aws_db_parameter_group.{label}.name")),
        )
        .attr("db_subnet_group_name", module.var(Variable::DbSubnetGroup))
        .attr(
            "vpc_security_group_ids",
            module.var(Variable::DbSecurityGroups),
        )
        .attr("publicly_accessible", false)
        .attr("multi_az", cx.critical)
        .attr("deletion_protection", true)
        .attr("backup_retention_period", u64::from(retention))
        .attr_opt("backup_window", window.as_deref().map(literal))
        .attr("copy_tags_to_snapshot", true)
        .attr("skip_final_snapshot", false)
        .attr(
            "final_snapshot_identifier",
            literal(&format!("{identifier}-final")),
        )
        .attr(
            "enabled_cloudwatch_logs_exports",
            literals(engine.logs.iter().copied()),
        )
        .attr("auto_minor_version_upgrade", true)
        .attr("ca_cert_identifier", literal("rds-ca-rsa2048-g1"))
        .attr("performance_insights_enabled", true)
        .attr("monitoring_interval", 60u64)
        .attr("monitoring_role_arn", monitoring)
        .build();
    module.resources.push(db);

    let name = &datastore.name.value;
    module.output(
        &format!("{label}_arn"),
        &format!("The ARN of database {name}."),
        reference(&format!("aws_db_instance.{label}.arn")),
    );
    module.output(
        &format!("{label}_endpoint"),
        &format!("The host:port of database {name}."),
        reference(&format!("aws_db_instance.{label}.endpoint")),
    );
    module.output(
        &format!("{label}_master_user_secret_arn"),
        &format!("The Secrets Manager secret RDS keeps the master password of {name} in."),
        reference(&format!(
            "aws_db_instance.{label}.master_user_secret.0.secret_arn"
        )),
    );
    Ok(())
}

/// The role RDS enhanced monitoring publishes OS metrics with, one per feature.
fn monitoring_role(cx: &Context, module: &mut Module) -> Expression {
    if !module.monitoring_role {
        module.monitoring_role = true;
        let partition = module.current(super::module::Current::Partition);
        let trust = BlockBuilder::new("data", &["aws_iam_policy_document", "monitoring_assume"])
            .block(
                BlockBuilder::new("statement", &[])
                    .attr("sid", literal("RdsEnhancedMonitoring"))
                    .attr("effect", literal("Allow"))
                    .attr("actions", literals(["sts:AssumeRole"]))
                    .block(
                        BlockBuilder::new("principals", &[])
                            .attr("type", literal("Service"))
                            .attr("identifiers", literals(["monitoring.rds.amazonaws.com"]))
                            .build(),
                    )
                    .build(),
            )
            .build();
        module.resources.push(trust);
        module.resources.push(
            BlockBuilder::new("resource", &["aws_iam_role", "monitoring"])
                .attr(
                    "name",
                    literal(&format!(
                        "{}-rds-monitoring-{}",
                        cx.feature_name(),
                        cx.environment()
                    )),
                )
                .attr(
                    "assume_role_policy",
                    reference("data.aws_iam_policy_document.monitoring_assume.json"),
                )
                .build(),
        );
        module.resources.push(
            BlockBuilder::new(
                "resource",
                &["aws_iam_role_policy_attachment", "monitoring"],
            )
            .attr("role", reference("aws_iam_role.monitoring.name"))
            .attr(
                "policy_arn",
                super::hcl::call(
                    "format",
                    vec![
                        literal(
                            "arn:%s:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
                        ),
                        partition,
                    ],
                ),
            )
            .build(),
        );
    }
    reference("aws_iam_role.monitoring.arn")
}

fn redis(
    cx: &Context,
    module: &mut Module,
    datastore: &Datastore,
    identifier: &str,
    label: &str,
) -> Result<(), Vec<Diagnostic>> {
    let class = checked::instance_class(datastore, Service::ElastiCache);
    let version = datastore
        .version
        .as_ref()
        .map(checked::engine_version)
        .transpose();
    let window = checked::backup_window(datastore.backup.as_ref());
    let (class, version, window) = match (class, version, window) {
        (Ok(c), Ok(v), Ok(w)) => (c, v, w),
        (c, v, w) => {
            return Err(all(vec![c.map(drop), v.map(drop), w.map(drop)])
                .err()
                .unwrap_or_default());
        }
    };
    // ElastiCache keeps snapshots for at most 35 days, as RDS does; the schema bounds the spec.
    let retention = retention(datastore.backup.as_ref());
    let group = BlockBuilder::new("resource", &["aws_elasticache_replication_group", label])
        .attr("replication_group_id", literal(identifier))
        .attr(
            "description",
            literal(&format!(
                "redis {} of feature {}",
                datastore.name.value,
                cx.feature_name()
            )),
        )
        .attr("engine", literal("redis"))
        .attr_opt("engine_version", version.as_deref().map(literal))
        .attr("node_type", literal(&class))
        .attr("num_cache_clusters", if cx.critical { 2u64 } else { 1 })
        .attr("automatic_failover_enabled", cx.critical)
        .attr("multi_az_enabled", cx.critical)
        .attr("at_rest_encryption_enabled", true)
        .attr("transit_encryption_enabled", true)
        .attr("subnet_group_name", module.var(Variable::CacheSubnetGroup))
        .attr(
            "security_group_ids",
            module.var(Variable::CacheSecurityGroups),
        )
        .attr("snapshot_retention_limit", u64::from(retention))
        .attr_opt("snapshot_window", window.as_deref().map(literal))
        .attr(
            "final_snapshot_identifier",
            literal(&format!("{identifier}-final")),
        )
        .attr("auto_minor_version_upgrade", true)
        .build();
    module.resources.push(group);
    let name = &datastore.name.value;
    module.output(
        &format!("{label}_arn"),
        &format!("The ARN of cache {name}."),
        reference(&format!("aws_elasticache_replication_group.{label}.arn")),
    );
    module.output(
        &format!("{label}_endpoint"),
        &format!("The primary endpoint of cache {name}."),
        reference(&format!(
            "aws_elasticache_replication_group.{label}.primary_endpoint_address"
        )),
    );
    Ok(())
}

fn s3(module: &mut Module, datastore: &Datastore, bucket: &str, label: &str) {
    let id = reference(&format!("aws_s3_bucket.{label}.id"));
    let resource =
        |kind: &str| BlockBuilder::new("resource", &[kind, label]).attr("bucket", id.clone());
    module.resources.push(
        BlockBuilder::new("resource", &["aws_s3_bucket", label])
            .attr("bucket", literal(bucket))
            .attr("force_destroy", false)
            .build(),
    );
    module.resources.push(
        resource("aws_s3_bucket_public_access_block")
            .attr("block_public_acls", true)
            .attr("block_public_policy", true)
            .attr("ignore_public_acls", true)
            .attr("restrict_public_buckets", true)
            .build(),
    );
    module.resources.push(
        resource("aws_s3_bucket_server_side_encryption_configuration")
            .block(
                BlockBuilder::new("rule", &[])
                    .block(
                        BlockBuilder::new("apply_server_side_encryption_by_default", &[])
                            .attr("sse_algorithm", literal("aws:kms"))
                            .build(),
                    )
                    .attr("bucket_key_enabled", true)
                    .build(),
            )
            .build(),
    );
    module.resources.push(
        resource("aws_s3_bucket_versioning")
            .block(
                BlockBuilder::new("versioning_configuration", &[])
                    .attr("status", literal("Enabled"))
                    .build(),
            )
            .build(),
    );
    let log_bucket = module.var(Variable::AccessLogBucket);
    module.resources.push(
        resource("aws_s3_bucket_logging")
            .attr("target_bucket", log_bucket)
            .attr("target_prefix", literal(&format!("{bucket}/")))
            .build(),
    );
    // Versioning keeps every overwritten object; abandoned multipart uploads would be kept
    // (and billed) forever too. Neither rule expires current data.
    module.resources.push(
        resource("aws_s3_bucket_lifecycle_configuration")
            .block(
                BlockBuilder::new("rule", &[])
                    .attr("id", literal("abort-incomplete-uploads"))
                    .attr("status", literal("Enabled"))
                    .block(BlockBuilder::new("filter", &[]).build())
                    .block(
                        BlockBuilder::new("abort_incomplete_multipart_upload", &[])
                            .attr("days_after_initiation", 7u64)
                            .build(),
                    )
                    .build(),
            )
            .build(),
    );
    let name = &datastore.name.value;
    module.output(
        &format!("{label}_arn"),
        &format!("The ARN of bucket {name}."),
        reference(&format!("aws_s3_bucket.{label}.arn")),
    );
    module.output(
        &format!("{label}_bucket"),
        &format!("The name of bucket {name}."),
        id,
    );
}
