//! The kubernetes target (DESIGN §5): per feature a Namespace; per service its workload (a
//! Deployment, or an Argo Rollouts `Rollout` for canary and blue-green deploys), Services, HPA,
//! PodDisruptionBudget, NetworkPolicy and ServiceAccount; canary analysis derived from the SLOs'
//! error budgets; flagd flag definitions served by a flagd sidecar; an Ingress for a service
//! that is exposed; RBAC for agents' `k8s:` rights.
//!
//! Every object is built as a `serde_json::Value` and serialized by the writer, one object per
//! file at `NAMESPACE/KIND-NAME.yaml`.

mod analysis;
mod autoscaling;
mod flagd;
mod flags;
mod ingress;
mod labels;
mod monitoring;
mod network;
mod output;
mod plan;

mod rbac;
mod rollout;
mod service;
mod workload;

use gantry::artifact::{Artifact, Sink};
use gantry::ast::Feature;
use gantry::diagnostics::Diagnostic;
use gantry::model::Model;

use output::Output;
use plan::ServicePlan;

const NO_IMAGE: &str = "no `image`";

fn missing_image(service: &gantry::ast::Service) -> Diagnostic {
    Diagnostic::error(
        "missing-required",
        service.name.span,
        format!(
            "service `{}` has no image: its workload would run nothing",
            service.name.value
        ),
    )
    .with_label(NO_IMAGE)
    .with_help(
        "add `image \"REGISTRY/NAME:TAG\" digest=\"sha256:…\"`, the program this service runs",
    )
}

/// Whether `diagnostic` is this target's refusal of a service without an image: a scaffold
/// (`gantry new` without `--image`) leaves the image to its author.
pub fn is_missing_image(diagnostic: &Diagnostic) -> bool {
    diagnostic.id == "missing-required" && diagnostic.primary.text == NO_IMAGE
}

/// Every object of the kubernetes target, in the order of their files.
pub fn emit(model: &Model) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let mut artifacts = crate::Emit::Streamed(stream).collect(model)?;
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(artifacts)
}

/// The kubernetes target's entry point: a file per object, feature after feature.
pub fn stream(model: &Model, sink: Sink<'_>) -> Result<(), Vec<Diagnostic>> {
    let mut out = Output::new(sink);
    let callers = network::Callers::of(model);
    for feature in &model.features {
        emit_feature(model, feature, &callers, &mut out);
    }
    out.finish()
}

fn emit_feature(model: &Model, feature: &Feature, callers: &network::Callers, out: &mut Output) {
    let source = model.file_name(feature).to_string();
    let ns = feature.name.value.as_str();
    out.push(ns, labels::namespace(feature), feature.name.span, &source);
    for service in &feature.services {
        if service.image.is_none() {
            // Reported, and the rest of the service still emitted: its other problems show too.
            out.error(missing_image(service));
        }
        let plan = ServicePlan::new(model, feature, service);
        let origin = service.name.span;
        out.push(ns, service::service_account(&plan), origin, &source);
        for object in service::services(&plan) {
            out.push(ns, object, origin, &source);
        }
        let template = workload::pod_template(&plan, out);
        out.push(ns, rollout::workload(&plan, template), origin, &source);
        if let Some(template) = analysis::template(&plan, out) {
            out.push(ns, template, origin, &source);
        }
        if let Some(hpa) = autoscaling::hpa(&plan) {
            out.push(ns, hpa, origin, &source);
        }
        out.push(ns, autoscaling::pdb(&plan), origin, &source);
        out.push(ns, network::policy(&plan, callers), origin, &source);
        if let Some(ingress) = ingress::ingress(&plan, out) {
            out.push(ns, ingress, origin, &source);
        }
        if let Some(monitor) = monitoring::service_monitor(&plan) {
            out.push(ns, monitor, origin, &source);
        }
    }
    for object in flags::objects(model, feature) {
        out.push(ns, object, feature.name.span, &source);
    }
    if let Some(rule) = monitoring::prometheus_rule(model, feature, out) {
        out.push(ns, rule, feature.name.span, &source);
    }
    for (namespace, object, origin) in rbac::objects(model, feature) {
        out.push(&namespace, object, origin, &source);
    }
}
