use crate::diagnostics::Severity;
use crate::lint::origin::{self, Written};
use crate::lint::{Finding, LintContext, Scope, about};

crate::declare_rule! {
    /// ## What it does
    /// Reports a service image pinned by tag only: no `digest=`, and no `@sha256:` in the
    /// reference. (A service without an image is not concerned.)
    ///
    /// ## Why is this bad?
    /// A tag is a name that can be moved: anyone who can push to the registry can point
    /// `:1.4.2` at other bytes, by mistake (a rebuilt release) or on purpose (a compromised CI).
    /// Nodes pull the image again when pods are rescheduled, so one service ends up running two
    /// different builds under the same version, a rollback "to 1.4.2" does not restore what ran
    /// before, and the version reviewed in the pull request is not the one in production. A
    /// digest names the exact bytes.
    ///
    /// ## Example
    /// ```kdl
    /// service "api" {
    ///     image "registry.example/api:1.4.2"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service "api" {
    ///     image "registry.example/api:1.4.2" digest="sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
    /// }
    /// ```
    pub IMAGE_WITHOUT_DIGEST = ("image-without-digest", Severity::Warning, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        for service in &feature.services {
            let Some(image) = &service.image else {
                continue;
            };
            let reference = &image.reference;
            if image.digest.is_some() || reference.value.contains("@sha256:") {
                continue;
            }
            // The tag is after the last `:` of the last path segment (a registry's port is not).
            let last = reference
                .value
                .rsplit('/')
                .next()
                .unwrap_or(&reference.value);
            let label = match last.split_once(':') {
                Some((_, tag)) => format!("tag `{tag}` can be moved to other bytes"),
                None => "no tag: whatever `latest` is when a node pulls it".to_string(),
            };
            let subject = about(feature, "service", &service.name.value);
            let message = format!(
                "image of service `{}` is not pinned by digest",
                service.name.value
            );
            let mut finding = match (origin::preset_at(cx, reference.span), &service.preset) {
                // The image came from a preset: point at the `use=`, and at the preset's image.
                (Some(preset), Some(use_site)) => Finding::new(subject, use_site.span, message)
                    .secondary(
                        reference.span,
                        format!("image set by preset `{}`", preset.name.value),
                    ),
                _ => {
                    let mut finding = Finding::new(subject, reference.span, message);
                    if reference.span.file == feature.file {
                        let written = Written::of(cx, feature);
                        if let Some(env) = written.overlay_at(reference.span) {
                            finding = match written.base_name("service", &service.name.value) {
                                Some(base) => finding.secondary(
                                    base,
                                    format!("`{}` sets the image of this service", env.value),
                                ),
                                None => finding.secondary(
                                    env.span,
                                    format!("only `{}` has this service", env.value),
                                ),
                            };
                        }
                    }
                    finding
                }
            };
            finding = finding.label(label).help(format!(
                "pin the bytes that were reviewed: add `digest=\"sha256:…\"` (`crane digest {}` prints it)",
                reference.value
            ));
            out.push(finding);
        }
    }
}
