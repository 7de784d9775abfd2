use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, about_deploy};

use super::{progressive, rollout_name, strategy_place};

crate::declare_rule! {
    /// ## What it does
    /// Reports an automated canary or blue-green rollout that no human can step into: no
    /// `manual-override team=`, and no step (nor the deploy) that waits for a team's approval.
    ///
    /// ## Why is this bad?
    /// Analysis is sometimes wrong: it promotes a version that breaks something its SLOs do not
    /// measure, or keeps aborting a good version because a dependency is flaky. In that incident
    /// someone must pause, promote or abort the rollout by hand, and the override says who may.
    /// Without it the controller is the only one deciding, and on-call either waits for it or
    /// fights it with ad-hoc `kubectl` edits that the next deploy undoes.
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     owner "payments"
    ///     deploy use="std/canary-standard"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     owner "payments"
    ///     deploy use="std/canary-standard" {
    ///         manual-override team="payments"
    ///     }
    /// }
    /// ```
    pub ROLLOUT_WITHOUT_MANUAL_OVERRIDE = ("rollout-without-manual-override", Severity::Warning, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        for (index, deploy) in feature.deploys.iter().enumerate() {
            let Some(strategy) = progressive(deploy) else {
                continue;
            };
            let approved =
                deploy.approve.is_some() || deploy.steps.iter().any(|s| s.approve.is_some());
            if deploy.manual_override.is_some() || approved {
                continue;
            }
            let (span, also) = strategy_place(cx, feature, deploy, strategy);
            let team = feature.owner.as_ref().map_or("…", |o| o.value.as_str());
            let mut finding = Finding::new(
                about_deploy(feature, index),
                span,
                format!(
                    "{} has no manual override",
                    rollout_name(feature, deploy, &strategy.value)
                ),
            )
            .label("no one may pause, promote or abort it by hand")
            .help(format!(
                "name the team that may step in: `manual-override team=\"{team}\"`, or make a step wait for it with `approve=\"{team}\"`"
            ));
            if let Some((span, text)) = also {
                finding = finding.secondary(span, text);
            }
            out.push(finding);
        }
    }
}
