use crate::ast::{Feature, Name};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};
use crate::source::Spanned;
use crate::values::Duration;

use crate::lint::origin;

crate::declare_rule! {
    /// ## What it does
    /// Reports an SLO objective above 99.99 or below 90, for a feature's SLOs and for an agent's
    /// `slo "task-success"`. (An objective outside 0..100 is an `invalid-value` error.)
    ///
    /// ## Why is this bad?
    /// Above 99.99 the error budget is a few minutes a month: one slow deploy, one node drain or
    /// a blip of the cloud's load balancer (itself rarely promised above 99.99) spends it, so the
    /// burn-rate alerts page for noise until people stop trusting them, and the canary analysis
    /// rolls back healthy versions. Below 90 the budget is so wide that the fast burn-rate page
    /// can never fire (14.4 times a 10 % budget is more than every request failing): a total
    /// outage waits hours for the slow alerts, and the objective no longer says what users need.
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     slo "availability" objective=99.999 runbook="shop-down" {
    ///         ratio preset="std/http-availability"
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     slo "availability" objective=99.9 runbook="shop-down" {
    ///         ratio preset="std/http-availability"
    ///     }
    /// }
    /// ```
    pub SLO_OBJECTIVE_UNREALISTIC = ("slo-objective-unrealistic", Severity::Warning, Scope::Feature, check);
}

/// The highest objective a service can be held to: the availability its platform promises.
const HIGHEST: f64 = 99.99;
/// The lowest objective whose fast burn-rate page can still fire (14.4 × 10 % > 100 %).
const LOWEST: f64 = 90.0;
/// The window of an SLO that names none.
const DEFAULT_WINDOW: Duration = Duration::from_minutes(30 * 24 * 60);

/// What the objective is of: a feature's SLO, or an agent's task-success SLO.
struct Objective<'a> {
    kind: &'static str,
    /// How a label names the node: "SLO", "agent".
    noun: &'static str,
    name: &'a Name,
    value: &'a Spanned<f64>,
    window: Duration,
    /// The `use=` of the node that holds it, where a preset's value is pointed at.
    preset: Option<&'a Name>,
    /// What fails: "requests" for a service, "runs" for an agent.
    events: &'static str,
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        let slos = feature.slos.iter().filter_map(|slo| {
            Some(Objective {
                kind: "slo",
                noun: "SLO",
                name: &slo.name,
                value: slo.objective.as_ref()?,
                window: slo.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value),
                preset: slo.preset.as_ref(),
                events: "requests",
            })
        });
        let agents = super::task_success_slos(feature).filter_map(|(agent, s)| {
            Some(Objective {
                kind: "agent",
                noun: "agent",
                name: &agent.name,
                value: s.objective.as_ref()?,
                window: s.window.as_ref().map_or(DEFAULT_WINDOW, |w| w.value),
                preset: agent.preset.as_ref(),
                events: "runs",
            })
        });
        for objective in slos.chain(agents) {
            if let Some(finding) = judge(cx, feature, &objective) {
                out.push(finding);
            }
        }
    }
}

fn judge(cx: &LintContext, feature: &Feature, o: &Objective) -> Option<Finding> {
    let value = o.value.value;
    // Out of 0..100 is `invalid-value`, reported by the schema.
    if value <= 0.0 || value >= 100.0 || (LOWEST..=HIGHEST).contains(&value) {
        return None;
    }
    let budget = 100.0 - value;
    let (message, label, help) = if value > HIGHEST {
        let label = if o.events == "runs" {
            format!(
                "one failed run in {} spends the error budget",
                (100.0 / budget).round()
            )
        } else {
            format!(
                "an error budget of {} of outage in {}",
                short(o.window.as_seconds() * budget / 100.0),
                o.window
            )
        };
        (
            format!(
                "{}: objective {value} is above {HIGHEST}",
                super::objective_holder(o.kind, &o.name.value)
            ),
            label,
            if o.events == "runs" {
                "an agent's runs also fail for reasons outside it (model timeouts, flaky tools): aim for what its users need, e.g. `objective=95`".to_string()
            } else {
                "aim for what users notice and the platform underneath can give, e.g. `objective=99.9` (43 minutes of outage in 30 days)".to_string()
            },
        )
    } else {
        (
            format!(
                "{}: objective {value} is below {LOWEST}",
                super::objective_holder(o.kind, &o.name.value)
            ),
            format!(
                "{} % of {} may fail: the fast burn-rate page can never fire",
                round(budget),
                o.events
            ),
            format!(
                "raise it to {LOWEST} or more; if {} really fail this often, measure a narrower indicator that can meet it",
                o.events
            ),
        )
    };
    let setting = origin::Setting {
        kind: o.kind,
        name: o.name,
        noun: o.noun,
        setting: "objective",
        value: o.value.span,
        preset_use: o.preset,
    };
    let finding = origin::finding_at_setting(cx, feature, &setting, message, label);
    Some(finding.help(help))
}

/// A length of time in its largest whole unit, rounded: `26s`, `43m`, `7h`.
fn short(seconds: f64) -> String {
    let (amount, unit) = if seconds < 120.0 {
        (seconds, "s")
    } else if seconds < 7200.0 {
        (seconds / 60.0, "m")
    } else {
        (seconds / 3600.0, "h")
    };
    format!("{}{unit}", amount.round().max(1.0))
}

/// A percentage without float noise: `15`, `12.5`.
fn round(percent: f64) -> String {
    let r = (percent * 1000.0).round() / 1000.0;
    format!("{r}")
}
