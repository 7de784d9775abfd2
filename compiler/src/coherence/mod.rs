//! Values that are each valid on their own but contradict each other, or that the tools the
//! targets feed would refuse: checked on every feature as each environment sees it, and on the
//! workspace's receivers, so that `gantry check` (and the editor) finds them, not only
//! `gantry build`. Where a target needs the value it writes, it reads it through the function
//! here that checks it.

pub mod aws_names;
pub mod datastores;
pub mod pods;
pub mod receivers;
pub mod sizes;

use crate::ast::{Deploy, Feature, Flag, Port, Scalar, Service, Slo, Step, Workspace};
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::values::Duration;

/// Reports every contradiction in one feature as environment `environment` of the workspace
/// sees it. What only a target the workspace does not build would refuse is not reported.
pub fn check_feature(
    workspace: Option<&Workspace>,
    environment: &str,
    feature: &Feature,
    report: &mut impl FnMut(Diagnostic),
) {
    if let Some(workspace) = workspace.filter(|w| w.builds("terraform")) {
        datastores::check_feature(workspace, environment, feature, report);
    }
    if let Some(workspace) = workspace.filter(|w| w.builds("kubernetes")) {
        pods::check_feature(workspace, feature, report);
    }
    for service in &feature.services {
        replicas(service, report);
        probes(service, report);
        kubernetes_names(feature, service, report);
    }
    for deploy in &feature.deploys {
        steps(deploy, report);
    }
    for flag in &feature.flags {
        variant_names(flag, report);
        flag_rollout(flag, report);
    }
    for slo in &feature.slos {
        latency_bucket(feature, slo, report);
    }
}

fn invalid(span: Span, message: impl Into<String>, label: &str, help: &str) -> Diagnostic {
    Diagnostic::error("invalid-value", span, message)
        .with_label(label.to_string())
        .with_help(help.to_string())
}

fn replicas(service: &Service, report: &mut impl FnMut(Diagnostic)) {
    let Some(replicas) = &service.replicas else {
        return;
    };
    if let (Some(min), Some(max)) = (&replicas.min, &replicas.max)
        && max.value < min.value
    {
        report(
            invalid(
                max.span,
                format!("`max` ({}) is below `min` ({})", max.value, min.value),
                "fewer than the minimum",
                "the autoscaler runs between `min` and `max` replicas: raise `max` or lower `min`",
            )
            .with_secondary(min.span, "the minimum"),
        );
    }
}

fn probes(service: &Service, report: &mut impl FnMut(Diagnostic)) {
    if let Some(port) = &service.port {
        paths_without_http(service, port, report);
        return;
    }
    if service.port_invalid {
        return;
    }
    // One diagnostic for the service, however many probes lack a port.
    let mut portless = service.probes.iter().filter(|p| p.port.is_none());
    let Some(first) = portless.next() else {
        return;
    };
    let mut diagnostic = invalid(
        first.span,
        format!(
            "the {} probe has no port to call: service `{}` has no `port`",
            first.kind.value, service.name.value
        ),
        "no port",
        "give the service a `port`, or each probe a `port=`",
    );
    for other in portless {
        diagnostic = diagnostic.with_secondary(
            other.span,
            format!("nor does the {} probe", other.kind.value),
        );
    }
    report(diagnostic);
}

/// A probe's `path=` means an HTTP request: a service whose port speaks tcp or grpc is probed by
/// opening a connection or by the gRPC health check, which would drop the path unseen.
fn paths_without_http(service: &Service, port: &Port, report: &mut impl FnMut(Diagnostic)) {
    let Some(protocol) = port.protocol.as_ref().filter(|p| p.value != "http") else {
        return;
    };
    let how = if protocol.value == "grpc" {
        "with the gRPC health check"
    } else {
        "by opening a connection"
    };
    for probe in &service.probes {
        let Some(path) = &probe.path else {
            continue;
        };
        report(
            invalid(
                path.span,
                format!(
                    "the {} probe of service `{}` has a `path`, but its port speaks {}",
                    probe.kind.value, service.name.value, protocol.value
                ),
                "only an HTTP probe requests a path",
                &format!(
                    "remove `path=`: a {} port is probed {how}; or, if the service answers HTTP, \
                     make its port `protocol=\"http\"`",
                    protocol.value
                ),
            )
            .with_secondary(protocol.span, format!("{} here", protocol.value)),
        );
    }
}

/// The Kubernetes Services of a service are named `FEATURE-SERVICE`, and `-canary` and `-stable`
/// for a canary or `-preview` for a blue-green deploy: DNS-1035 labels, at most 63 characters
/// and starting with a letter. Each name is valid alone, but together they can be too long.
fn kubernetes_names(feature: &Feature, service: &Service, report: &mut impl FnMut(Diagnostic)) {
    // An invalid name is reported as such; what it would generate is not judged.
    if !crate::values::is_dns_label(&feature.name.value)
        || !crate::values::is_dns_label(&service.name.value)
    {
        return;
    }
    let strategy = feature
        .deploy_for(&service.name.value)
        .and_then(|d| d.strategy.as_ref());
    let suffixes: &[&str] = match strategy.map(|s| s.value.as_str()) {
        Some("canary") => &["", "-canary", "-stable"],
        Some("blue-green") => &["", "-preview"],
        _ => &[""],
    };
    // Service `api` deployed by canary has Services `F-api-canary` and `F-api-stable`: a
    // service named `api-canary` would be another object of the same name, and the cluster
    // keeps one.
    for suffix in suffixes.iter().filter(|s| !s.is_empty()) {
        let taken = format!("{}{suffix}", service.name.value);
        if let Some(other) = feature.services.iter().find(|s| s.name.value == taken) {
            report(
                invalid(
                    other.name.span,
                    format!(
                        "service `{taken}` has the name of service `{}`'s {} Service, `{}-{taken}`",
                        service.name.value,
                        &suffix[1..],
                        feature.name.value
                    ),
                    "its objects would replace that Service",
                    "rename one of the two services",
                )
                .with_secondary(service.name.span, "deployed with this Service beside it"),
            );
        }
    }
    let base = format!("{}-{}", feature.name.value, service.name.value);
    let bad = suffixes
        .iter()
        .map(|suffix| format!("{base}{suffix}"))
        .find(|name| {
            !crate::values::is_dns_label(name)
                || !name.starts_with(|c: char| c.is_ascii_lowercase())
        });
    if let Some(name) = bad {
        report(invalid(
            service.name.span,
            format!(
                "the Kubernetes Service name `{name}` is not a DNS-1035 label (at most 63 characters, starting with a letter)"
            ),
            "its generated names are too long or start with a digit",
            "shorten the feature or service name",
        ));
    }
}

/// What the Argo Rollouts controller would refuse: a step waits in one way at most, and weights
/// rise strictly within the strategy's range.
fn steps(deploy: &Deploy, report: &mut impl FnMut(Diagnostic)) {
    const REFUSED: &str = "the Argo Rollouts controller would refuse this";
    let strategy = deploy
        .strategy
        .as_ref()
        .map_or("rolling", |s| s.value.as_str());
    if !matches!(strategy, "rolling" | "canary" | "blue-green") {
        // Reported as a value no strategy has; its steps cannot be judged.
        return;
    }
    if strategy == "rolling" {
        if let Some(step) = deploy.steps.first() {
            // The strategy may be set elsewhere than the steps (an overlay over a preset's
            // canary): the diagnostic is where the deploy became rolling, and shows the step.
            let (span, label) = match &deploy.strategy {
                Some(rolling) => (rolling.span, "rolling here"),
                None => (step.span, "steps need a canary or blue-green deploy"),
            };
            let mut diagnostic = invalid(
                span,
                "a rolling deploy has no steps",
                label,
                "steps belong to `strategy=\"canary\"` or `strategy=\"blue-green\"`; remove them or change the strategy",
            );
            if span != step.span {
                diagnostic = diagnostic.with_secondary(step.span, "a step");
            }
            if let Some(preset) = &deploy.preset {
                diagnostic = diagnostic.with_secondary(preset.span, "the deploy's preset");
            }
            report(diagnostic);
        }
        return;
    }
    if strategy == "canary" && !deploy.steps.iter().any(|s| s.weight.is_some()) {
        report(invalid(
            deploy.keyword,
            "a canary needs at least one `step weight=`",
            REFUSED,
            "add steps, e.g. `use=\"std/canary-standard\"`",
        ));
    }
    let mut previous: Option<u32> = None;
    for step in &deploy.steps {
        step_kind(step, report);
        let Some(weight) = &step.weight else { continue };
        let (in_range, help) = if strategy == "canary" {
            (
                (1..=100).contains(&weight.value),
                "a canary's weights are between 1 and 100",
            )
        } else {
            (
                weight.value == 0 || weight.value == 100,
                "a blue-green deploy has a preview step (weight 0) and a switch step (weight 100)",
            )
        };
        // Above 100 the schema has already refused the value.
        if !in_range && weight.value <= 100 {
            report(invalid(
                weight.span,
                format!("weight {} is out of range", weight.value),
                REFUSED,
                help,
            ));
        }
        if let Some(before) = previous.filter(|&p| weight.value <= p) {
            report(invalid(
                weight.span,
                format!(
                    "weight {} does not rise above the previous step's {before}",
                    weight.value
                ),
                REFUSED,
                "each step sends more traffic to the new version than the one before",
            ));
        }
        previous = Some(weight.value);
    }
}

fn step_kind(step: &Step, report: &mut impl FnMut(Diagnostic)) {
    match (step.approve_word, step.approver_props) {
        (Some(word), None) if step.approve.is_none() => {
            report(
                Diagnostic::error("missing-required", word, "`step approve` needs `team=`")
                    .with_label("approved by whom?")
                    .with_help(
                        "name the team that promotes past this step: `step approve team=\"TEAM\"`",
                    ),
            );
            return;
        }
        // The team did not read: that is reported where it is written.
        (Some(_), Some(_)) if step.approve.is_none() => return,
        (None, Some(props)) => {
            report(invalid(
                props,
                "`team=` and `count=` belong to a step that waits for a human",
                "not an approval step",
                "write `step approve team=\"TEAM\"` (add `count=N` for more approvers)",
            ));
            return;
        }
        _ => {}
    }
    match (&step.weight, &step.pause, &step.approve) {
        (None, None, None) => report(invalid(
            step.span,
            "this step does nothing",
            "no weight, pause or approval",
            "give it a `weight=`, a `pause=` or an `approve=`",
        )),
        (_, Some(_), Some(_)) => report(invalid(
            step.span,
            "a step waits either for a time (`pause=`) or for a human (`approve=`), not both",
            "two ways to wait",
            "split it into two steps",
        )),
        _ => {}
    }
}

/// A variant named twice, once in `variants` and once as a `variant` (or twice in `variants`):
/// flagd would keep one of the two silently.
fn variant_names(flag: &Flag, report: &mut impl FnMut(Diagnostic)) {
    for (index, variant) in flag.variants.iter().enumerate() {
        // Two `variant` nodes of one name are the schema's to report.
        let Some(first) = flag.variants[..index]
            .iter()
            .find(|v| v.name.value == variant.name.value && (v.listed || variant.listed))
        else {
            continue;
        };
        report(
            Diagnostic::error(
                "duplicate-name",
                variant.name.span,
                format!(
                    "variant `{}` of flag `{}` is named twice",
                    variant.name.value, flag.name.value
                ),
            )
            .with_label("named again here")
            .with_secondary(first.name.span, "first named here")
            .with_help("remove one of them"),
        );
    }
}

/// flagd splits users by whole-number weights, and a flag with variants is split by its
/// variants' weights rather than an on/off percent.
fn flag_rollout(flag: &Flag, report: &mut impl FnMut(Diagnostic)) {
    let percent = flag.rollout.as_ref().and_then(|r| r.percent.as_ref());
    if flag.variants.is_empty() {
        let on_off = flag
            .default
            .as_ref()
            .is_none_or(|d| matches!(d.value, Scalar::Bool(_)));
        let Some(rollout) = &flag.rollout else {
            return;
        };
        match (percent, on_off) {
            (None, true) => report(
                Diagnostic::error(
                    "missing-required",
                    rollout.span,
                    "`rollout` of an on/off flag needs `percent`",
                )
                .with_label("no `percent=`")
                .with_help(
                    "add `percent=…`, the share of users (0 to 100) that gets `#true`, \
                     e.g. `rollout percent=10 by=\"userId\"`",
                ),
            ),
            (_, false) => report(invalid(
                percent.map_or(rollout.span, |p| p.span),
                "this flag serves one value, so a rollout has nothing to turn on",
                "nothing to turn on",
                "give the flag `variant`s with `weight=`s to split users between values, \
                 or remove the `rollout`",
            )),
            (Some(percent), true) if percent.value.fract() != 0.0 => report(invalid(
                percent.span,
                format!("flagd rolls out whole percents, not {}", percent.value),
                "not a whole number",
                "round it to a whole percent",
            )),
            _ => {}
        }
        return;
    }
    if let Some(percent) = percent {
        report(invalid(
            percent.span,
            "`percent` rolls out an on/off flag; this flag has variants",
            "ambiguous for a flag with variants",
            "give the variants `weight=`s instead",
        ));
    }
    if let Some(default) = &flag.default {
        let names_a_variant = flag.variants.iter().any(|v| {
            matches!(&default.value, Scalar::String(s) if *s == v.name.value)
                || v.value.as_ref().is_some_and(|x| x.value == default.value)
        });
        if !names_a_variant {
            let names: Vec<&str> = flag
                .variants
                .iter()
                .map(|v| v.name.value.as_str())
                .collect();
            report(
                Diagnostic::error(
                    "invalid-value",
                    default.span,
                    "the default names none of the flag's variants",
                )
                .with_label("no variant has this name or value")
                .with_help(format!(
                    "set `default=` to the name of one of its variants: {}",
                    names.join(", ")
                )),
            );
        }
    }
    let weights: Vec<u32> = flag
        .variants
        .iter()
        .filter_map(|v| v.weight.as_ref().map(|w| w.value))
        .collect();
    if weights.is_empty() {
        if let Some(by) = flag.rollout.as_ref().and_then(|r| r.by.as_ref()) {
            report(invalid(
                by.span,
                "`by` splits users between weighted variants, and no variant has a weight",
                "nothing to split",
                "give the variants `weight=`s that sum to 100, or remove the `rollout`",
            ));
        }
        return;
    }
    let sum: u32 = weights.iter().sum();
    let unweighted: Vec<String> = flag
        .variants
        .iter()
        .filter(|v| v.weight.is_none())
        .map(|v| format!("`{}`", v.name.value))
        .collect();
    if !unweighted.is_empty() {
        report(invalid(
            flag.name.span,
            format!(
                "some variants have a weight and {} has none",
                unweighted.join(", ")
            ),
            "every variant needs a weight, and together 100",
            "give every variant a `weight=` (`weight=0` for one no user gets) so that they sum to 100",
        ));
    } else if sum != 100 {
        report(invalid(
            flag.name.span,
            format!("the variants' weights add up to {sum}, not 100"),
            "together the weights are 100",
            "change the variants' `weight=`s so that they sum to 100",
        ));
    }
}

/// A latency SLO counts requests in the bucket at its threshold: where `telemetry` declares the
/// histogram's buckets, a threshold between two of them would query a bucket that does not exist.
fn latency_bucket(feature: &Feature, slo: &Slo, report: &mut impl FnMut(Diagnostic)) {
    let Some(crate::ast::Indicator::Latency {
        metric: Some(metric),
        threshold: Some(threshold),
        ..
    }) = &slo.indicator
    else {
        return;
    };
    let Some(histogram) = feature
        .telemetry
        .iter()
        .flat_map(|t| &t.histograms)
        .find(|h| h.metric.value == metric.value)
    else {
        return;
    };
    if histogram.bounds.is_empty() {
        return;
    }
    let seconds = threshold.value.as_seconds();
    let is_bucket = |bound: f64| (bound - seconds).abs() <= 1e-9 * bound.abs().max(1.0);
    if histogram.bounds.iter().any(|b| is_bucket(b.value)) {
        return;
    }
    let nearest = histogram
        .bounds
        .iter()
        .map(|b| b.value)
        .min_by(|a, b| (a - seconds).abs().total_cmp(&(b - seconds).abs()));
    let buckets: Vec<String> = histogram
        .bounds
        .iter()
        .map(|b| b.value.to_string())
        .collect();
    let nearest = nearest.map_or_else(String::new, |n| {
        let millis = n * 1000.0;
        if millis.fract() == 0.0 && millis >= 1.0 && millis < u64::MAX as f64 {
            format!(
                " (the nearest is `{}`)",
                Duration {
                    millis: millis as u64
                }
            )
        } else {
            format!(" (the nearest is {n} s)")
        }
    });
    let help = format!(
        "pick one of its buckets, {} s{nearest}, or add {seconds} to the histogram's bounds in `telemetry`",
        buckets.join(", ")
    );
    report(
        Diagnostic::error(
            "invalid-value",
            threshold.span,
            format!(
                "threshold {} ({seconds} s) is not a bucket of histogram `{}`",
                threshold.value, metric.value
            ),
        )
        .with_label("no bucket ends here")
        .with_secondary(histogram.metric.span, "its buckets are declared here")
        .with_help(help),
    );
}
