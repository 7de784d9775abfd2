use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, about};

crate::declare_rule! {
    /// ## What it does
    /// Reports a service that no SLO of its feature measures.
    ///
    /// ## Why is this bad?
    /// Without an objective nothing says when the service is broken: no burn-rate alert pages
    /// anyone, no canary analysis can roll a bad version back, and the first to notice an outage
    /// are its users. Every alert, rollback trigger and dashboard gantry derives starts from an
    /// SLO.
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
    ///     service "api" { image "registry.example/api:1.0.0"; port 8080 }
    ///     slo "availability" objective=99.9 runbook="api-down" {
    ///         ratio preset="std/http-availability"
    ///     }
    ///     runbook "api-down" { summary "The API fails requests"; step "Roll back" }
    /// }
    /// ```
    pub SERVICE_WITHOUT_SLO = ("service-without-slo", Severity::Error, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        let only_service = (feature.services.len() == 1).then(|| &feature.services[0].name.value);
        // An SLO that names no service of the feature (left out among several, or misspelt) is
        // an error already; which service it was meant for is unknown, so none is reported.
        let unassigned = feature.slos.iter().any(|slo| match &slo.service {
            Some(name) => !feature.services.iter().any(|s| s.name.value == name.value),
            None => only_service.is_none(),
        });
        if unassigned {
            continue;
        }
        for service in &feature.services {
            let measured = feature.slos.iter().any(|slo| {
                slo.service.as_ref().map(|s| &s.value).or(only_service) == Some(&service.name.value)
            });
            if !measured {
                out.push(
                    Finding::new(
                        about(feature, "service", &service.name.value),
                        service.name.span,
                        format!("service `{}` has no SLO", service.name.value),
                    )
                    .label("nothing says when it is broken")
                    .help(format!(
                        "add an objective, e.g. `slo \"availability\" service=\"{}\" objective=99.9 runbook=\"…\" {{ ratio preset=\"std/http-availability\" }}`",
                        service.name.value
                    )),
                );
            }
        }
    }
}
