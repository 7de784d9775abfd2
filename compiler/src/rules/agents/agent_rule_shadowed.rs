use crate::ast::{Agent, AgentRule, Effect, Feature};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};
use crate::source::Spanned;
use crate::values::{Resource, Target};

use super::{Origin, agents, at_value, origin};

crate::declare_rule! {
    /// ## What it does
    /// Reports a resource of an agent's `allow` that a `deny` of the same action covers: the
    /// same resource, a `*` of its feature, or a GitHub pattern that matches it. A deny always
    /// wins, so the allow grants nothing. Narrowing a preset's allow with a deny, and denying in
    /// one environment's overlay what the base allows, are not reported: there the allow still
    /// applies elsewhere.
    ///
    /// ## Why is this bad?
    /// A rule that grants nothing misleads whoever reads the agent's rights: a reviewer sees
    /// `allow "deploy" "k8s:shop/api"` and believes the agent can deploy, an on-call engineer
    /// expects it to have rolled out the fix, and the next edit that narrows the deny suddenly
    /// grants a right nobody reviewed in that pull request. Either the allow or the deny is a
    /// mistake; the spec should say which.
    ///
    /// ## Example
    /// ```kdl
    /// agent "deploy-bot" {
    ///     allow "deploy" "k8s:shop/api"
    ///     deny "deploy" "k8s:shop/*"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "deploy-bot" {
    ///     allow "deploy" "k8s:shop/api"
    ///     deny "deploy" "k8s:shop/worker"
    /// }
    /// ```
    pub AGENT_RULE_SHADOWED = ("agent-rule-shadowed", Severity::Warning, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for (feature, agent) in agents(cx) {
        let own = feature.name.value.as_str();
        for allow in agent.rules.iter().filter(|r| r.effect == Effect::Allow) {
            if matches!(origin(cx, feature, agent, allow.span), Origin::Preset(_)) {
                continue;
            }
            for resource in &allow.resources {
                let Some((deny, by)) = shadowing_deny(agent, allow, &resource.value, own) else {
                    continue;
                };
                let deny_in_overlay =
                    matches!(origin(cx, feature, agent, deny.span), Origin::Overlay(_));
                let allow_in_overlay =
                    matches!(origin(cx, feature, agent, allow.span), Origin::Overlay(_));
                if deny_in_overlay && !allow_in_overlay {
                    continue;
                }
                out.push(finding(cx, feature, agent, allow, resource, by));
            }
        }
    }
}

/// The first deny of the same action with a resource that covers `allowed`.
fn shadowing_deny<'a>(
    agent: &'a Agent,
    allow: &AgentRule,
    allowed: &Resource,
    own: &str,
) -> Option<(&'a AgentRule, &'a Spanned<Resource>)> {
    agent
        .rules
        .iter()
        .filter(|r| r.effect == Effect::Deny && r.action.value == allow.action.value)
        .find_map(|deny| {
            deny.resources
                .iter()
                .find(|d| covers(&d.value, allowed, own))
                .map(|d| (deny, d))
        })
}

/// Whether every entity `allowed` names is also named by `denied`.
fn covers(denied: &Resource, allowed: &Resource, own: &str) -> bool {
    if denied.kind != allowed.kind {
        return false;
    }
    let feature = |f: &Option<String>| f.clone().unwrap_or_else(|| own.to_string());
    match (&denied.target, &allowed.target) {
        (
            Target::All { feature: d },
            Target::All { feature: a } | Target::One { feature: a, .. },
        ) => feature(d) == feature(a),
        (
            Target::One {
                feature: d,
                name: dn,
            },
            Target::One {
                feature: a,
                name: an,
            },
        ) => feature(d) == feature(a) && dn == an,
        (
            Target::Github {
                org: d_org,
                repo: d_repo,
                scope: d_scope,
            },
            Target::Github { org, repo, scope },
        ) => part_covers(d_org, org) && part_covers(d_repo, repo) && part_covers(d_scope, scope),
        _ => false,
    }
}

/// Whether a part of a denied GitHub resource matches everything the allowed part does.
fn part_covers(denied: &str, allowed: &str) -> bool {
    denied == allowed || denied == "*" || (!allowed.contains('*') && glob(denied, allowed))
}

/// `*` matches any text, including none.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            let Some(rest) = text.strip_prefix(head) else {
                return false;
            };
            rest.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(rest.len()))
                .any(|i| rest.get(i..).is_some_and(|r| glob(tail, r)))
        }
    }
}

fn finding(
    cx: &LintContext,
    feature: &Feature,
    agent: &Agent,
    allow: &AgentRule,
    resource: &Spanned<Resource>,
    by: &Spanned<Resource>,
) -> Finding {
    let action = &allow.action.value;
    at_value(
        cx,
        feature,
        agent,
        resource.span,
        format!(
            "agent `{}` is allowed to `{action}` `{}`, but a deny of `{}` takes it back",
            agent.name.value, resource.value, by.value
        ),
        "this allow grants nothing".to_string(),
    )
    .secondary(by.span, "a deny wins over any allow".to_string())
    .help(format!(
        "remove the allow if the agent must not `{action}` `{}`; otherwise narrow the deny so it no longer covers it",
        resource.value
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_patterns_cover_what_they_match() {
        assert!(part_covers("*", "checkout"));
        assert!(part_covers("check*", "checkout"));
        assert!(part_covers("*out", "checkout"));
        assert!(!part_covers("check*", "payments"));
        assert!(!part_covers("check*", "*"));
        assert!(part_covers("*", "*"));
    }
}
