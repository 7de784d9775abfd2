//! Secret containers: an `aws_secretsmanager_secret` per secret `from="aws-secretsmanager"`.
//! Never a value (no `aws_secretsmanager_secret_version`): whoever owns the secret puts the
//! value in, and Terraform state never holds it. Secrets from Vault are Vault's business.

use gantry::ast::Secret;
use gantry::coherence::aws_names;

use super::hcl::{BlockBuilder, literal, reference};
use super::module::{Context, Module};
use super::names;

/// Days a deleted secret can still be restored: the most Secrets Manager allows.
const RECOVERY_WINDOW_DAYS: u64 = 30;

pub fn emit(cx: &Context, module: &mut Module, secret: &Secret) {
    if !aws_names::is_aws_secret(secret) {
        return;
    }
    let name = match aws_names::secret(cx.environment(), cx.feature_name(), secret) {
        Ok(name) => name,
        Err(d) => {
            module.diagnostics.push(d);
            return;
        }
    };
    let label = names::label(&[cx.feature_name(), &secret.name.value]);
    module.resources.push(
        BlockBuilder::new("resource", &["aws_secretsmanager_secret", &label])
            .attr("name", literal(&name))
            .attr(
                "description",
                literal(&format!(
                    "Secret {} of feature {}. Its value is set outside Terraform.",
                    secret.name.value,
                    cx.feature_name()
                )),
            )
            .attr("recovery_window_in_days", RECOVERY_WINDOW_DAYS)
            .build(),
    );
    module.output(
        &format!("{label}_arn"),
        &format!("The ARN of secret {}.", secret.name.value),
        reference(&format!("aws_secretsmanager_secret.{label}.arn")),
    );
}
