use crate::ast::{Team, Workspace};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, Subject};
use crate::suggest::did_you_mean;

crate::declare_rule! {
    /// ## What it does
    /// Reports a team whose `oncall chat=` names no receiver of the workspace: neither a
    /// `receiver` of that name nor a slack receiver posting to that channel.
    ///
    /// ## Why is this bad?
    /// The alertmanager target sends a team's `ticket` alerts to its chat receiver. When the
    /// chat names nothing Alertmanager can deliver to, the tickets go to the team's pager
    /// instead (nothing is dropped), so slow budget burns page someone who only needed a
    /// ticket. Declaring the receiver puts them where the team meant them to go.
    ///
    /// ## Example
    /// ```kdl
    /// workspace "acme" {
    ///     team "payments" { oncall pager="payments-pager" chat="#payments-oncall" }
    ///     receiver "payments-pager" kind="pagerduty" routing-key-file="/etc/alertmanager/secrets/payments"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// workspace "acme" {
    ///     team "payments" { oncall pager="payments-pager" chat="#payments-oncall" }
    ///     receiver "payments-pager" kind="pagerduty" routing-key-file="/etc/alertmanager/secrets/payments"
    ///     receiver "payments-chat" kind="slack" channel="#payments-oncall" api-url-file="/etc/alertmanager/secrets/slack"
    /// }
    /// ```
    pub TEAM_CHAT_WITHOUT_RECEIVER = ("team-chat-without-receiver", Severity::Warning, Scope::Workspace, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    let Some(workspace) = cx.workspace else {
        return;
    };
    if !workspace.builds("alertmanager") {
        return;
    }
    for team in &workspace.teams {
        let Some(chat) = &team.chat else { continue };
        if !workspace.chat_receivers(&chat.value).is_empty() {
            continue;
        }
        let finding = Finding::new(
            Subject {
                feature: String::new(),
                entity: None,
            },
            chat.span,
            format!(
                "team `{}`'s chat `{}` names no receiver",
                team.name.value, chat.value
            ),
        )
        .label(destination(team))
        .help(help(workspace, &chat.value));
        out.push(finding);
    }
}

fn destination(team: &Team) -> String {
    match &team.pager {
        Some(pager) => format!("its ticket alerts go to the pager `{}`", pager.value),
        None => "its alerts reach no one".to_string(),
    }
}

fn help(workspace: &Workspace, chat: &str) -> String {
    let names = workspace.receivers.iter().map(|r| r.name.value.as_str());
    match did_you_mean(chat, names) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!(
            "declare a receiver for it in gantry.kdl: `receiver \"NAME\" kind=\"slack\" channel=\"{}\" api-url-file=\"/etc/alertmanager/secrets/…\"`",
            chat.replace('\\', "\\\\").replace('"', "\\\"")
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{Input, check_files};

    fn findings(workspace: &str) -> Vec<(String, String)> {
        let checked = check_files(
            Input {
                name: "gantry.kdl".to_string(),
                text: workspace.into(),
            },
            Vec::new(),
        );
        checked
            .diagnostics
            .iter()
            .filter(|d| d.id == "team-chat-without-receiver")
            .map(|d| {
                (
                    checked.sources.text(d.primary.span).to_string(),
                    d.primary.text.clone(),
                )
            })
            .collect()
    }

    const PAGER: &str =
        r#"receiver "pager" kind="pagerduty" routing-key-file="/etc/alertmanager/pager""#;

    #[test]
    fn a_channel_no_receiver_posts_to_is_reported() {
        let found = findings(&format!(
            "workspace \"w\" {{\n    team \"payments\" {{ oncall pager=\"pager\" chat=\"#payments\"; }}\n    {PAGER}\n}}\n"
        ));
        assert_eq!(
            found,
            [(
                "\"#payments\"".to_string(),
                "its ticket alerts go to the pager `pager`".to_string()
            )]
        );
    }

    #[test]
    fn a_receiver_name_or_a_slack_channel_is_not() {
        for chat in ["pager", "chat", "#payments"] {
            let workspace = format!(
                "workspace \"w\" {{\n    team \"payments\" {{ oncall pager=\"pager\" chat=\"{chat}\"; }}\n    {PAGER}\n    receiver \"chat\" kind=\"slack\" channel=\"#payments\" api-url-file=\"/etc/alertmanager/slack\"\n}}\n"
            );
            assert_eq!(findings(&workspace), [], "{chat}");
        }
    }

    #[test]
    fn a_workspace_without_the_alertmanager_target_is_not() {
        let found = findings(&format!(
            "workspace \"w\" {{\n    targets \"kubernetes\"\n    team \"payments\" {{ oncall pager=\"pager\" chat=\"#payments\"; }}\n    {PAGER}\n}}\n"
        ));
        assert_eq!(found, []);
    }
}
