use crate::ast::{Feature, Name};
use crate::diagnostics::Severity;
use crate::lint::origin;
use crate::lint::{Finding, LintContext, Scope};
use crate::source::Spanned;
use crate::values::Duration;

crate::declare_rule! {
    /// ## What it does
    /// Reports an SLO whose `window` is shorter than 7 days, for a feature's SLOs and for an
    /// agent's `slo "task-success"`.
    ///
    /// ## Why is this bad?
    /// The burn-rate alerts scale their windows with the period: over 1 day the fast page looks
    /// at the last 2 minutes and the 1-minute window beside it, so a single slow scrape or a
    /// short blip pages someone, and the whole error budget comes back every morning, so a
    /// service that fails every night at the same hour never runs out of it. A week is the
    /// shortest period that covers a weekly traffic cycle and gives the alerts windows that
    /// smooth out noise.
    ///
    /// ## Example
    /// ```kdl
    /// feature "shop" {
    ///     slo "availability" objective=99.9 window="1d" runbook="shop-down" {
    ///         ratio preset="std/http-availability"
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// feature "shop" {
    ///     slo "availability" objective=99.9 window="28d" runbook="shop-down" {
    ///         ratio preset="std/http-availability"
    ///     }
    /// }
    /// ```
    pub SLO_WINDOW_TOO_SHORT = ("slo-window-too-short", Severity::Warning, Scope::Feature, check);
}

/// The shortest period whose burn-rate windows are worth alerting on.
const SHORTEST: Duration = Duration::from_minutes(7 * 24 * 60);

/// A window of a feature's SLO or of an agent's task-success SLO.
struct Window<'a> {
    kind: &'static str,
    noun: &'static str,
    name: &'a Name,
    value: &'a Spanned<Duration>,
    preset: Option<&'a Name>,
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for feature in cx.features {
        let slos = feature.slos.iter().filter_map(|slo| {
            Some(Window {
                kind: "slo",
                noun: "SLO",
                name: &slo.name,
                value: slo.window.as_ref()?,
                preset: slo.preset.as_ref(),
            })
        });
        let agents = super::task_success_slos(feature).filter_map(|(agent, s)| {
            Some(Window {
                kind: "agent",
                noun: "agent",
                name: &agent.name,
                value: s.window.as_ref()?,
                preset: agent.preset.as_ref(),
            })
        });
        for window in slos.chain(agents) {
            if window.value.value < SHORTEST {
                out.push(judge(cx, feature, &window));
            }
        }
    }
}

fn judge(cx: &LintContext, feature: &Feature, w: &Window) -> Finding {
    let period = w.value.value;
    let fast = crate::consequences::burn_rate_windows(99.0, period)
        .first()
        .map(|pair| format!("{} and {}", pair.long, pair.short))
        .unwrap_or_default();
    let message = format!(
        "{}: a window of {period} is shorter than 7 days",
        super::objective_holder(w.kind, &w.name.value)
    );
    let label = format!("the fast burn-rate page would look at only {fast}");
    let setting = origin::Setting {
        kind: w.kind,
        name: w.name,
        noun: w.noun,
        setting: "window",
        value: w.value.span,
        preset_use: w.preset,
    };
    let finding = origin::finding_at_setting(cx, feature, &setting, message, label);
    finding.help("use a period of 7 days or more, such as `window=\"28d\"` or `window=\"30d\"`")
}
