//! Lint rules about how a feature is observed: SLOs, alerts, runbooks, telemetry.

mod alert_without_runbook;
mod rollback_trigger_without_telemetry;
mod service_without_slo;
mod slo_objective_unrealistic;
mod unused_runbook;

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[
    &service_without_slo::SERVICE_WITHOUT_SLO,
    &alert_without_runbook::ALERT_WITHOUT_RUNBOOK,
    &slo_objective_unrealistic::SLO_OBJECTIVE_UNREALISTIC,
    &rollback_trigger_without_telemetry::ROLLBACK_TRIGGER_WITHOUT_TELEMETRY,
    &unused_runbook::UNUSED_RUNBOOK,
];

/// Where a value of a merged feature was written. Rules see each feature with its environment's
/// overlay and its presets merged in, and every merged value keeps the span it was written at:
/// in the feature, inside one of its `env "NAME" { … }` blocks, or in a preset (often in another
/// file, such as `<stdlib>/deploy.kdl`). A finding about a value that came from an overlay or a
/// preset shows both places.
pub(crate) mod origin {
    use crate::ast::{Feature, Name, Preset};
    use crate::lint::LintContext;
    use crate::source::{Span, Spanned};
    use crate::syntax::Node;

    /// Whether `outer` holds all of `inner`.
    pub(crate) fn contains(outer: Span, inner: Span) -> bool {
        outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
    }

    /// The preset whose text holds `span`.
    pub(crate) fn preset_at<'a>(cx: &LintContext<'a>, span: Span) -> Option<&'a Preset> {
        cx.presets.presets.values().find(|p| contains(p.span, span))
    }

    /// The feature as its author wrote it: its node parsed again from its file, before overlays
    /// and presets are merged. The merged feature cannot say where its overlays are: merging
    /// moves the name of an entity an overlay adjusts into the overlay.
    pub(crate) struct Written {
        node: Option<Node>,
    }

    impl Written {
        pub(crate) fn of(cx: &LintContext, feature: &Feature) -> Written {
            let text = &cx.sources.get(feature.file).text;
            let node = crate::syntax::parse(feature.file, text)
                .ok()
                .and_then(|doc| {
                    doc.nodes
                        .into_iter()
                        .find(|n| n.name.value == "feature" && contains(n.span, feature.name.span))
                });
            Written { node }
        }

        fn base_children(&self) -> impl Iterator<Item = &Node> {
            self.node
                .iter()
                .flat_map(|n| &n.children)
                .filter(|c| c.name.value != "env")
        }

        /// The environment whose overlay holds `span`, with the span of its name.
        pub(crate) fn overlay_at(&self, span: Span) -> Option<Name> {
            self.node
                .iter()
                .flat_map(|n| &n.children)
                .filter(|c| c.name.value == "env" && contains(c.span, span))
                .find_map(|c| {
                    c.first_string_arg()
                        .map(|a| Spanned::new(a.value.to_string(), a.span))
                })
        }

        /// The name of `kind "name"` where the base of the feature defines it.
        pub(crate) fn base_name(&self, kind: &str, name: &str) -> Option<Span> {
            self.base_children()
                .filter(|c| c.name.value == kind)
                .filter_map(|c| c.first_string_arg())
                .find(|a| a.value == name)
                .map(|a| a.span)
        }

        /// The `deploy` keyword of the base's deploy for `service` (`None`: the deploy for every
        /// service).
        pub(crate) fn base_deploy(&self, service: Option<&str>) -> Option<Span> {
            self.base_children()
                .filter(|c| c.name.value == "deploy")
                .find(|c| {
                    let picks = c
                        .props()
                        .filter(|(k, _)| k.value == "service")
                        .filter_map(|(_, v)| v.value.as_str())
                        .last();
                    picks == service
                })
                .map(|c| c.name.span)
        }
    }

    /// Where to point at an entity of a merged feature, given its merged name: its name in the
    /// base when the base defines it, so that every environment reports it at the same place;
    /// else where an overlay adds it, with a second label on that overlay's environment.
    pub(crate) fn entity(
        cx: &LintContext,
        feature: &Feature,
        kind: &str,
        name: &Name,
    ) -> (Span, Option<(Span, String)>) {
        if preset_at(cx, name.span).is_some() || name.span.file != feature.file {
            return (name.span, None);
        }
        let written = Written::of(cx, feature);
        let Some(env) = written.overlay_at(name.span) else {
            return (name.span, None);
        };
        match written.base_name(kind, &name.value) {
            Some(base) => (base, None),
            None => (
                name.span,
                Some((env.span, format!("only `{}` has this {kind}", env.value))),
            ),
        }
    }
}
