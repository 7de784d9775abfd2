//! Each spec entity as a list of named fields, compared without the spans they were written at:
//! two entities are the same when every field is, wherever they are written.

use std::fmt::Debug;

use crate::ast::{
    Agent, Alert, Datastore, Deploy, Feature, Flag, Gate, Runbook, Secret, Service, Slo, Telemetry,
};

pub type Fields = Vec<(&'static str, String)>;

/// A value's `Debug` text with every span taken out.
pub fn show<T: Debug>(value: &T) -> String {
    let text = format!("{value:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("Span { file: FileId(") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = after.find('}').map_or(after.len(), |e| e + 1);
        out.push_str("Span");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

pub fn service(s: &Service) -> Fields {
    vec![
        ("image", show(&s.image)),
        ("port", show(&s.port)),
        ("replicas", show(&s.replicas)),
        ("resources", show(&s.resources)),
        ("probes", show(&s.probes)),
        ("env", show(&s.env)),
        ("depends-on", show(&s.depends_on)),
        ("expose", show(&s.expose)),
        ("preset", show(&s.preset)),
    ]
}

pub fn datastore(d: &Datastore) -> Fields {
    vec![
        ("kind", show(&d.kind)),
        ("size", show(&d.size)),
        ("storage-gb", show(&d.storage_gb)),
        ("version", show(&d.version)),
        ("contains-pii", show(&d.contains_pii)),
        ("backup", show(&d.backup)),
        ("preset", show(&d.preset)),
    ]
}

pub fn secret(s: &Secret) -> Fields {
    vec![("from", show(&s.from)), ("path", show(&s.path))]
}

pub fn flag(f: &Flag) -> Fields {
    vec![
        ("default", show(&f.default)),
        ("state", show(&f.state)),
        ("rollout", show(&f.rollout)),
        ("variants", show(&f.variants)),
    ]
}

pub fn deploy(d: &Deploy) -> Fields {
    vec![
        ("strategy", show(&d.strategy)),
        ("steps", show(&d.steps)),
        ("rollback-when", show(&d.rollback_when)),
        ("manual-override", show(&d.manual_override)),
        ("approve", show(&d.approve)),
        ("preset", show(&d.preset)),
    ]
}

pub fn telemetry(t: &Telemetry) -> Fields {
    vec![
        ("metrics", show(&t.metrics)),
        ("traces", show(&t.trace_sample_ratio)),
        ("logs", show(&t.log_retention)),
        ("histograms", show(&t.histograms)),
    ]
}

pub fn slo(s: &Slo) -> Fields {
    vec![
        ("service", show(&s.service)),
        ("objective", show(&s.objective)),
        ("window", show(&s.window)),
        ("runbook", show(&s.runbook)),
        ("indicator", show(&s.indicator)),
        ("preset", show(&s.preset)),
    ]
}

pub fn alert(a: &Alert) -> Fields {
    vec![
        ("severity", show(&a.severity)),
        ("runbook", show(&a.runbook)),
        ("expr", show(&a.expr)),
        ("for", show(&a.for_)),
        ("summary", show(&a.summary)),
        ("description", show(&a.description)),
        ("preset", show(&a.preset)),
    ]
}

pub fn runbook(r: &Runbook) -> Fields {
    vec![
        ("summary", show(&r.summary)),
        ("steps", show(&r.steps)),
        ("escalate", show(&r.escalate)),
        ("preset", show(&r.preset)),
    ]
}

/// An agent without its budget, which is graded on its own (widen or narrow).
pub fn agent(a: &Agent) -> Fields {
    vec![
        ("purpose", show(&a.purpose)),
        ("owner", show(&a.owner)),
        ("model", show(&a.model)),
        ("rate-limit", show(&a.rate_limit)),
        ("retry", show(&a.retry)),
        ("credentials", show(&a.credentials)),
        ("rights", show(&a.rules)),
        ("guardrails", show(&a.guardrails)),
        ("slos", show(&a.slos)),
        ("runbook", show(&a.runbook)),
        ("preset", show(&a.preset)),
    ]
}

pub fn gate(g: &Gate) -> Fields {
    vec![
        ("tier", show(&g.tier)),
        ("review", show(&g.review)),
        ("approve", show(&g.approvals)),
    ]
}

/// The feature's own settings, not its entities.
pub fn feature(f: &Feature) -> Fields {
    vec![
        ("owner", show(&f.owner)),
        ("tier", show(&f.tier)),
        ("description", show(&f.description)),
    ]
}

/// Everything a feature holds, for telling a renamed feature from a new one.
pub fn whole_feature(f: &Feature) -> String {
    let mut copy = f.clone();
    copy.name.value.clear();
    copy.envs.clear();
    copy.suppressions.clear();
    show(&copy).replace(&format!("file: FileId({})", f.file.0), "")
}

/// The names of the fields that differ.
pub fn changed(base: &Fields, head: &Fields) -> Vec<&'static str> {
    base.iter()
        .zip(head)
        .filter(|(b, h)| b.1 != h.1)
        .map(|(b, _)| b.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span, Spanned};

    #[test]
    fn spans_do_not_count() {
        let a = Spanned::new("x".to_string(), Span::new(FileId(1), 3..9));
        let b = Spanned::new("x".to_string(), Span::new(FileId(7), 30..90));
        assert_eq!(show(&Some(a)), show(&Some(b)));
        assert_ne!(
            show(&Spanned::new(1, Span::new(FileId(1), 0..1))),
            show(&Spanned::new(2, Span::new(FileId(1), 0..1)))
        );
    }
}
