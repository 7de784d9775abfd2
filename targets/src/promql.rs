//! PromQL shared by the targets: an SLO's error ratio (the canary analysis and the alerts query
//! the same SLI), rendered from the SLO presets' templates. The presets write `{{name}}` where a parameter goes,
//! always inside a PromQL string literal (`job="{{job}}"`) or as a range (`[{{window}}]`); the
//! substitution escapes each value for a double-quoted PromQL string, so no value can end the
//! literal and change the query.

use gantry::ast::{Indicator, Slo};
use gantry::source::{Span, Spanned};

/// Where an SLO's queries point: the values a preset's `{{…}}` parameters take.
pub struct SliScope<'a> {
    pub feature: &'a str,
    pub service: &'a str,
    /// The scrape job, `FEATURE-SERVICE`.
    pub job: &'a str,
    pub namespace: &'a str,
}

/// The SLO's error ratio over `window`: `1 − good/total`, `bad/total`, or for a latency SLO the
/// share of requests slower than the threshold's bucket. An error names the spec span at fault
/// and why the SLO cannot be queried.
pub fn error_ratio(slo: &Slo, scope: &SliScope, window: &str) -> Result<String, (Span, String)> {
    let params = [
        ("feature", scope.feature),
        ("service", scope.service),
        ("job", scope.job),
        ("namespace", scope.namespace),
        ("window", window),
    ];
    match &slo.indicator {
        Some(Indicator::Ratio {
            good,
            bad,
            total,
            span,
            ..
        }) => {
            let render =
                |q: &Spanned<String>| render(&q.value, &params).map_err(|why| (q.span, why));
            let Some(total) = total else {
                return Err((*span, "its ratio has no `total`".into()));
            };
            let total = render(total)?;
            match (good, bad) {
                (Some(good), _) => Ok(format!("1 - (({}) / ({total}))", render(good)?)),
                (None, Some(bad)) => Ok(format!("({}) / ({total})", render(bad)?)),
                (None, None) => Err((*span, "its ratio has neither `good` nor `bad`".into())),
            }
        }
        Some(Indicator::Latency {
            metric,
            threshold,
            span,
            ..
        }) => {
            let (Some(metric), Some(threshold)) = (metric, threshold) else {
                return Err((
                    *span,
                    "its latency indicator needs `metric` and `threshold`".into(),
                ));
            };
            let job = escape(scope.job);
            let le = le_matcher(threshold.value.as_seconds());
            let metric = &metric.value;
            Ok(format!(
                "1 - (sum(rate({metric}_bucket{{job=\"{job}\",{le}}}[{window}])) / sum(rate({metric}_count{{job=\"{job}\"}}[{window}])))"
            ))
        }
        None => Err((slo.name.span, "it has no indicator".into())),
    }
}

/// A number as a short decimal: `0.0144` rather than the float's `0.014400000000000012`.
pub fn number(value: f64) -> String {
    let text = format!("{value:.12}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

/// How to fix an SLO whose error ratio cannot be written (see [`error_ratio`]).
pub const INDICATOR_HELP: &str = "give the SLO one complete indicator: `ratio good=\"…\" total=\"…\"` \
     (or `bad=` for `good=`), or `latency metric=\"…\" threshold=\"…\"`; a query may use only the \
     parameters `{{feature}}`, `{{service}}`, `{{job}}`, `{{namespace}}` and `{{window}}`, each closed \
     by `}}`";

/// Substitutes every `{{name}}` with its value; an unknown name is an error naming it.
pub fn render(template: &str, params: &[(&str, &str)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err("a `{{` is never closed".to_string());
        };
        let name = after[..end].trim();
        let Some((_, value)) = params.iter().find(|(k, _)| *k == name) else {
            let known: Vec<&str> = params.iter().map(|(k, _)| *k).collect();
            return Err(format!(
                "the query uses `{{{{{name}}}}}`, which is not a parameter here (known: {})",
                known.join(", ")
            ));
        };
        out.push_str(&escape(value));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Escapes a value for a double-quoted PromQL string.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// A histogram bucket bound in seconds as clients write it: `0.3`, or `1` for a whole number.
/// Prometheus 3 writes whole bounds as `1.0`, so those match both spellings.
pub fn le_matcher(seconds: f64) -> String {
    let text = format!("{seconds}");
    if seconds.fract() == 0.0 {
        format!("le=~\"{text}|{text}\\\\.0\"")
    } else {
        format!("le=\"{text}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_substituted_and_escaped() {
        let q = render(
            r#"x{job="{{job}}"}[{{ window }}]"#,
            &[("job", "a\"b"), ("window", "5m")],
        );
        assert_eq!(q.as_deref(), Ok(r#"x{job="a\"b"}[5m]"#));
    }

    #[test]
    fn an_unknown_parameter_is_an_error() {
        assert!(render("{{agent}}", &[("job", "x")]).is_err());
        assert!(render("{{job", &[("job", "x")]).is_err());
    }

    #[test]
    fn whole_bounds_match_both_spellings() {
        assert_eq!(le_matcher(0.3), r#"le="0.3""#);
        assert_eq!(le_matcher(1.0), r#"le=~"1|1\\.0""#);
    }
}
