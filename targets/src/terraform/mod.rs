//! The terraform target (DESIGN §5), AWS: per feature a root module `FEATURE/` with
//! `versions.tf` (pinned terraform and provider versions), `main.tf` (the provider with
//! cost-allocation `default_tags`, datastores, secret containers, agents' IAM roles and the
//! feature's budget), `variables.tf` (what the spec cannot know: subnets, security groups, the
//! permissions boundary, who issues credentials, who hears about the budget) and `outputs.tf`
//! (ARNs and endpoints).
//!
//! Every file is serialized from hcl-rs structures; every string literal is escaped by
//! [`hcl::literal`]. A feature with nothing for AWS gets no folder.

mod budgets;
mod datastores;
pub mod hcl;
mod iam;
mod module;
mod names;
mod secrets;

use ::hcl::Block;
use gantry::artifact::{Artifact, Content, Sink};
use gantry::ast::Feature;
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;

use self::hcl::{BlockBuilder, literal, object};
use module::{Context, Module};

pub use budgets::monthly_usd;
pub use datastores::DEFAULT_RETENTION_DAYS;
pub use iam::{MAX_SESSION_SECONDS, MIN_SESSION_SECONDS, session_seconds};

/// The Terraform versions the output is written for: `moved`/`import` blocks and
/// `nullable` variables are all older than 1.5.
pub const TERRAFORM_VERSION: &str = ">= 1.5.0";
/// The AWS provider: the last 5.x minor, so that a provider major release (which renames
/// arguments) is a decision, not a surprise.
pub const AWS_PROVIDER_VERSION: &str = "~> 5.100";

/// The region when gantry.kdl has no `cloud "aws" region=`: the provider then reads
/// `AWS_REGION` from the environment, which is what an unset `region` does.
fn region(model: &Model) -> Option<String> {
    model
        .workspace
        .cloud
        .as_ref()
        .filter(|c| c.provider.value == "aws")
        .and_then(|c| c.region.as_ref())
        .map(|r| r.value.clone())
}

/// The terraform target's entry point.
pub fn stream(model: &Model, out: Sink<'_>) -> Result<(), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    for feature in &model.features {
        match feature_module(model, feature) {
            Ok(files) => files.into_iter().for_each(&mut *out),
            Err(found) => diagnostics.extend(found),
        }
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(diagnostics)
    }
}

/// Every artifact of the terraform target.
pub fn emit(model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    crate::Emit::Streamed(stream).collect(model)
}

fn feature_module(model: &Model, feature: &Feature) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let tier = model
        .tiers
        .get(&feature.name.value)
        .map_or(gantry::lint::DEFAULT_TIER, |t| t.name.as_str());
    let cx = Context {
        model,
        feature,
        critical: tier == "critical",
    };
    let mut module = Module::default();
    for datastore in &feature.datastores {
        datastores::emit(&cx, &mut module, datastore);
    }
    for secret in &feature.secrets {
        secrets::emit(&cx, &mut module, secret);
    }
    for agent in &feature.agents {
        iam::emit(&cx, &mut module, agent);
    }
    budgets::emit(&cx, &mut module);
    if !module.diagnostics.is_empty() {
        return Err(module.diagnostics);
    }
    if module.resources.is_empty() {
        return Ok(Vec::new());
    }

    let mut main = vec![provider(model, feature)];
    main.extend(module.data_blocks());
    main.extend(module.resources.iter().cloned());
    let files = [
        ("versions.tf", vec![versions()]),
        ("main.tf", main),
        ("variables.tf", module.variable_blocks()),
        ("outputs.tf", module.outputs.clone()),
    ];
    let source = model.file_name(feature).to_string();
    let mut out = Vec::new();
    for (file, blocks) in files {
        if blocks.is_empty() {
            continue;
        }
        let text = self::hcl::render(blocks).map_err(|e| {
            vec![
                Diagnostic::error(
                    "invalid-value",
                    feature.name.span,
                    format!(
                        "cannot serialize the terraform of feature `{}`: {e}",
                        feature.name.value
                    ),
                )
                .with_help(gantry::build::UNSERIALIZABLE_HELP),
            ]
        })?;
        out.push(Artifact {
            path: format!("{}/{file}", feature.name.value),
            content: Content::Text(text),
            sources: vec![source.clone()],
            origin: Some(feature.name.span),
        });
    }
    Ok(out)
}

fn versions() -> Block {
    BlockBuilder::new("terraform", &[])
        .attr("required_version", literal(TERRAFORM_VERSION))
        .block(
            BlockBuilder::new("required_providers", &[])
                .attr(
                    "aws",
                    object(vec![
                        ("source", literal("hashicorp/aws")),
                        ("version", literal(AWS_PROVIDER_VERSION)),
                    ]),
                )
                .build(),
        )
        .build()
}

/// The provider, tagging everything it creates with the feature, its owner, the environment
/// and `managed-by = "gantry"`: the cost-allocation tags the budget filters on.
fn provider(model: &Model, feature: &Feature) -> Block {
    let mut tags = vec![("feature", literal(&feature.name.value))];
    if let Some(owner) = &feature.owner {
        tags.push(("owner", literal(&owner.value)));
    }
    tags.push(("environment", literal(model.environment)));
    tags.push(("managed-by", literal("gantry")));
    BlockBuilder::new("provider", &["aws"])
        .attr_opt("region", region(model).as_deref().map(literal))
        .block(
            BlockBuilder::new("default_tags", &[])
                .attr("tags", object(tags))
                .build(),
        )
        .build()
}
