//! Lint rules about how a feature is observed: SLOs, alerts, runbooks, telemetry.

mod service_without_slo;

use crate::lint::Rule;

pub static RULES: &[&Rule] = &[&service_without_slo::SERVICE_WITHOUT_SLO];
