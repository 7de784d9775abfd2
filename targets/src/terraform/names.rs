//! Names: Terraform addresses derived from spec names, and the IAM role name of an agent. The
//! AWS names of datastores and secrets are the check's (`gantry::coherence::aws_names`).

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
    fn a_role_name_over_64_characters_is_a_diagnostic() {
        let span = Span::new(gantry::source::FileId(0), 0..0);
        assert!(role("a".repeat(65), span).is_err());
        assert!(role("a".repeat(64), span).is_ok());
    }
}
