//! The workspace's `receiver` nodes as Alertmanager receivers. Secrets reach the Alertmanager
//! only as files it reads itself (`routing_key_file`, `api_url_file`, `api_key_file`,
//! `url_file`): a setting that holds a credential inline, or a file setting that holds the
//! credential instead of a path, is a diagnostic at the value.

use gantry::ast::{Name, Receiver};
use gantry::diagnostics::Diagnostic;
use gantry::source::Spanned;
use serde_json::{Map, Value, json};

/// A setting of a receiver: its name in gantry.kdl, its field in the Alertmanager config, and
/// whether it names a file holding a secret.
struct Setting {
    name: &'static str,
    field: &'static str,
    file: bool,
}

const fn file(name: &'static str, field: &'static str) -> Setting {
    Setting {
        name,
        field,
        file: true,
    }
}

const fn plain(name: &'static str, field: &'static str) -> Setting {
    Setting {
        name,
        field,
        file: false,
    }
}

/// What each kind of receiver accepts, its config list in the Alertmanager config, and the
/// settings it cannot work without (one of each inner list).
struct Kind {
    name: &'static str,
    configs: &'static str,
    settings: &'static [Setting],
    required: &'static [&'static [&'static str]],
}

const KINDS: &[Kind] = &[
    Kind {
        name: "pagerduty",
        configs: "pagerduty_configs",
        settings: &[file("routing-key-file", "routing_key_file")],
        required: &[&["routing-key-file"]],
    },
    Kind {
        name: "slack",
        configs: "slack_configs",
        settings: &[
            file("api-url-file", "api_url_file"),
            plain("channel", "channel"),
        ],
        required: &[&["api-url-file"]],
    },
    Kind {
        name: "webhook",
        configs: "webhook_configs",
        settings: &[file("api-url-file", "url_file"), plain("url", "url")],
        required: &[&["url", "api-url-file"]],
    },
    Kind {
        name: "email",
        configs: "email_configs",
        settings: &[
            plain("to", "to"),
            plain("from", "from"),
            plain("smarthost", "smarthost"),
        ],
        required: &[&["to"], &["from"], &["smarthost"]],
    },
    Kind {
        name: "opsgenie",
        configs: "opsgenie_configs",
        settings: &[file("api-key-file", "api_key_file")],
        required: &[&["api-key-file"]],
    },
];

/// The Alertmanager receiver for a workspace receiver, or every problem with it.
pub fn receiver(receiver: &Receiver) -> Result<Value, Vec<Diagnostic>> {
    let name = &receiver.name.value;
    // The schema requires `kind` and restricts it to the kinds above.
    let Some(kind_name) = &receiver.kind else {
        return Err(vec![
            Diagnostic::error(
                "missing-required",
                receiver.name.span,
                format!("receiver `{name}` has no `kind`"),
            )
            .with_label("the Alertmanager cannot tell what to notify")
            .with_help(format!(
                "say what it talks to: `kind=` one of {}",
                kind_names()
            )),
        ]);
    };
    let Some(kind) = KINDS.iter().find(|k| k.name == kind_name.value) else {
        return Err(vec![
            Diagnostic::error(
                "invalid-value",
                kind_name.span,
                format!("receiver kind `{}` is not supported", kind_name.value),
            )
            .with_help(format!("use one of {}", kind_names())),
        ]);
    };
    let mut errors = Vec::new();
    let mut config = Map::new();
    for (key, value) in &receiver.settings {
        let Some(setting) = kind.settings.iter().find(|s| s.name == key.value) else {
            errors.push(foreign_setting(receiver, kind, key, value));
            continue;
        };
        let problem = if setting.file {
            file_problem(setting, value)
        } else {
            inline_problem(kind, setting, value)
        };
        if let Some(d) = problem {
            errors.push(d);
            continue;
        }
        config.insert(setting.field.into(), json!(value.value));
    }
    for alternatives in kind.required {
        let given: Vec<&Name> = receiver
            .settings
            .iter()
            .map(|(k, _)| k)
            .filter(|k| alternatives.contains(&k.value.as_str()))
            .collect();
        match given.as_slice() {
            [] => errors.push(missing(receiver, kind, alternatives)),
            [_] => {}
            [first, second, ..] => errors.push(
                Diagnostic::error(
                    "invalid-value",
                    second.span,
                    format!(
                        "receiver `{name}` gives both `{}` and `{}`",
                        first.value, second.value
                    ),
                )
                .with_label("the Alertmanager accepts only one of them")
                .with_secondary(first.span, "also given here")
                .with_help(format!("keep one of `{}`", alternatives.join("`, `"))),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert(kind.configs.into(), json!([config]));
    Ok(Value::Object(out))
}

fn kind_names() -> String {
    KINDS
        .iter()
        .map(|k| format!("`{}`", k.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn foreign_setting(
    receiver: &Receiver,
    kind: &Kind,
    key: &Name,
    value: &Spanned<String>,
) -> Diagnostic {
    if kind.name == "slack" && key.value == "url" {
        return Diagnostic::error(
            "invalid-value",
            value.span,
            format!(
                "receiver `{}` writes its Slack webhook URL inline",
                receiver.name.value
            ),
        )
        .with_label("a Slack webhook URL is itself the credential: whoever reads it can post")
        .with_help(
            "rotate the webhook, write the new URL to a file the Alertmanager mounts from the secret store, and name the file: `api-url-file=\"/etc/alertmanager/secrets/…\"`",
        );
    }
    let accepted: Vec<String> = kind
        .settings
        .iter()
        .map(|s| format!("`{}`", s.name))
        .collect();
    Diagnostic::error(
        "invalid-value",
        key.span,
        format!(
            "`{}` is not a setting of a {} receiver",
            key.value, kind.name
        ),
    )
    .with_label(format!(
        "receiver `{}` is of kind `{}`",
        receiver.name.value, kind.name
    ))
    .with_help(format!(
        "a {} receiver takes {}",
        kind.name,
        accepted.join(", ")
    ))
}

fn missing(receiver: &Receiver, kind: &Kind, alternatives: &[&str]) -> Diagnostic {
    let wanted = alternatives
        .iter()
        .map(|a| format!("`{a}=`"))
        .collect::<Vec<_>>()
        .join(" or ");
    Diagnostic::error(
        "missing-required",
        receiver.name.span,
        format!(
            "{} receiver `{}` has no {wanted}",
            kind.name, receiver.name.value
        ),
    )
    .with_label("the Alertmanager rejects a configuration with this receiver")
    .with_help(format!("add {wanted} to the receiver"))
}

/// A file setting holds an absolute path: the Alertmanager reads it from its own file system,
/// and a value that is not a path is most likely the secret itself.
fn file_problem(setting: &Setting, value: &Spanned<String>) -> Option<Diagnostic> {
    let text = &value.value;
    let why = if text.contains("://") {
        "this is a URL, not a file: the URL is the credential"
    } else if !text.starts_with('/') {
        "this is not an absolute path: it looks like the secret itself"
    } else {
        return None;
    };
    Some(Diagnostic::error(
        "invalid-value",
        value.span,
        format!("`{}` must name a file", setting.name),
    )
    .with_label(why)
    .with_help(
        "if this is a credential, rotate it; write the value to a file the Alertmanager mounts from the secret store and give the file's absolute path",
    ))
}

/// Inline settings are addresses, never credentials: a webhook URL must not carry a password.
fn inline_problem(kind: &Kind, setting: &Setting, value: &Spanned<String>) -> Option<Diagnostic> {
    if kind.name != "webhook" || setting.name != "url" {
        return None;
    }
    let after_scheme = value.value.split_once("://").map_or("", |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    if !authority.contains('@') {
        return None;
    }
    Some(Diagnostic::error(
        "invalid-value",
        value.span,
        "this webhook URL carries credentials inline",
    )
    .with_label("whoever reads the repository can call the webhook")
    .with_help(
        "rotate the credentials, write the URL to a file the Alertmanager mounts from the secret store, and name it: `api-url-file=\"/etc/alertmanager/secrets/…\"`",
    ))
}

#[cfg(test)]
mod tests {
    use gantry::source::{FileId, Span};

    use super::*;

    fn spanned(text: &str) -> Spanned<String> {
        Spanned::new(text.to_string(), Span::new(FileId(0), 0..1))
    }

    fn webhook(url: &str) -> Receiver {
        Receiver {
            name: spanned("hook"),
            kind: Some(spanned("webhook")),
            settings: vec![(spanned("url"), spanned(url))],
            span: Span::new(FileId(0), 0..1),
        }
    }

    /// The secret-literal rule rejects most such URLs while checking; this holds even where it
    /// is allowed or does not recognise the password.
    #[test]
    fn a_webhook_url_with_credentials_is_refused() {
        assert!(receiver(&webhook("https://alerts:x@hooks.example/in")).is_err());
        assert!(receiver(&webhook("https://hooks.example/in?user=a@b")).is_ok());
        let config = receiver(&webhook("https://hooks.example/in")).expect("a receiver");
        assert_eq!(
            config["webhook_configs"][0]["url"],
            "https://hooks.example/in"
        );
    }
}
