//! Names: Terraform addresses derived from spec names, and AWS names checked against AWS's own
//! rules, so that a name AWS would refuse is a diagnostic at the spec line rather than a failed
//! `terraform apply`.

use gantry::diagnostics::Diagnostic;
use gantry::source::Span;

/// A Terraform resource label from spec names: `checkout` + `orders-db` → `checkout_orders_db`.
/// Spec names are DNS labels, so the only change is `-` → `_`, and a leading digit (which HCL
/// identifiers may not start with) gets a `_` before it. Fixed labels gantry adds (`current`,
/// `monitoring`) have no `_`, so no spec name can collide with them.
pub fn label(parts: &[&str]) -> String {
    let joined = parts.join("_").replace('-', "_");
    if joined.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{joined}")
    } else {
        joined
    }
}

/// CamelCase of spec names, for IAM statement ids (letters and digits only).
pub fn camel(parts: &[&str]) -> String {
    let mut out = String::new();
    for word in parts.iter().flat_map(|p| p.split('-')) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// An identifier of RDS (`max` 63) or ElastiCache (`max` 40): letters, digits and hyphens,
/// starting with a letter, with no two hyphens in a row and none at the end.
pub fn aws_identifier(
    what: &str,
    name: String,
    max: usize,
    span: Span,
) -> Result<String, Diagnostic> {
    let problem = if name.len() > max {
        Some(format!("{} characters, AWS allows {max}", name.len()))
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        Some("it must start with a letter".to_string())
    } else if name.contains("--") {
        Some("AWS refuses two hyphens in a row".to_string())
    } else {
        None
    };
    match problem {
        None => Ok(name),
        Some(problem) => Err(Diagnostic::error(
            "invalid-value",
            span,
            format!("the {what} `{name}` cannot be created: {problem}"),
        )
        .with_label("the name comes from here")
        .with_help(format!(
            "gantry names it FEATURE-NAME-ENVIRONMENT; choose shorter names with single hyphens \
             that start with a letter (at most {max} characters together)"
        ))),
    }
}

/// An S3 bucket name: 3 to 63 characters, none of the prefixes and suffixes S3 reserves.
pub fn bucket(name: String, span: Span) -> Result<String, Diagnostic> {
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
    match problem {
        None => Ok(name),
        Some(problem) => Err(Diagnostic::error(
            "invalid-value",
            span,
            format!("the S3 bucket `{name}` cannot be created: {problem}"),
        )
        .with_label("the bucket's name comes from here")
        .with_help(
            "gantry names a bucket WORKSPACE-FEATURE-NAME-ENVIRONMENT (bucket names are global \
             across all AWS accounts); choose shorter names",
        )),
    }
}

/// A Secrets Manager secret name: up to 512 of `A-Z a-z 0-9 / _ + = . @ -`.
pub fn secret(name: &str, span: Span) -> Result<String, Diagnostic> {
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
    match problem {
        None => Ok(name.to_string()),
        Some(problem) => Err(Diagnostic::error(
            "invalid-value",
            span,
            format!("`{name}` cannot name a Secrets Manager secret: {problem}"),
        )
        .with_label("this name")
        .with_help("use letters, digits and / _ + = . @ - (at most 512 characters)")),
    }
}

/// An IAM role name: up to 64 of `\w + = , . @ -`.
pub fn role(name: String, span: Span) -> Result<String, Diagnostic> {
    if name.len() <= 64 {
        return Ok(name);
    }
    Err(Diagnostic::error(
        "invalid-value",
        span,
        format!(
            "the IAM role `{name}` cannot be created: {} characters, IAM allows 64",
            name.len()
        ),
    )
    .with_label("the role is this agent's")
    .with_help("gantry names it FEATURE-AGENT-ENVIRONMENT; choose shorter names"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_identifiers() {
        assert_eq!(label(&["checkout", "orders-db"]), "checkout_orders_db");
        assert_eq!(label(&["3d", "x"]), "_3d_x");
        assert_eq!(camel(&["read", "orders-db"]), "ReadOrdersDb");
    }

    #[test]
    fn aws_rules_are_diagnostics() {
        let span = Span::new(gantry::source::FileId(0), 0..0);
        assert!(aws_identifier("x", "a".repeat(64), 63, span).is_err());
        assert!(aws_identifier("x", "a--b".into(), 63, span).is_err());
        assert!(aws_identifier("x", "1a".into(), 63, span).is_err());
        assert!(aws_identifier("x", "checkout-orders-prod".into(), 63, span).is_ok());
        assert!(bucket("xn--abc".into(), span).is_err());
        assert!(secret("a b", span).is_err());
        assert!(secret("payments/ledger-db", span).is_ok());
        assert!(role("a".repeat(65), span).is_err());
    }
}
