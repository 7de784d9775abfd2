use crate::ast::{Deploy, Feature, Name, RollbackTrigger, Slo};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, about_deploy};
use crate::source::Span;

use crate::lint::origin::{self, Written};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `rollback-when slo=` (`slo="*"` included: every SLO of the deployed services)
    /// whose SLO measures a service of a feature that declares no `telemetry { metrics … }`.
    ///
    /// ## Why is this bad?
    /// The canary analysis reads the SLO's indicator from Prometheus, and Prometheus only
    /// scrapes what `metrics` declares. With nothing scraped, every query of the analysis comes
    /// back empty: an empty result is not a failure, so a broken version passes every step and
    /// is promoted to all users. The rollback the spec promises never happens, and the SLO's
    /// alerts stay as silent as the analysis.
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     service "api" { image "registry.example/api:1.0.0"; port 8080 }
    ///     deploy strategy="canary" {
    ///         step weight=10 pause="10m"
    ///         rollback-when slo="availability"
    ///     }
    ///     slo "availability" objective=99.9 runbook="shop-down" {
    ///         ratio preset="std/http-availability"
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     service "api" { image "registry.example/api:1.0.0"; port 8080 }
    ///     deploy strategy="canary" {
    ///         step weight=10 pause="10m"
    ///         rollback-when slo="availability"
    ///     }
    ///     telemetry { metrics path="/metrics" port=9090; }
    ///     slo "availability" objective=99.9 runbook="shop-down" {
    ///         ratio preset="std/http-availability"
    ///     }
    /// }
    /// ```
    pub ROLLBACK_TRIGGER_WITHOUT_TELEMETRY = ("rollback-trigger-without-telemetry", Severity::Error, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        if feature
            .telemetry
            .as_ref()
            .is_some_and(|t| t.metrics.is_some())
        {
            continue;
        }
        for (index, deploy) in feature.deploys.iter().enumerate() {
            if let Some(finding) = deploy_finding(cx, feature, index, deploy) {
                out.push(finding);
            }
        }
    }
}

fn deploy_finding<'a>(
    cx: &LintContext,
    feature: &'a Feature,
    index: usize,
    deploy: &Deploy,
) -> Option<Finding> {
    let only = (feature.services.len() == 1).then(|| feature.services[0].name.value.as_str());
    let measured = |slo: &'a Slo| slo.service.as_ref().map(|s| s.value.as_str()).or(only);
    let deployed: Vec<&str> = match &deploy.service {
        Some(service) => vec![service.value.as_str()],
        None => feature
            .services
            .iter()
            .map(|s| s.name.value.as_str())
            .collect(),
    };
    // Each trigger that reads an SLO of a service, with the SLOs it reads.
    let triggers: Vec<(&Name, Vec<&Slo>)> = deploy
        .rollback_when
        .iter()
        .filter_map(|trigger| match trigger {
            RollbackTrigger::Slo(name) => Some(name),
            RollbackTrigger::Alert(_) => None,
        })
        .map(|name| {
            let slos = feature
                .slos
                .iter()
                .filter(|slo| match measured(slo) {
                    Some(service) if name.value == "*" => deployed.contains(&service),
                    Some(_) => slo.name.value == name.value,
                    None => false,
                })
                .collect();
            (name, slos)
        })
        .filter(|(_, slos): &(_, Vec<&Slo>)| !slos.is_empty())
        .collect();
    let ((first, _), rest) = triggers.split_first()?;

    let mut slos: Vec<&str> = Vec::new();
    let mut services: Vec<&str> = Vec::new();
    for slo in triggers.iter().flat_map(|(_, s)| s) {
        if !slos.contains(&slo.name.value.as_str()) {
            slos.push(&slo.name.value);
        }
        if let Some(service) = measured(slo).filter(|s| !services.contains(s)) {
            services.push(service);
        }
    }
    let rollout = match deploy.strategy.as_ref().map(|s| s.value.as_str()) {
        Some("canary") => "the canary",
        Some("blue-green") => "the blue-green switch",
        _ => "the deploy",
    };
    let (which, them) = match &services[..] {
        [one] => (format!("service `{one}`"), "exposes"),
        _ => (format!("services {}", list(&services)), "expose"),
    };
    let message = format!(
        "{rollout} rolls back on {} {} of {which}, which {them} no metrics",
        if slos.len() == 1 { "SLO" } else { "SLOs" },
        list(&slos)
    );

    let mut written: Option<Written> = None;
    let (span, mut secondary) = locate(cx, feature, deploy, first, &mut written);
    for (name, _) in rest {
        let (other, more) = locate(cx, feature, deploy, name, &mut written);
        if other != span {
            secondary.push((other, "no data for this one either".to_string()));
        }
        for label in more {
            if !secondary.contains(&label) {
                secondary.push(label);
            }
        }
    }
    let scrape = if services.len() == 1 {
        "let Prometheus scrape it"
    } else {
        "let Prometheus scrape them"
    };
    let help = if feature.telemetry.is_some() {
        format!("{scrape}: add `metrics path=\"/metrics\" port=9090` to the feature's `telemetry`")
    } else {
        format!("{scrape}: `telemetry {{ metrics path=\"/metrics\" port=9090 }}`")
    };
    let mut finding = Finding::new(about_deploy(feature, index), span, message)
        .label("the analysis finds no data, so it never rolls back")
        .help(help);
    for (span, text) in secondary {
        finding = finding.secondary(span, text);
    }
    Some(finding)
}

/// Where a trigger is pointed at: its own `slo=`, or the deploy's `use=` when a preset wrote it
/// (the preset's `slo=` then shows too); a trigger in an overlay's deploy also shows the base
/// deploy that the overlay's replaces.
fn locate<'a>(
    cx: &LintContext<'a>,
    feature: &Feature,
    deploy: &Deploy,
    trigger: &Name,
    written: &mut Option<Written<'a>>,
) -> (Span, Vec<(Span, String)>) {
    if let Some(preset) = origin::preset_at(cx, trigger.span) {
        let text = format!(
            "`rollback-when slo=\"{}\"` set by preset `{}`",
            trigger.value, preset.name.value
        );
        let at = deploy.preset.as_ref().map_or(trigger.span, |p| p.span);
        return (at, vec![(trigger.span, text)]);
    }
    if trigger.span.file != feature.file {
        return (trigger.span, Vec::new());
    }
    let written = written.get_or_insert_with(|| Written::of(cx, feature));
    let mut more = Vec::new();
    if let Some(env) = written.overlay_at(trigger.span) {
        let service = deploy.service.as_ref().map(|s| s.value.as_str());
        if let Some(base) = written.base_deploy(service) {
            more.push((base, format!("`{}` replaces this deploy", env.value)));
        }
    }
    (trigger.span, more)
}

fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}
