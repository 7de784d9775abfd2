use crate::ast::{Deploy, Effect, Feature};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, about, about_deploy};
use crate::source::Span;

crate::declare_rule! {
    /// ## What it does
    /// Compares each environment with the one declared before it in `gantry.kdl` (environments
    /// are declared from the least to the most critical, e.g. `staging` then `prod`) and reports
    /// where the later one is weaker: a lower SLO objective, fewer minimum replicas, a canary or
    /// blue-green rollout that lost its rollback triggers, an agent with rights the earlier
    /// environment does not give it.
    ///
    /// ## Why is this bad?
    /// Environment overlays are where production quietly drifts from what was tested: an
    /// objective lowered "for now" in prod, a replica count copied from staging, a rollback
    /// trigger dropped in the overlay, an agent allowed in prod what it never did in staging.
    /// Each is reviewed as a small diff of an overlay, not as what it is: production being less
    /// protected than the environment before it.
    ///
    /// ## Example
    /// ```kdl
    /// slo "availability" objective=99.9 { ratio preset="std/http-availability" }
    /// env "prod" { slo "availability" objective=99.0 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// slo "availability" objective=99.9 { ratio preset="std/http-availability" }
    /// env "staging" { slo "availability" objective=99.0 }
    /// ```
    pub ENVIRONMENT_DRIFT = ("environment-drift", Severity::Warning, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    let Some(position) = cx
        .environments
        .iter()
        .position(|e| e.name == cx.environment)
    else {
        return;
    };
    let Some(before) = position.checked_sub(1).map(|i| &cx.environments[i]) else {
        return;
    };
    for feature in cx.features {
        let Some(earlier) = before.feature(&feature.name.value) else {
            continue;
        };
        let env = cx.environment;
        let prev = before.name.as_str();
        let drift = |subject, span: Span, what: String, earlier_span: Span| {
            let mut f = Finding::new(subject, span, format!("in `{env}`, {what}"))
                .label(format!("weaker than in `{prev}`"))
                .help(format!(
                    "make `{env}` at least as strict as `{prev}`, or, if this is intended, silence it with `allow \"environment-drift\" reason=\"…\"`"
                ));
            if earlier_span != span {
                f = f.secondary(earlier_span, format!("the value in `{prev}`"));
            }
            f
        };
        for slo in &feature.slos {
            let Some(old) = earlier.slos.iter().find(|s| s.name.value == slo.name.value) else {
                continue;
            };
            if let (Some(now), Some(then)) = (&slo.objective, &old.objective)
                && now.value < then.value
            {
                out.push(drift(
                    about(feature, "slo", &slo.name.value),
                    now.span,
                    format!(
                        "slo `{}` aims lower ({}) than in `{prev}` ({})",
                        slo.name.value, now.value, then.value
                    ),
                    then.span,
                ));
            }
        }
        for service in &feature.services {
            let Some(old) = earlier
                .services
                .iter()
                .find(|s| s.name.value == service.name.value)
            else {
                continue;
            };
            let min = |s: &crate::ast::Service| s.replicas.as_ref().and_then(|r| r.min.clone());
            if let (Some(now), Some(then)) = (min(service), min(old))
                && now.value < then.value
            {
                out.push(drift(
                    about(feature, "service", &service.name.value),
                    now.span,
                    format!(
                        "service `{}` runs fewer replicas ({}) than in `{prev}` ({})",
                        service.name.value, now.value, then.value
                    ),
                    then.span,
                ));
            }
        }
        for (index, deploy) in feature.deploys.iter().enumerate() {
            let Some(old) = matching_deploy(earlier, deploy) else {
                continue;
            };
            let progressive =
                |d: &Deploy| d.strategy.as_ref().is_some_and(|s| s.value != "rolling");
            if progressive(deploy)
                && deploy.rollback_when.is_empty()
                && !old.rollback_when.is_empty()
            {
                out.push(drift(
                    about_deploy(feature, index),
                    deploy.keyword,
                    "the rollout has no rollback trigger".to_string(),
                    old.keyword,
                ));
            }
        }
        for agent in &feature.agents {
            let Some(old) = earlier
                .agents
                .iter()
                .find(|a| a.name.value == agent.name.value)
            else {
                continue;
            };
            let grants = |a: &crate::ast::Agent| -> Vec<(String, String)> {
                a.rules
                    .iter()
                    .filter(|r| r.effect == Effect::Allow)
                    .flat_map(|r| {
                        r.resources
                            .iter()
                            .map(move |res| (r.action.value.clone(), res.value.to_string()))
                    })
                    .collect()
            };
            let before_grants = grants(old);
            for rule in agent.rules.iter().filter(|r| r.effect == Effect::Allow) {
                for resource in &rule.resources {
                    let grant = (rule.action.value.clone(), resource.value.to_string());
                    if !before_grants.contains(&grant) {
                        out.push(drift(
                            about(feature, "agent", &agent.name.value),
                            resource.span,
                            format!(
                                "agent `{}` may `{}` `{}`, which it may not in `{prev}`",
                                agent.name.value, grant.0, grant.1
                            ),
                            resource.span,
                        ));
                    }
                }
            }
        }
    }
}

fn matching_deploy<'a>(earlier: &'a Feature, deploy: &Deploy) -> Option<&'a Deploy> {
    let key = deploy.service.as_ref().map(|s| &s.value);
    earlier
        .deploys
        .iter()
        .find(|d| d.service.as_ref().map(|s| &s.value) == key)
}
