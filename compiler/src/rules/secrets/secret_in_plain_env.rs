use crate::diagnostics::Severity;
use crate::lint::origin::{Origin, Written};
use crate::lint::{Finding, LintContext, Scope, about};

use super::is_secret_name;

crate::declare_rule! {
    /// ## What it does
    /// Reports an environment variable whose name says it holds a secret (`PASSWORD`, `SECRET`,
    /// `TOKEN`, `API_KEY`, `APIKEY`, `PRIVATE_KEY`, `CREDENTIALS`, `ACCESS_KEY`… as a word of
    /// the name) but that is given a plain `value=` instead of `secret=`.
    ///
    /// ## Why is this bad?
    /// A plain value is written into the Deployment manifest, which is committed, diffed in
    /// review, stored unencrypted in the cluster's state and shown by `kubectl describe` to
    /// anyone who may read pods. The variable's name says what it is, so whoever finds it knows
    /// what to do with it. Even a placeholder or a development value gets replaced by the real
    /// one in a hurry, in the same place. With `secret=`, the value comes from the secret store
    /// at run time and can be rotated without a deploy.
    ///
    /// Names about a secret rather than of one are left alone: `PASSWORD_FILE`, `TOKEN_URL`,
    /// `SECRET_NAME`, `AWS_ACCESS_KEY_ID`. So is a value that only refers to another variable
    /// (`$(DB_PASSWORD)`).
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     service "api" {
    ///         env "DB_PASSWORD" value="changeme"
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     service "api" {
    ///         env "DB_PASSWORD" secret="shop-db" key="password"
    ///     }
    ///     secret "shop-db" from="aws-secretsmanager"
    /// }
    /// ```
    pub SECRET_IN_PLAIN_ENV = ("secret-in-plain-env", Severity::Error, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        let mut written = None;
        for service in &feature.services {
            for var in &service.env {
                let Some(value) = &var.value else { continue };
                if !is_secret_name(&var.name.value) || is_reference(&value.value) {
                    continue;
                }
                let secret = format!("{}-{}", service.name.value, kebab(&var.name.value));
                let mut finding = Finding::new(
                    about(feature, "service", &service.name.value),
                    value.span,
                    format!(
                        "env `{}` of service `{}` holds a secret in a plain `value`",
                        var.name.value, service.name.value
                    ),
                )
                .label("written into the manifest for everyone who can read it")
                .help(format!(
                    "store the value in the secret store, declare `secret \"{secret}\" from=\"aws-secretsmanager\"` (or `from=\"vault\"`) and write `env \"{}\" secret=\"{secret}\"`",
                    var.name.value
                ));
                let written = written.get_or_insert_with(|| Written::of(cx, feature));
                match written.origin(cx, value.span) {
                    Origin::Overlay { environment, name } => {
                        finding = finding.secondary(
                            name,
                            format!("set by the overlay of environment `{environment}`"),
                        );
                    }
                    Origin::Preset(preset) => {
                        if let Some(used) = &service.preset {
                            finding = finding.secondary(
                                used.span,
                                format!(
                                    "service `{}` takes it from preset `{}` here",
                                    service.name.value, preset.name.value
                                ),
                            );
                        }
                    }
                    Origin::Base => {}
                }
                out.push(finding);
            }
        }
    }
}

/// A value that is only a reference to another variable, which Kubernetes expands: `$(NAME)`.
fn is_reference(value: &str) -> bool {
    value
        .strip_prefix("$(")
        .and_then(|rest| rest.strip_suffix(')'))
        .is_some_and(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

/// `DB_PASSWORD` → `db-password`: a secret name for the help.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Input, check_files};

    const WORKSPACE: &str = r#"workspace "w" {
    team "payments" { oncall pager="pager"; }
    receiver "pager" kind="pagerduty" routing-key-file="/etc/alertmanager/pager"
}"#;

    fn findings(spec: &str) -> Vec<(String, String)> {
        let checked = check_files(
            Input {
                name: "gantry.kdl".to_string(),
                text: WORKSPACE.into(),
            },
            vec![Input {
                name: "shop.kdl".to_string(),
                text: spec.into(),
            }],
        );
        checked
            .diagnostics
            .iter()
            .filter(|d| d.id == "secret-in-plain-env")
            .map(|d| {
                (
                    checked.sources.text(d.primary.span).to_string(),
                    d.message.clone(),
                )
            })
            .collect()
    }

    fn service(env: &str) -> String {
        format!(
            "feature \"shop\" {{\n    owner \"payments\"\n    service \"api\" {{\n        image \"registry.example/api:1.0.0\"\n        {env}\n    }}\n}}\n"
        )
    }

    #[test]
    fn a_plain_value_under_a_secret_name_is_reported() {
        let found = findings(&service(r#"env "DB_PASSWORD" value="changeme""#));
        assert_eq!(
            found,
            [(
                "\"changeme\"".to_string(),
                "env `DB_PASSWORD` of service `api` holds a secret in a plain `value`".to_string()
            )]
        );
    }

    #[test]
    fn secret_references_and_other_names_are_not() {
        for env in [
            r#"env "DB_PASSWORD" secret="shop-db""#,
            r#"env "PASSWORD_FILE" value="/run/secrets/db""#,
            r#"env "TOKEN_URL" value="https://auth.example/token""#,
            r#"env "AWS_ACCESS_KEY_ID" value="from-instance-role""#,
            r#"env "DB_PASSWORD" value="$(SHARED_DB_PASSWORD)""#,
            r#"env "LOG_LEVEL" value="info""#,
        ] {
            assert_eq!(findings(&service(env)), [], "{env}");
        }
    }

    #[test]
    fn references_and_kebab_names() {
        assert!(is_reference("$(DB_PASSWORD)"));
        assert!(!is_reference("$(DB_PASSWORD)x"));
        assert!(!is_reference("$()"));
        assert_eq!(kebab("DB_PASSWORD"), "db-password");
        assert_eq!(kebab("__X__Y"), "x-y");
    }
}
