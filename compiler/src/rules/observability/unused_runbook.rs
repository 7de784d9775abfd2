use crate::ast::{Feature, Name};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope, about};
use crate::suggest::did_you_mean;

use crate::lint::origin;

crate::declare_rule! {
    /// ## What it does
    /// Reports a runbook that no SLO, alert or agent of its feature links with `runbook=`, in
    /// any environment.
    ///
    /// ## Why is this bad?
    /// A runbook is only read when an alert links it: the page a responder opens is the one in
    /// the alert's `runbook_url`. One that nothing links is never found in an incident. It is
    /// usually a runbook whose alert was renamed or linked another runbook by mistake, so the
    /// alert it was written for pages with the wrong steps, or none; and since no incident sends
    /// anyone to it, it goes stale unnoticed.
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     slo "availability" objective=99.9 runbook="shop-down" {
    ///         ratio preset="std/http-availability"
    ///     }
    ///     runbook "shop-down" { summary "The shop fails requests"; step "Roll back" }
    ///     runbook "queue-backlog" { summary "Orders are queueing"; step "Scale the workers" }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     slo "availability" objective=99.9 runbook="shop-down" {
    ///         ratio preset="std/http-availability"
    ///     }
    ///     alert "queue-backlog" severity="ticket" runbook="queue-backlog" {
    ///         expr "sum(shop_queue_depth) > 1000"
    ///     }
    ///     runbook "shop-down" { summary "The shop fails requests"; step "Roll back" }
    ///     runbook "queue-backlog" { summary "Orders are queueing"; step "Scale the workers" }
    /// }
    /// ```
    pub UNUSED_RUNBOOK = ("unused-runbook", Severity::Warning, Scope::Feature, check);
}

/// A `runbook=` of a feature: what holds it, and the name it links.
struct Link<'a> {
    /// The holder's kind, as a message names it: "SLO", "alert", "agent".
    noun: &'static str,
    /// The holder's name.
    holder: &'a str,
    runbook: Option<&'a Name>,
}

impl Link<'_> {
    /// The holder, as a message names it: made only for a finding.
    fn what(&self) -> String {
        format!("{} `{}`", self.noun, self.holder)
    }
}

fn links(feature: &Feature) -> Vec<Link<'_>> {
    let slos = feature.slos.iter().map(|s| Link {
        noun: "SLO",
        holder: &s.name.value,
        runbook: s.runbook.as_ref(),
    });
    let alerts = feature.alerts.iter().map(|a| Link {
        noun: "alert",
        holder: &a.name.value,
        runbook: a.runbook.as_ref(),
    });
    let agents = feature.agents.iter().map(|a| Link {
        noun: "agent",
        holder: &a.name.value,
        runbook: a.runbook.as_ref(),
    });
    slos.chain(alerts).chain(agents).collect()
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        // A runbook one environment links is used, even if another environment does not link it.
        let every_environment: Vec<&Feature> = cx
            .environments
            .iter()
            .filter_map(|env| env.feature(&feature.name.value))
            .collect();
        let used = |runbook: &str| {
            every_environment.iter().any(|f| {
                links(f)
                    .iter()
                    .any(|l| l.runbook.is_some_and(|r| r.value == runbook))
            })
        };
        let runbook_names: Vec<&str> = feature
            .runbooks
            .iter()
            .map(|r| r.name.value.as_str())
            .collect();
        for runbook in feature.runbooks.iter().filter(|r| !used(&r.name.value)) {
            let name = &runbook.name.value;
            let (span, overlay) = origin::entity(cx, feature, "runbook", &runbook.name);
            let mut finding = Finding::new(
                about(feature, "runbook", name),
                span,
                format!("runbook `{name}` is linked from nothing"),
            )
            .label("no alert sends a responder here");
            if let Some((span, text)) = overlay {
                finding = finding.secondary(span, text);
            }
            let links = links(feature);
            // A link that names a runbook that does not exist, and meant this one.
            let misspelt = links.iter().find_map(|l| {
                let r = l.runbook?;
                (!runbook_names.contains(&r.value.as_str())
                    && did_you_mean(&r.value, [name.as_str()]).is_some())
                .then_some((l, r))
            });
            // Something without a runbook, named like this one.
            let unlinked = links.iter().find(|l| {
                l.runbook.is_none()
                    && (l.holder == name || did_you_mean(l.holder, [name.as_str()]).is_some())
            });
            let help = if let Some((link, typo)) = misspelt {
                finding = finding.secondary(typo.span, format!("did you mean `{name}`?"));
                format!(
                    "{} links `{}`, which does not exist: did you mean `runbook=\"{name}\"`?",
                    link.what(),
                    typo.value
                )
            } else if let Some(link) = unlinked {
                format!(
                    "{} has no runbook: did you mean to link this one with `runbook=\"{name}\"`?",
                    link.what()
                )
            } else {
                format!(
                    "link it from the SLO or alert it was written for with `runbook=\"{name}\"`, or delete it"
                )
            };
            out.push(finding.help(help));
        }
    }
}
