use crate::ast::Feature;
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, about_feature};
use crate::suggest::did_you_mean;

crate::declare_rule! {
    /// ## What it does
    /// Reports a feature with no `owner`: no team of the workspace answers for it.
    ///
    /// ## Why is this bad?
    /// The owner is who gets paged: Alertmanager routes a feature's alerts to its owner team's
    /// `oncall` receivers, its gates ask that team's approvers, and every generated object
    /// carries the team as a label. Without one, an alert has no route to anyone with a reason
    /// to act: it fires into a default channel nobody watches, and in an incident nobody knows
    /// whom to call or who may approve the fix.
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     service "api" { image "registry.example/api:1.0.0"; port 8080 }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     owner "payments"
    ///     service "api" { image "registry.example/api:1.0.0"; port 8080 }
    /// }
    /// ```
    pub FEATURE_WITHOUT_OWNER = ("feature-without-owner", Severity::Error, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features.iter().filter(|f| f.owner.is_none()) {
        // An environment whose overlay gives the feature an owner the base lacks.
        let elsewhere = cx.environments.iter().find_map(|env| {
            let owner = env.feature(&feature.name.value)?.owner.as_ref()?;
            Some((env.name.as_str(), owner))
        });
        let teams: Vec<&str> = cx
            .workspace
            .map(|w| w.teams.iter().map(|t| t.name.value.as_str()).collect())
            .unwrap_or_default();
        let mut finding = Finding::new(
            about_feature(feature),
            feature.name.span,
            format!("feature `{}` has no owner", feature.name.value),
        )
        .label("no team is paged for its alerts or approves its changes");
        let help = if let Some((env, owner)) = elsewhere {
            finding = finding.secondary(owner.span, format!("only `{env}` has an owner"));
            format!(
                "move `owner \"{}\"` out of the `env \"{env}\"` block, so every environment has it",
                owner.value
            )
        } else {
            suggestion(feature, &teams)
        };
        out.push(finding.help(help));
    }
}

/// A team the feature probably belongs to: one named like it, or the one its agents, runbooks,
/// rollouts and gates already name; else the teams there are.
fn suggestion(feature: &Feature, teams: &[&str]) -> String {
    let mut named: Vec<&str> = Vec::new();
    let mentions = feature
        .agents
        .iter()
        .filter_map(|a| a.owner.as_ref())
        .chain(
            feature
                .runbooks
                .iter()
                .flat_map(|r| r.escalate.iter().map(|e| &e.team)),
        )
        .chain(
            feature
                .deploys
                .iter()
                .filter_map(|d| d.manual_override.as_ref()),
        )
        .chain(
            feature
                .gates
                .iter()
                .flat_map(|g| g.approvals.iter().map(|a| &a.team)),
        );
    for team in mentions {
        if teams.contains(&team.value.as_str()) && !named.contains(&team.value.as_str()) {
            named.push(&team.value);
        }
    }
    let name = &feature.name.value;
    let guess = teams
        .iter()
        .copied()
        .find(|t| t == name)
        .or_else(|| did_you_mean(name, teams.iter().copied()))
        .or(match named[..] {
            [one] => Some(one),
            _ => None,
        });
    match (guess, teams) {
        (Some(team), _) | (None, &[team]) => {
            format!("name the team that answers for it: `owner \"{team}\"`")
        }
        (None, []) => "declare a team in gantry.kdl (`team \"NAME\" { oncall pager=\"…\" }`) and name it: `owner \"NAME\"`".to_string(),
        (None, _) => {
            let quoted: Vec<String> = teams.iter().map(|t| format!("`{t}`")).collect();
            format!(
                "name the team that answers for it: `owner \"TEAM\"`, one of {}",
                quoted.join(", ")
            )
        }
    }
}
