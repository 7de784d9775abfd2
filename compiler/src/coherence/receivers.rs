//! The workspace's alert receivers as the alertmanager target writes them, and the route each
//! team's alerts take to them. What the Alertmanager would refuse, or what would leave alerts
//! with no one to reach, is found here by the check; the target builds its configuration from
//! what these functions read.
//!
//! Secrets reach the Alertmanager only as files it reads itself (`routing_key_file`,
//! `api_url_file`, `api_key_file`, `url_file`): a setting that holds a credential inline, or a
//! file setting that holds the credential instead of a path, is a diagnostic at the value.

use std::collections::{BTreeMap, BTreeSet};

use crate::ast::{Feature, Name, Receiver, Team, Workspace};
use crate::diagnostics::Diagnostic;
use crate::source::Spanned;

/// A setting of a receiver: its name in gantry.kdl, its field in the Alertmanager config, and
/// whether it names a file holding a secret.
#[derive(Debug)]
pub struct Setting {
    pub name: &'static str,
    pub field: &'static str,
    pub file: bool,
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
#[derive(Debug)]
pub struct Kind {
    pub name: &'static str,
    pub configs: &'static str,
    pub settings: &'static [Setting],
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

/// A receiver the Alertmanager accepts: its kind, and its settings by their Alertmanager field.
#[derive(Debug)]
pub struct Config<'r> {
    pub kind: &'static Kind,
    pub fields: Vec<(&'static str, &'r str)>,
}

/// Reports what the Alertmanager would refuse about the workspace's receivers, and every team
/// that owns something that alerts, in any environment, with no receiver for it. Nothing is
/// reported for a workspace that does not build the alertmanager target.
pub fn check_workspace<'f>(
    workspace: &Workspace,
    features: impl IntoIterator<Item = &'f Feature>,
    report: &mut impl FnMut(Diagnostic),
) {
    if !workspace.builds("alertmanager") {
        return;
    }
    for receiver in &workspace.receivers {
        if let Err(found) = config(receiver) {
            found.into_iter().for_each(&mut *report);
        }
    }
    let mut unreachable = Vec::new();
    for team in &workspace.teams {
        match team_receivers(workspace, team) {
            Ok(Some(_)) => {}
            Ok(None) => unreachable.push(team),
            Err(d) => report(*d),
        }
    }
    if unreachable.is_empty() {
        return;
    }
    // What the teams own is read only when one of them has no receiver.
    let owning = owning_teams(features);
    for team in unreachable {
        if let Some(owned) = owning.get(team.name.value.as_str()) {
            report(without_oncall(team, owned));
        }
    }
}

/// The Alertmanager receiver of a workspace receiver, or every problem with it; `None` for a
/// receiver without a kind it knows, which the schema has reported.
pub fn config(receiver: &Receiver) -> Result<Option<Config<'_>>, Vec<Diagnostic>> {
    let Some(kind) = receiver
        .kind
        .as_ref()
        .and_then(|k| KINDS.iter().find(|kind| kind.name == k.value))
    else {
        return Ok(None);
    };
    let mut errors = Vec::new();
    let mut fields = Vec::new();
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
        match problem {
            Some(d) => errors.push(d),
            None => fields.push((setting.field, value.value.as_str())),
        }
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
                        "receiver `{}` gives both `{}` and `{}`",
                        receiver.name.value, first.value, second.value
                    ),
                )
                .with_label("the Alertmanager accepts only one of them")
                .with_secondary(first.span, "also given here")
                .with_help(format!("keep one of `{}`", alternatives.join("`, `"))),
            ),
        }
    }
    if errors.is_empty() {
        Ok(Some(Config { kind, fields }))
    } else {
        Err(errors)
    }
}

/// The receivers a team's pages and tickets go to: its pager and its chat's receiver. A team
/// with only one of them (or a chat that names no receiver) gets both severities there, so
/// that nothing it owns is dropped; a team with neither has none.
pub fn team_receivers<'w>(
    workspace: &'w Workspace,
    team: &'w Team,
) -> Result<Option<(&'w str, &'w str)>, Box<Diagnostic>> {
    let pager = team.pager.as_ref().map(|p| p.value.as_str());
    let chat = match &team.chat {
        Some(chat) => chat_receiver(workspace, chat)?.map(|r| r.name.value.as_str()),
        None => None,
    };
    Ok(match (pager, chat) {
        (Some(pager), Some(chat)) => Some((pager, chat)),
        (Some(only), None) | (None, Some(only)) => Some((only, only)),
        (None, None) => None,
    })
}

/// The receiver a team's `chat=` names (see [`Workspace::chat_receivers`]). A chat that names
/// none is no receiver (the `team-chat-without-receiver` lint says so); one that names several
/// slack receivers is ambiguous.
fn chat_receiver<'w>(
    workspace: &'w Workspace,
    chat: &Spanned<String>,
) -> Result<Option<&'w Receiver>, Box<Diagnostic>> {
    match workspace.chat_receivers(&chat.value).as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        [first, others @ ..] => {
            let mut d = Diagnostic::error(
                "invalid-value",
                chat.span,
                format!("several slack receivers post to `{}`", chat.value),
            )
            .with_label("which one should tickets go to?")
            .with_secondary(first.name.span, "this one")
            .with_help("name the receiver instead of the channel: `chat=\"RECEIVER\"`");
            for other in others {
                d = d.with_secondary(other.name.span, "and this one");
            }
            Err(Box::new(d))
        }
    }
}

/// Which teams own something that alerts: a feature or an agent, by team.
pub fn owning_teams<'f>(
    features: impl IntoIterator<Item = &'f Feature>,
) -> BTreeMap<&'f str, BTreeSet<String>> {
    let mut out: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for feature in features {
        let name = &feature.name.value;
        if let Some(owner) = &feature.owner {
            out.entry(owner.value.as_str())
                .or_default()
                .insert(format!("feature `{name}`"));
        }
        for agent in &feature.agents {
            if let Some(owner) = &agent.owner {
                out.entry(owner.value.as_str())
                    .or_default()
                    .insert(format!("agent `{name}/{}`", agent.name.value));
            }
        }
    }
    out
}

/// A team that owns `owned` and has no receiver for its alerts.
pub fn without_oncall(team: &Team, owned: &BTreeSet<String>) -> Diagnostic {
    Diagnostic::error(
        "missing-required",
        team.name.span,
        format!("team `{}` has no `oncall` receiver", team.name.value),
    )
    .with_label(format!(
        "it owns {}, whose alerts would reach no one",
        owned.iter().cloned().collect::<Vec<_>>().join(", ")
    ))
    .with_help("add `oncall pager=\"RECEIVER\" chat=\"RECEIVER\"` to the team")
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
    use crate::source::{FileId, Span};

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
        assert!(config(&webhook("https://alerts:x@hooks.example/in")).is_err());
        assert!(config(&webhook("https://hooks.example/in?user=a@b")).is_ok());
        let plain = webhook("https://hooks.example/in");
        let read = config(&plain).ok().flatten().expect("a receiver");
        assert_eq!(read.kind.configs, "webhook_configs");
        assert_eq!(read.fields, [("url", "https://hooks.example/in")]);
    }

    #[test]
    fn a_receiver_of_no_known_kind_is_left_to_the_schema() {
        let mut unknown = webhook("https://hooks.example/in");
        unknown.kind = Some(spanned("carrier-pigeon"));
        assert!(matches!(config(&unknown), Ok(None)));
        unknown.kind = None;
        assert!(matches!(config(&unknown), Ok(None)));
    }
}
