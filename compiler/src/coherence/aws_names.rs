//! The names the terraform target gives what it creates in AWS, checked against AWS's own
//! rules, so that a name AWS would refuse is a diagnostic at the spec line rather than a failed
//! `terraform apply`. The target takes its names from here: one reading of each rule.

// A value fails once, on the failure path, and its diagnostic is reported as it is: boxing it
// would buy nothing measurable.
#![allow(clippy::result_large_err)]

use crate::ast::{Datastore, Secret};
use crate::diagnostics::Diagnostic;
use crate::source::Span;

use super::datastores::Kind;

/// The AWS name of a datastore (RDS identifier, replication group id, bucket) in an environment
/// of a workspace, checked.
pub fn datastore(
    workspace: &str,
    environment: &str,
    feature: &str,
    datastore: &Datastore,
) -> Result<String, Diagnostic> {
    let name = &datastore.name;
    match Kind::of(datastore) {
        Some(Kind::S3) => bucket(
            format!("{workspace}-{feature}-{}-{environment}", name.value),
            name.span,
        ),
        Some(Kind::Redis) => aws_identifier(
            "ElastiCache replication group id",
            format!("{feature}-{}-{environment}", name.value),
            40,
            name.span,
        ),
        _ => aws_identifier(
            "RDS identifier",
            format!("{feature}-{}-{environment}", name.value),
            63,
            name.span,
        ),
    }
}

/// Whether a secret is kept in AWS Secrets Manager (the terraform target creates its container).
pub fn is_aws_secret(secret: &Secret) -> bool {
    secret
        .from
        .as_ref()
        .is_some_and(|f| f.value == "aws-secretsmanager")
}

/// A secret's name in Secrets Manager: its `path`, or `ENV/FEATURE/NAME`, checked.
pub fn secret(environment: &str, feature: &str, secret: &Secret) -> Result<String, Diagnostic> {
    match &secret.path {
        Some(path) => secret_name(&path.value, path.span),
        None => secret_name(
            &format!("{environment}/{feature}/{}", secret.name.value),
            secret.name.span,
        ),
    }
}

/// An identifier of RDS (`max` 63) or ElastiCache (`max` 40): letters, digits and hyphens,
/// starting with a letter, with no two hyphens in a row and none at the end.
fn aws_identifier(what: &str, name: String, max: usize, span: Span) -> Result<String, Diagnostic> {
    let problem = if name.len() > max {
        Some(format!("{} characters, AWS allows {max}", name.len()))
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        Some("it must start with a letter".to_string())
    } else if name.contains("--") {
        Some("AWS refuses two hyphens in a row".to_string())
    } else {
        None
    };
    refused(problem, name, span, |name, problem| {
        (
            format!("the {what} `{name}` cannot be created: {problem}"),
            "the name comes from here",
            format!(
                "gantry names it FEATURE-NAME-ENVIRONMENT; choose shorter names with single \
                 hyphens that start with a letter (at most {max} characters together)"
            ),
        )
    })
}

/// An S3 bucket name: 3 to 63 characters, none of the prefixes and suffixes S3 reserves.
fn bucket(name: String, span: Span) -> Result<String, Diagnostic> {
    let reserved = ["xn--", "sthree-", "amzn-s3-demo-"]
        .iter()
        .any(|p| name.starts_with(p))
        || ["-s3alias", "--ol-s3", "--x-s3", "--table-s3"]
            .iter()
            .any(|s| name.ends_with(s));
    let problem = if name.len() > 63 {
        Some(format!("{} characters, S3 allows 63", name.len()))
    } else if reserved {
        Some("S3 reserves its prefix or suffix".to_string())
    } else {
        None
    };
    refused(problem, name, span, |name, problem| {
        (
            format!("the S3 bucket `{name}` cannot be created: {problem}"),
            "the bucket's name comes from here",
            "gantry names a bucket WORKSPACE-FEATURE-NAME-ENVIRONMENT (bucket names are global \
             across all AWS accounts); choose shorter names"
                .to_string(),
        )
    })
}

/// The name, or the diagnostic `words` gives for the problem AWS would have with it: its
/// message, label and help.
fn refused(
    problem: Option<String>,
    name: String,
    span: Span,
    words: impl FnOnce(&str, &str) -> (String, &'static str, String),
) -> Result<String, Diagnostic> {
    match problem {
        None => Ok(name),
        Some(problem) => {
            let (message, label, help) = words(&name, &problem);
            Err(Diagnostic::error("invalid-value", span, message)
                .with_label(label)
                .with_help(help))
        }
    }
}

/// A Secrets Manager secret name: up to 512 of `A-Z a-z 0-9 / _ + = . @ -`.
fn secret_name(name: &str, span: Span) -> Result<String, Diagnostic> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c);
    let problem = if name.is_empty() {
        Some("it is empty".to_string())
    } else if name.len() > 512 {
        Some(format!(
            "{} characters, Secrets Manager allows 512",
            name.len()
        ))
    } else {
        name.chars()
            .find(|c| !allowed(*c))
            .map(|c| format!("Secrets Manager does not allow {c:?} in a name"))
    };
    refused(problem, name.to_string(), span, |name, problem| {
        (
            format!("`{name}` cannot name a Secrets Manager secret: {problem}"),
            "this name",
            "use letters, digits and / _ + = . @ - (at most 512 characters)".to_string(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_rules_are_diagnostics() {
        let span = Span::new(crate::source::FileId(0), 0..0);
        assert!(aws_identifier("x", "a".repeat(64), 63, span).is_err());
        assert!(aws_identifier("x", "a--b".into(), 63, span).is_err());
        assert!(aws_identifier("x", "1a".into(), 63, span).is_err());
        assert!(aws_identifier("x", "checkout-orders-prod".into(), 63, span).is_ok());
        assert!(bucket("xn--abc".into(), span).is_err());
        assert!(bucket("a".repeat(64), span).is_err());
        assert!(secret_name("a b", span).is_err());
        assert!(secret_name("", span).is_err());
        assert!(secret_name("payments/ledger-db", span).is_ok());
    }
}
