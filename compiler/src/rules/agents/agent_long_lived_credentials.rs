use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};
use crate::values::Duration;

use super::{agents, at_value};

crate::declare_rule! {
    /// ## What it does
    /// Reports agent credentials that live long: `source="static"`, a `ttl` over 24 hours, or no
    /// `ttl` at all (the issuer's default, often days or never).
    ///
    /// ## Why is this bad?
    /// An agent's credentials pass through its prompts, its tool calls, its logs and its
    /// model provider. A leaked one that stays valid for weeks is a standing key to whatever the
    /// agent may touch; a static one stays valid until someone remembers to rotate it, which is
    /// usually after the incident. Short-lived credentials from vault, STS or workload identity
    /// expire before a leak is useful, and the terraform target sets the IAM session length
    /// from the `ttl`.
    ///
    /// ## Example
    /// ```kdl
    /// agent "deploy-bot" {
    ///     credentials source="static"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "deploy-bot" {
    ///     credentials source="vault" ttl="1h"
    /// }
    /// ```
    pub AGENT_LONG_LIVED_CREDENTIALS = ("agent-long-lived-credentials", Severity::Warning, Scope::Feature, check);
}

/// The longest a credential may live.
const MAX_TTL: Duration = Duration::from_minutes(24 * 60);

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for (feature, agent) in agents(cx) {
        let Some(credentials) = &agent.credentials else {
            continue;
        };
        let name = &agent.name.value;
        let finding = |span, message: String, label: &str, help: &str| {
            at_value(cx, feature, agent, span, message, label.to_string()).help(help.to_string())
        };
        // A static credential has no lifetime of its own: its ttl would not be enforced.
        if let Some(source) = credentials.source.as_ref().filter(|s| s.value == "static") {
            out.push(finding(
                source.span,
                format!("agent `{name}` uses static credentials"),
                "valid until someone rotates them",
                "issue short-lived ones instead, e.g. `credentials source=\"vault\" ttl=\"1h\"`",
            ));
            continue;
        }
        match &credentials.ttl {
            None => out.push(finding(
                credentials.span,
                format!("the credentials of agent `{name}` have no ttl"),
                "they live as long as the issuer's default",
                "say how long they live, as short as a run needs: `ttl=\"1h\"` (24h at most)",
            )),
            Some(ttl) if ttl.value > MAX_TTL => out.push(finding(
                ttl.span,
                format!(
                    "the credentials of agent `{name}` live {}, more than 24h",
                    ttl.value
                ),
                "a leaked credential stays valid this long",
                "shorten it to what a run needs, e.g. `ttl=\"1h\"` (24h at most)",
            )),
            Some(_) => {}
        }
    }
}
