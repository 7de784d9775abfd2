//! Names: Terraform addresses derived from spec names, and the names gantry gives AWS objects
//! of its own (an agent's IAM role, its database users), fitted to AWS's limits. The
//! AWS names of datastores and secrets are the check's (`gantry::coherence::aws_names`).

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

/// A name gantry derives (`FEATURE-AGENT-ENVIRONMENT`, `FEATURE_AGENT_ACTION`) that fits the
/// `limit` characters of where it goes: as is when it fits; otherwise cut, with `separator` and
/// 8 hex digits of a hash of the whole name after the cut, so that two long names that share
/// their start still differ and the same spec always gives the same name.
pub fn fitted(name: String, limit: usize, separator: char) -> String {
    if name.len() <= limit {
        return name;
    }
    // FNV-1a: stable across builds, platforms and releases, unlike the standard hasher.
    let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let keep = limit.saturating_sub(9);
    // Spec names are ASCII, so any byte is a character boundary.
    let head = name[..keep].trim_end_matches(['-', '_']);
    format!("{head}{separator}{hash:08x}")
}

/// An IAM role name: up to 64 characters.
pub fn role(name: String) -> String {
    fitted(name, 64, '-')
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
    fn a_long_name_is_cut_to_its_limit_and_stays_distinct() {
        assert_eq!(role("a".repeat(64)), "a".repeat(64));
        let long = role(format!("{}-x", "a".repeat(70)));
        let other = role(format!("{}-y", "a".repeat(70)));
        assert_eq!(long.len(), 64);
        assert_ne!(long, other);
        assert_eq!(long, role(format!("{}-x", "a".repeat(70))));
        // Cut at a separator, the separator is not doubled: shorter than the limit, not over.
        assert_eq!(
            fitted("shop_agent_with_a_long_name_migrate".into(), 32, '_'),
            "shop_agent_with_a_long_d3fa55a9"
        );
    }
}
