//! PromQL from the SLO presets' templates. The presets write `{{name}}` where a parameter goes,
//! always inside a PromQL string literal (`job="{{job}}"`) or as a range (`[{{window}}]`); the
//! substitution escapes each value for a double-quoted PromQL string, so no value can end the
//! literal and change the query.

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
