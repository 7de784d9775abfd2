//! What a spec implies, computed once for every tool that shows or uses it: an SLO's error
//! budget and burn-rate thresholds (the alerts, the canary analysis and the dashboards all use
//! the same numbers), a canary's timeline, an agent's worst-case daily spend.

use crate::ast::{Agent, Deploy};
use crate::values::Duration;

/// The default SLO period.
pub const DEFAULT_WINDOW: Duration = Duration::from_minutes(30 * 24 * 60);

const DAY_MINUTES: u64 = 24 * 60;

/// The error budget of an objective over a period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErrorBudget {
    /// The share of events that may fail: `1 − objective`.
    pub ratio: f64,
    /// The same budget as time at a constant failure rate: minutes of full outage per period.
    pub minutes: f64,
}

pub fn error_budget(objective_percent: f64, window: Duration) -> ErrorBudget {
    let ratio = 1.0 - objective_percent / 100.0;
    ErrorBudget {
        ratio,
        minutes: ratio * window.as_minutes(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertSeverity {
    Page,
    Ticket,
}

impl AlertSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertSeverity::Page => "page",
            AlertSeverity::Ticket => "ticket",
        }
    }
}

/// One window pair of a multi-window, multi-burn-rate alert.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurnRateWindow {
    pub long: Duration,
    pub short: Duration,
    /// How many times faster than sustainable the budget burns.
    pub factor: f64,
    /// The error ratio both windows must exceed: `factor × (1 − objective)`.
    pub threshold: f64,
    /// The share of the period's budget spent when the long window fires.
    pub budget_consumed: f64,
    pub severity: AlertSeverity,
}

/// The four window pairs of the SRE workbook: page on 2 % of the budget in an hour and 5 % in six
/// hours, ticket on 10 % in a day and 10 % in three days. For 30-day and 28-day periods the
/// windows are the workbook's; other periods scale them in proportion (short window = long ÷ 12,
/// whole minutes) and keep the budget fractions.
pub fn burn_rate_windows(objective_percent: f64, period: Duration) -> Vec<BurnRateWindow> {
    const PAIRS: [(u64, f64, AlertSeverity); 4] = [
        (60, 0.02, AlertSeverity::Page),
        (6 * 60, 0.05, AlertSeverity::Page),
        (24 * 60, 0.10, AlertSeverity::Ticket),
        (3 * 24 * 60, 0.10, AlertSeverity::Ticket),
    ];
    let period_minutes = period.as_minutes();
    let workbook_period = period.millis == Duration::from_minutes(30 * DAY_MINUTES).millis
        || period.millis == Duration::from_minutes(28 * DAY_MINUTES).millis;
    let budget = 1.0 - objective_percent / 100.0;
    PAIRS
        .iter()
        .map(|&(long_minutes, consumed, severity)| {
            let long_minutes = if workbook_period {
                long_minutes
            } else {
                let scaled = long_minutes as f64 * period_minutes / (30.0 * DAY_MINUTES as f64);
                (scaled.round() as u64).max(12)
            };
            let short_minutes = (long_minutes as f64 / 12.0).round().max(1.0) as u64;
            let factor = consumed * period_minutes / long_minutes as f64;
            BurnRateWindow {
                long: Duration::from_minutes(long_minutes),
                short: Duration::from_minutes(short_minutes),
                factor,
                threshold: factor * budget,
                budget_consumed: consumed,
                severity,
            }
        })
        .collect()
}

/// The fast-burn page threshold: what a canary's analysis fails at.
pub fn page_threshold(objective_percent: f64, period: Duration) -> f64 {
    burn_rate_windows(objective_percent, period)[0].threshold
}

/// When a canary reaches each of its weights, in minutes after the rollout starts (steps that
/// wait for a human count as no time, and are marked).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelinePoint {
    pub weight: u32,
    pub at_minutes: f64,
    pub after_approval: bool,
}

pub fn canary_timeline(deploy: &Deploy) -> Vec<TimelinePoint> {
    let mut elapsed = 0.0;
    let mut approval_seen = false;
    let mut out = Vec::new();
    for step in &deploy.steps {
        if let Some(weight) = &step.weight {
            out.push(TimelinePoint {
                weight: weight.value,
                at_minutes: elapsed,
                after_approval: approval_seen,
            });
        }
        if let Some(pause) = &step.pause {
            elapsed += pause.value.as_minutes();
        }
        if step.approve.is_some() {
            approval_seen = true;
        }
    }
    out
}

/// The most tokens an agent can spend in a day, and which limit sets it.
#[derive(Debug, Clone, PartialEq)]
pub struct WorstCaseSpend {
    /// `None` when nothing bounds it.
    pub tokens_per_day: Option<u64>,
    pub bound_by: &'static str,
}

pub fn worst_case_daily_tokens(agent: &Agent) -> WorstCaseSpend {
    let budget = agent.budget.as_ref();
    let rate = agent.rate_limit.as_ref();
    let value = |v: Option<&crate::source::Spanned<i64>>| v.map(|v| v.value.max(0) as u64);
    let mut bounds: Vec<(u64, &'static str)> = Vec::new();
    if let Some(day) = value(budget.and_then(|b| b.tokens_per_day.as_ref())) {
        bounds.push((day, "tokens-per-day"));
    }
    if let Some(month) = value(budget.and_then(|b| b.tokens_per_month.as_ref())) {
        bounds.push((month, "tokens-per-month"));
    }
    if let Some(per_minute) = value(rate.and_then(|r| r.tokens_per_minute.as_ref())) {
        bounds.push((
            per_minute.saturating_mul(DAY_MINUTES),
            "tokens-per-minute × 1440",
        ));
    }
    if let (Some(per_run), Some(runs_per_hour)) = (
        value(budget.and_then(|b| b.tokens_per_run.as_ref())),
        value(rate.and_then(|r| r.runs_per_hour.as_ref())),
    ) {
        bounds.push((
            per_run.saturating_mul(runs_per_hour).saturating_mul(24),
            "tokens-per-run × runs-per-hour × 24",
        ));
    }
    match bounds.into_iter().min_by_key(|(v, _)| *v) {
        Some((tokens, bound_by)) => WorstCaseSpend {
            tokens_per_day: Some(tokens),
            bound_by,
        },
        None => WorstCaseSpend {
            tokens_per_day: None,
            bound_by: "nothing",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn thirty_days_at_99_9_match_the_workbook() {
        let windows = burn_rate_windows(99.9, Duration::from_minutes(30 * 24 * 60));
        let thresholds: Vec<f64> = windows.iter().map(|w| w.threshold).collect();
        for (got, want) in thresholds.iter().zip([0.0144, 0.006, 0.003, 0.001]) {
            assert!(close(*got, want), "{got} != {want}");
        }
        let pairs: Vec<(String, String)> = windows
            .iter()
            .map(|w| (w.long.to_string(), w.short.to_string()))
            .collect();
        assert_eq!(
            pairs,
            [("1h", "5m"), ("6h", "30m"), ("1d", "2h"), ("3d", "6h")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert!(close(error_budget(99.9, DEFAULT_WINDOW).minutes, 43.2));
    }

    #[test]
    fn twenty_eight_days_use_the_workbook_factors() {
        let factors: Vec<f64> = burn_rate_windows(99.9, Duration::from_minutes(28 * 24 * 60))
            .iter()
            .map(|w| w.factor)
            .collect();
        for (got, want) in factors
            .iter()
            .zip([13.44, 5.6, 2.8, 0.933_333_333_333_333_3])
        {
            assert!(close(*got, want), "{got} != {want}");
        }
    }

    #[test]
    fn other_periods_scale_the_windows() {
        let windows = burn_rate_windows(99.0, Duration::from_minutes(7 * 24 * 60));
        assert_eq!(windows[0].long.as_minutes(), 14.0);
        assert_eq!(windows[0].short.as_minutes(), 1.0);
        assert_eq!(windows[3].long.as_minutes(), 1008.0);
        assert_eq!(windows[3].short.as_minutes(), 84.0);
        // The budget fractions hold: 2 % of a week's budget in the first long window.
        assert!(close(
            windows[0].factor * windows[0].long.as_minutes() / (7.0 * 1440.0),
            0.02
        ));
    }
}
