//! Agents' IAM roles: an agent that may act on a `datastore:` or `secret:` resource (one that
//! AWS holds) gets a role whose inline policy allows exactly the actions its `allow` rules name
//! on exactly those resources' ARNs, and denies what its `deny` rules name. No action or
//! resource is ever `*`. Sessions last at most the agent's credentials ttl (within AWS's bounds),
//! and a permissions boundary that the platform owns caps the role whatever the spec says.
//!
//! | action | postgres / mysql | redis | s3 | secret (aws-secretsmanager) |
//! |---|---|---|---|---|
//! | read | `rds-db:connect` as FEATURE_AGENT_read | `elasticache:Connect` | `s3:GetObject`, `s3:ListBucket` | `secretsmanager:GetSecretValue`, `DescribeSecret` |
//! | write | `rds-db:connect` as FEATURE_AGENT_write | `elasticache:Connect` | `s3:PutObject` | `secretsmanager:PutSecretValue` |
//! | migrate | `rds-db:connect` as FEATURE_AGENT_migrate | — | — | — |
//! | rollback | — | — | — | `secretsmanager:UpdateSecretVersionStage` |
//! | delete | `rds:DeleteDBInstance` | `elasticache:DeleteReplicationGroup` | `s3:DeleteObject`, `s3:DeleteBucket` | `secretsmanager:DeleteSecret` |
//!
//! An action with no AWS meaning on a kind (`deploy` on a database) gives no statement: the
//! Cedar policy decides it. Vault secrets are not AWS's, and give no statement either.

use std::collections::BTreeMap;

use gantry::ast::{Agent, AgentRule, Effect};
use gantry::values::{ResourceKind, Target};
use hcl::Block;
use hcl::expr::Expression;

use gantry::coherence::aws_names;
use gantry::coherence::datastores::Kind;

use super::datastores;
use super::hcl::{BlockBuilder, call, literal, literals, object, reference};
use super::module::{Context, Current, Module, Variable};
use super::names;

/// AWS's bounds on a role's maximum session: one to twelve hours.
pub const MIN_SESSION_SECONDS: u64 = 3_600;
pub const MAX_SESSION_SECONDS: u64 = 43_200;

/// A resource AWS holds that a rule names.
struct Cloud {
    kind: CloudKind,
    feature: String,
    name: String,
    /// The Terraform address that holds its attributes: `aws_db_instance.checkout_orders` in
    /// its own feature, `data.aws_db_instance.payments_ledger` in another.
    address: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CloudKind {
    Sql { mysql: bool },
    Redis,
    S3,
    Secret,
}

/// One statement of the agent's policy.
struct Statement {
    effect: Effect,
    actions: Vec<&'static str>,
    resources: Vec<Expression>,
}

pub fn emit(cx: &Context, module: &mut Module, agent: &Agent) {
    // What the statements declare is taken back when the agent gets no role after all.
    let (current, lookups) = (module.current.clone(), module.lookups.clone());
    let mut statements: BTreeMap<String, Statement> = BTreeMap::new();
    let mut db_users: BTreeMap<String, String> = BTreeMap::new();
    for rule in &agent.rules {
        for resource in &rule.resources {
            let kind = resource.value.kind;
            if !matches!(kind, ResourceKind::Datastore | ResourceKind::Secret) {
                continue;
            }
            for target in resolve(cx, module, kind, &resource.value.target) {
                let grants = grants(cx, module, agent, rule, &target);
                for (suffix, actions, resources, user) in grants {
                    let sid = names::camel(&[
                        effect_word(rule.effect),
                        &rule.action.value,
                        kind.as_str(),
                        &target.feature,
                        &target.name,
                        suffix,
                    ]);
                    if let Some(user) = user
                        && rule.effect == Effect::Allow
                    {
                        db_users.insert(format!("{}/{}", target.feature, target.name), user);
                    }
                    statements.insert(
                        sid,
                        Statement {
                            effect: rule.effect,
                            actions,
                            resources,
                        },
                    );
                }
            }
        }
    }
    if !statements.values().any(|s| s.effect == Effect::Allow) {
        module.current = current;
        module.lookups = lookups;
        return;
    }
    let label = names::label(&[cx.feature_name(), &agent.name.value]);
    let role_name = names::role(format!(
        "{}-{}-{}",
        cx.feature_name(),
        agent.name.value,
        cx.environment()
    ));
    let description = description(cx, agent);

    let trust = trust_policy(cx, module, agent, &label);
    module.resources.push(trust);
    let mut policy = BlockBuilder::new("data", &["aws_iam_policy_document", &label]);
    for (sid, statement) in statements {
        policy = policy.block(
            BlockBuilder::new("statement", &[])
                .attr("sid", literal(&sid))
                .attr("effect", literal(effect_word(statement.effect)))
                .attr("actions", literals(statement.actions.iter().copied()))
                .attr("resources", Expression::Array(statement.resources))
                .build(),
        );
    }
    module.resources.push(policy.build());
    let boundary = module.var(Variable::PermissionsBoundary);
    module.resources.push(
        BlockBuilder::new("resource", &["aws_iam_role", &label])
            .attr("name", literal(&role_name))
            .attr("description", literal(&description))
            .attr(
                "assume_role_policy",
                reference(&format!("data.aws_iam_policy_document.{label}_assume.json")),
            )
            .attr("max_session_duration", session_seconds(agent))
            .attr("permissions_boundary", boundary)
            .build(),
    );
    module.resources.push(
        BlockBuilder::new("resource", &["aws_iam_role_policy", &label])
            .attr("name", literal("gantry-agent-rules"))
            .attr("role", reference(&format!("aws_iam_role.{label}.id")))
            .attr(
                "policy",
                reference(&format!("data.aws_iam_policy_document.{label}.json")),
            )
            .build(),
    );
    module.output(
        &format!("{label}_role_arn"),
        &format!("The ARN of agent {}'s role.", agent.name.value),
        reference(&format!("aws_iam_role.{label}.arn")),
    );
    if !db_users.is_empty() {
        module.output(
            &format!("{label}_database_users"),
            &format!(
                "The database users agent {} connects as with IAM authentication, by datastore; each needs the rds_iam role (PostgreSQL) or the AWSAuthenticationPlugin (MySQL) and the grants its rules name.",
                agent.name.value
            ),
            object(
                db_users
                    .iter()
                    .map(|(k, v)| (k.as_str(), literal(v)))
                    .collect(),
            ),
        );
    }
}

fn effect_word(effect: Effect) -> &'static str {
    match effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    }
}

/// The longest session the role allows: the credentials ttl, within AWS's one to twelve hours.
/// A ttl under an hour is still honoured by whoever issues the credentials (they ask for
/// sessions that short); the role only caps them.
pub fn session_seconds(agent: &Agent) -> u64 {
    agent
        .credentials
        .as_ref()
        .and_then(|c| c.ttl.as_ref())
        .map_or(MIN_SESSION_SECONDS, |ttl| ttl.value.millis / 1000)
        .clamp(MIN_SESSION_SECONDS, MAX_SESSION_SECONDS)
}

/// The role's description: the agent's purpose, in the characters IAM accepts (Latin-1, at
/// most 1000). Typographic punctuation is written in its ASCII form; a purpose IAM still cannot
/// hold (another script) is left out rather than refusing the build over a description.
fn description(cx: &Context, agent: &Agent) -> String {
    let head = format!(
        "Agent {} of feature {}",
        agent.name.value,
        cx.feature_name()
    );
    let Some(purpose) = agent.purpose.as_ref().and_then(|p| latin1(&p.value)) else {
        return head;
    };
    let room = MAX_DESCRIPTION.saturating_sub(head.chars().count() + 2);
    let purpose = if purpose.chars().count() > room {
        let cut: String = purpose.chars().take(room.saturating_sub(3)).collect();
        format!("{}...", cut.trim_end())
    } else {
        purpose
    };
    format!("{head}: {purpose}")
}

const MAX_DESCRIPTION: usize = 1000;

/// `text` in the characters an IAM description takes, or `None` when it needs others.
fn latin1(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' | ' '..='~' | '\u{a1}'..='\u{ff}' => out.push(c),
            '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' => out.push(' '),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' => out.push('"'),
            '\u{2026}' => out.push_str("..."),
            '\u{2192}' => out.push_str("->"),
            _ => return None,
        }
    }
    Some(out)
}

/// Who may assume the role: the cluster's OIDC provider for the agent's ServiceAccount under
/// workload identity, otherwise the principal that issues the agent's credentials.
fn trust_policy(cx: &Context, module: &mut Module, agent: &Agent, label: &str) -> Block {
    let source = agent
        .credentials
        .as_ref()
        .and_then(|c| c.source.as_ref())
        .map(|s| s.value.as_str());
    let statement = if source == Some("workload-identity") {
        let host = module.var(Variable::OidcProviderHost);
        let condition = |claim: &str, value: String| {
            BlockBuilder::new("condition", &[])
                .attr("test", literal("StringEquals"))
                .attr(
                    "variable",
                    call(
                        "format",
                        vec![literal(&format!("%s:{claim}")), host.clone()],
                    ),
                )
                .attr("values", literals([value.as_str()]))
                .build()
        };
        // The ServiceAccount the kubernetes target gives the agent.
        let service_account = format!(
            "system:serviceaccount:{}:agent.{}.{}",
            cx.feature_name(),
            cx.feature_name(),
            agent.name.value
        );
        BlockBuilder::new("statement", &[])
            .attr("sid", literal("AssumeWithWorkloadIdentity"))
            .attr("effect", literal("Allow"))
            .attr("actions", literals(["sts:AssumeRoleWithWebIdentity"]))
            .block(
                BlockBuilder::new("principals", &[])
                    .attr("type", literal("Federated"))
                    .attr(
                        "identifiers",
                        Expression::Array(vec![module.var(Variable::OidcProviderArn)]),
                    )
                    .build(),
            )
            .block(condition("sub", service_account))
            .block(condition("aud", "sts.amazonaws.com".to_string()))
            .build()
    } else {
        BlockBuilder::new("statement", &[])
            .attr("sid", literal("AssumeByCredentialsIssuer"))
            .attr("effect", literal("Allow"))
            .attr("actions", literals(["sts:AssumeRole"]))
            .block(
                BlockBuilder::new("principals", &[])
                    .attr("type", literal("AWS"))
                    .attr(
                        "identifiers",
                        Expression::Array(vec![module.var(Variable::CredentialsIssuer)]),
                    )
                    .build(),
            )
            .build()
    };
    BlockBuilder::new(
        "data",
        &["aws_iam_policy_document", &format!("{label}_assume")],
    )
    .block(statement)
    .build()
}

/// The AWS resources a rule's target names: one, or every one of a feature (`FEATURE/*`).
fn resolve(cx: &Context, module: &mut Module, kind: ResourceKind, target: &Target) -> Vec<Cloud> {
    let (feature_name, only) = match target {
        Target::One { feature, name } => (feature.as_deref(), Some(name.as_str())),
        Target::All { feature } => (feature.as_deref(), None),
        Target::Github { .. } => return Vec::new(),
    };
    let feature_name = feature_name.unwrap_or(cx.feature_name());
    let Some(feature) = cx.model.feature(feature_name) else {
        return Vec::new();
    };
    let local = feature_name == cx.feature_name();
    let mut out = Vec::new();
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    if kind == ResourceKind::Datastore {
        for datastore in feature.datastores.iter().filter(|d| wanted(&d.name.value)) {
            let Some(ds_kind) = Kind::of(datastore) else {
                continue;
            };
            let cloud_kind = match ds_kind {
                Kind::Postgres => CloudKind::Sql { mysql: false },
                Kind::Mysql => CloudKind::Sql { mysql: true },
                Kind::Redis => CloudKind::Redis,
                Kind::S3 => CloudKind::S3,
            };
            let label = names::label(&[feature_name, &datastore.name.value]);
            let address = if local {
                format!("{}.{label}", datastores::resource_type(ds_kind))
            } else {
                // Another feature's datastore: found by the name its own module gives it. A
                // name AWS would refuse is reported where that feature is emitted.
                let Ok(aws_name) = datastores::aws_name(cx, feature_name, datastore) else {
                    continue;
                };
                let key = match ds_kind {
                    Kind::Postgres | Kind::Mysql => "db_instance_identifier",
                    Kind::Redis => "replication_group_id",
                    Kind::S3 => "bucket",
                };
                lookup(
                    module,
                    datastores::resource_type(ds_kind),
                    &label,
                    key,
                    &aws_name,
                )
            };
            out.push(Cloud {
                kind: cloud_kind,
                feature: feature_name.to_string(),
                name: datastore.name.value.clone(),
                address,
            });
        }
    } else {
        for secret in feature
            .secrets
            .iter()
            .filter(|s| wanted(&s.name.value) && aws_names::is_aws_secret(s))
        {
            let label = names::label(&[feature_name, &secret.name.value]);
            let address = if local {
                format!("aws_secretsmanager_secret.{label}")
            } else {
                let Ok(aws_name) = aws_names::secret(cx.environment(), feature_name, secret) else {
                    continue;
                };
                lookup(
                    module,
                    "aws_secretsmanager_secret",
                    &label,
                    "name",
                    &aws_name,
                )
            };
            out.push(Cloud {
                kind: CloudKind::Secret,
                feature: feature_name.to_string(),
                name: secret.name.value.clone(),
                address,
            });
        }
    }
    out
}

/// Declares a data source for another feature's resource; its address.
fn lookup(module: &mut Module, kind: &str, label: &str, key: &str, value: &str) -> String {
    let address = format!("data.{kind}.{label}");
    module.lookups.entry(address.clone()).or_insert_with(|| {
        BlockBuilder::new("data", &[kind, label])
            .attr(key, literal(value))
            .build()
    });
    address
}

/// A grant: a statement-id suffix, the actions, the resources, and the database user it
/// connects as (for IAM database authentication).
type Grant = (
    &'static str,
    Vec<&'static str>,
    Vec<Expression>,
    Option<String>,
);

fn grants(
    cx: &Context,
    module: &mut Module,
    agent: &Agent,
    rule: &AgentRule,
    target: &Cloud,
) -> Vec<Grant> {
    let arn = || vec![reference(&format!("{}.arn", target.address))];
    let action = rule.action.value.as_str();
    match (target.kind, action) {
        (CloudKind::Sql { mysql }, "read" | "write" | "migrate") => {
            // PostgreSQL truncates names at 63 bytes, MySQL refuses users over 32 characters.
            let limit = if mysql { 32 } else { 63 };
            let user = names::fitted(
                format!("{}_{}_{action}", cx.feature_name(), agent.name.value).replace('-', "_"),
                limit,
                '_',
            );
            let connect = call(
                "format",
                vec![
                    literal("arn:%s:rds-db:%s:%s:dbuser:%s/%s"),
                    module.current(Current::Partition),
                    module.current(Current::Region),
                    module.current(Current::Account),
                    reference(&format!("{}.resource_id", target.address)),
                    literal(&user),
                ],
            );
            vec![("", vec!["rds-db:connect"], vec![connect], Some(user))]
        }
        (CloudKind::Sql { .. }, "delete") => vec![("", vec!["rds:DeleteDBInstance"], arn(), None)],
        (CloudKind::Redis, "read" | "write") => {
            vec![("", vec!["elasticache:Connect"], arn(), None)]
        }
        (CloudKind::Redis, "delete") => {
            vec![("", vec!["elasticache:DeleteReplicationGroup"], arn(), None)]
        }
        (CloudKind::S3, "read" | "write" | "delete") => {
            let objects = || {
                vec![call(
                    "format",
                    vec![
                        literal("%s/*"),
                        reference(&format!("{}.arn", target.address)),
                    ],
                )]
            };
            match action {
                "read" => vec![
                    ("Objects", vec!["s3:GetObject"], objects(), None),
                    ("Bucket", vec!["s3:ListBucket"], arn(), None),
                ],
                "write" => vec![("Objects", vec!["s3:PutObject"], objects(), None)],
                _ => vec![
                    ("Objects", vec!["s3:DeleteObject"], objects(), None),
                    ("Bucket", vec!["s3:DeleteBucket"], arn(), None),
                ],
            }
        }
        (CloudKind::Secret, "read") => vec![(
            "",
            vec![
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
            ],
            arn(),
            None,
        )],
        (CloudKind::Secret, "write") => {
            vec![("", vec!["secretsmanager:PutSecretValue"], arn(), None)]
        }
        (CloudKind::Secret, "rollback") => vec![(
            "",
            vec!["secretsmanager:UpdateSecretVersionStage"],
            arn(),
            None,
        )],
        (CloudKind::Secret, "delete") => {
            vec![("", vec!["secretsmanager:DeleteSecret"], arn(), None)]
        }
        _ => Vec::new(),
    }
}
