//! One feature's Terraform root module as it is built: the resources of `main.tf`, the data
//! sources they read, the variables for what a spec cannot know, the outputs, and the
//! diagnostics found on the way. Variables and data sources are declared only when used.

use std::collections::{BTreeMap, BTreeSet};

use gantry::ast::Feature;
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;
use hcl::Block;
use hcl::expr::Expression;

use super::hcl::{BlockBuilder, call, keyword, literal, reference};

/// What the emitters of one feature share.
pub struct Context<'a> {
    pub model: &'a Model<'a>,
    pub feature: &'a Feature,
    /// Multi-AZ and automatic failover follow the feature's tier.
    pub critical: bool,
}

impl Context<'_> {
    pub fn environment(&self) -> &str {
        self.model.environment
    }

    pub fn feature_name(&self) -> &str {
        &self.feature.name.value
    }
}

/// A variable of `variables.tf`: what the platform knows and the spec does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Variable {
    DbSubnetGroup,
    DbSecurityGroups,
    CacheSubnetGroup,
    CacheSecurityGroups,
    AccessLogBucket,
    PermissionsBoundary,
    CredentialsIssuer,
    OidcProviderArn,
    OidcProviderHost,
}

impl Variable {
    fn name(self) -> &'static str {
        match self {
            Variable::DbSubnetGroup => "db_subnet_group_name",
            Variable::DbSecurityGroups => "db_security_group_ids",
            Variable::CacheSubnetGroup => "cache_subnet_group_name",
            Variable::CacheSecurityGroups => "cache_security_group_ids",
            Variable::AccessLogBucket => "access_log_bucket",
            Variable::PermissionsBoundary => "permissions_boundary_arn",
            Variable::CredentialsIssuer => "credentials_issuer_arn",
            Variable::OidcProviderArn => "oidc_provider_arn",
            Variable::OidcProviderHost => "oidc_provider_host",
        }
    }

    fn is_list(self) -> bool {
        matches!(
            self,
            Variable::DbSecurityGroups | Variable::CacheSecurityGroups
        )
    }

    fn description(self) -> &'static str {
        match self {
            Variable::DbSubnetGroup => {
                "The DB subnet group (private subnets of the VPC) the databases are placed in."
            }
            Variable::DbSecurityGroups => {
                "The security groups of the databases: who may open a connection."
            }
            Variable::CacheSubnetGroup => {
                "The ElastiCache subnet group (private subnets of the VPC) the caches are placed in."
            }
            Variable::CacheSecurityGroups => {
                "The security groups of the caches: who may open a connection."
            }
            Variable::AccessLogBucket => "The bucket that receives the S3 server access logs.",
            Variable::PermissionsBoundary => {
                "The ARN of the managed policy every agent role is bounded by: no policy gantry writes can grant more."
            }
            Variable::CredentialsIssuer => {
                "The ARN of the principal that issues agents' short-lived credentials (for example Vault's AWS secrets engine role) and may assume their roles."
            }
            Variable::OidcProviderArn => {
                "The ARN of the cluster's IAM OIDC provider, for agents whose credentials come from workload identity."
            }
            Variable::OidcProviderHost => {
                "The cluster's OIDC issuer without https:// (oidc.eks.REGION.amazonaws.com/id/ID)."
            }
        }
    }

    /// A condition the value must meet, checked by `terraform plan`.
    fn validation(self) -> Option<(Expression, &'static str)> {
        let var = reference(&format!("var.{}", self.name()));
        let arn = |service: &str| {
            call(
                "can",
                vec![call(
                    "regex",
                    vec![literal(&format!("^arn:aws[a-z-]*:{service}:")), var.clone()],
                )],
            )
        };
        match self {
            Variable::PermissionsBoundary => Some((
                arn("iam:"),
                "The permissions boundary must be an IAM policy ARN.",
            )),
            Variable::OidcProviderArn => Some((
                arn("iam:"),
                "The OIDC provider must be an IAM OIDC provider ARN.",
            )),
            Variable::CredentialsIssuer => Some((
                arn("(iam|sts):"),
                "The credentials issuer must be an IAM or STS principal ARN.",
            )),
            _ => None,
        }
    }

    fn block(self) -> Block {
        let kind = if self.is_list() {
            call("list", vec![keyword("string")])
        } else {
            keyword("string")
        };
        let mut block = BlockBuilder::new("variable", &[self.name()])
            .attr("type", kind)
            .attr("description", literal(self.description()))
            .attr("nullable", false);
        if let Some((condition, message)) = self.validation() {
            block = block.block(
                BlockBuilder::new("validation", &[])
                    .attr("condition", condition)
                    .attr("error_message", literal(message))
                    .build(),
            );
        }
        block.build()
    }
}

/// The data sources a resource may need: the account, partition and region it is applied in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Current {
    Partition,
    Region,
    Account,
}

#[derive(Default)]
pub struct Module {
    pub resources: Vec<Block>,
    /// Data sources of other features' resources, by address.
    pub lookups: BTreeMap<String, Block>,
    pub current: BTreeSet<Current>,
    variables: BTreeSet<Variable>,
    /// Variables whose declaration carries a value from the spec (defaults, validations).
    pub extra_variables: Vec<Block>,
    pub outputs: Vec<Block>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the feature's RDS enhanced-monitoring role is declared.
    pub monitoring_role: bool,
}

impl Module {
    /// `var.NAME`, declaring the variable.
    pub fn var(&mut self, variable: Variable) -> Expression {
        self.variables.insert(variable);
        reference(&format!("var.{}", variable.name()))
    }

    /// `data.aws_partition.current.partition` and its siblings, declaring the data source.
    pub fn current(&mut self, what: Current) -> Expression {
        self.current.insert(what);
        reference(match what {
            Current::Partition => "data.aws_partition.current.partition",
            Current::Region => "data.aws_region.current.name",
            Current::Account => "data.aws_caller_identity.current.account_id",
        })
    }

    pub fn output(&mut self, name: &str, description: &str, value: Expression) {
        self.outputs.push(
            BlockBuilder::new("output", &[name])
                .attr("description", literal(description))
                .attr("value", value)
                .build(),
        );
    }

    /// The data blocks of `main.tf`: the current account, partition and region, then lookups.
    pub fn data_blocks(&self) -> Vec<Block> {
        let mut out: Vec<Block> = self
            .current
            .iter()
            .map(|c| {
                let kind = match c {
                    Current::Partition => "aws_partition",
                    Current::Region => "aws_region",
                    Current::Account => "aws_caller_identity",
                };
                BlockBuilder::new("data", &[kind, "current"]).build()
            })
            .collect();
        out.extend(self.lookups.values().cloned());
        out
    }

    pub fn variable_blocks(&self) -> Vec<Block> {
        let mut out: Vec<Block> = self.variables.iter().map(|v| v.block()).collect();
        out.extend(self.extra_variables.iter().cloned());
        out
    }
}
