//! The order of a PromQL expression's tokens, once its brackets are known to balance: operands
//! are joined by operators (`up ==` and `foo bar` are not queries), functions are ones
//! Prometheus has (`rates(…)`), and a function over a range vector is given one (`rate(x)`).
//! What it cannot tell apart it lets through: Prometheus still has the last word, and a valid
//! query must never be refused here.

use std::ops::Range;

use crate::promql_syntax::PromqlError;
use crate::suggest::did_you_mean;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Word,
    Number,
    Text,
    /// A `{…}` label selector, skipped whole.
    Selector,
    /// A preset's `{{…}}` parameter: part of the name or number it touches.
    Placeholder,
    /// A `[…]` range or subquery, skipped whole.
    Range,
    Operator,
    Open,
    Close,
    Comma,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    at: Range<usize>,
}

const OPERATORS: &[&str] = &[
    "==", "!=", ">=", "<=", "=~", "!~", ">", "<", "+", "-", "*", "/", "%", "^", "@", "=",
];

fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' | b'`' => {
                i = after_string(bytes, i);
                Kind::Text
            }
            b'{' if text[i..].starts_with("{{") => {
                i = text[i..].find("}}").map_or(bytes.len(), |end| i + end + 2);
                Kind::Placeholder
            }
            b'{' | b'[' => {
                i = after_group(bytes, i);
                if c == b'{' {
                    Kind::Selector
                } else {
                    Kind::Range
                }
            }
            b'(' => {
                i += 1;
                Kind::Open
            }
            b')' => {
                i += 1;
                Kind::Close
            }
            b',' => {
                i += 1;
                Kind::Comma
            }
            b'0'..=b'9' | b'.' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || b"._".contains(&bytes[i]))
                {
                    i += 1;
                }
                Kind::Number
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b':' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b':')
                {
                    i += 1;
                }
                Kind::Word
            }
            _ => match OPERATORS.iter().find(|op| text[i..].starts_with(**op)) {
                Some(op) => {
                    i += op.len();
                    Kind::Operator
                }
                // Something this check does not know: leave the query to Prometheus.
                None => return Vec::new(),
            },
        };
        out.push(Token {
            kind,
            at: start..i.min(bytes.len()),
        });
    }
    out
}

fn after_string(bytes: &[u8], open: usize) -> usize {
    let quote = bytes[open];
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote != b'`' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Past the bracket that closes the one at `open` (strings inside skipped).
fn after_group(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' | b'`' => {
                i = after_string(bytes, i);
                continue;
            }
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// What the previous token leaves the expression wanting.
#[derive(Debug, Clone, PartialEq)]
enum State {
    /// At the start of an expression or argument.
    Start,
    /// After an operand: an operator, a modifier or the end may follow.
    Operand(Range<usize>),
    /// After a binary operator: an operand must follow.
    Operator(Range<usize>),
    /// After a keyword (`by (…)`, `bool`, `offset`): this check does not judge what follows.
    Neutral,
}

#[derive(Debug)]
enum Frame {
    Group,
    /// `by (…)`, `on (…)`, `group_left (…)`: label lists.
    Clause,
    Call {
        name: String,
        at: Range<usize>,
        argument: usize,
        ranged: bool,
    },
}

const CLAUSES: &[&str] = &[
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
];
const WORD_OPERATORS: &[&str] = &["and", "or", "unless", "atan2"];

const AGGREGATIONS: &[&str] = &[
    "sum",
    "min",
    "max",
    "avg",
    "group",
    "stddev",
    "stdvar",
    "count",
    "count_values",
    "bottomk",
    "topk",
    "quantile",
    "limitk",
    "limit_ratio",
];

/// Prometheus's functions, and for those over a range vector, which argument is the range.
const FUNCTIONS: &[(&str, Option<usize>)] = &[
    ("abs", None),
    ("absent", None),
    ("absent_over_time", Some(0)),
    ("acos", None),
    ("acosh", None),
    ("asin", None),
    ("asinh", None),
    ("atan", None),
    ("atanh", None),
    ("avg_over_time", Some(0)),
    ("ceil", None),
    ("changes", Some(0)),
    ("clamp", None),
    ("clamp_max", None),
    ("clamp_min", None),
    ("cos", None),
    ("cosh", None),
    ("count_over_time", Some(0)),
    ("day_of_month", None),
    ("day_of_week", None),
    ("day_of_year", None),
    ("days_in_month", None),
    ("deg", None),
    ("delta", Some(0)),
    ("deriv", Some(0)),
    ("double_exponential_smoothing", Some(0)),
    ("exp", None),
    ("first_over_time", Some(0)),
    ("floor", None),
    ("histogram_avg", None),
    ("histogram_count", None),
    ("histogram_fraction", None),
    ("histogram_quantile", None),
    ("histogram_stddev", None),
    ("histogram_stdvar", None),
    ("histogram_sum", None),
    ("holt_winters", Some(0)),
    ("hour", None),
    ("idelta", Some(0)),
    ("increase", Some(0)),
    ("info", None),
    ("irate", Some(0)),
    ("label_join", None),
    ("label_replace", None),
    ("last_over_time", Some(0)),
    ("ln", None),
    ("log10", None),
    ("log2", None),
    ("mad_over_time", Some(0)),
    ("max_over_time", Some(0)),
    ("min_over_time", Some(0)),
    ("minute", None),
    ("month", None),
    ("pi", None),
    ("predict_linear", Some(0)),
    ("present_over_time", Some(0)),
    ("quantile_over_time", Some(1)),
    ("rad", None),
    ("rate", Some(0)),
    ("resets", Some(0)),
    ("round", None),
    ("scalar", None),
    ("sgn", None),
    ("sin", None),
    ("sinh", None),
    ("sort", None),
    ("sort_by_label", None),
    ("sort_by_label_desc", None),
    ("sort_desc", None),
    ("sqrt", None),
    // `@ start()` and `@ end()`.
    ("start", None),
    ("end", None),
    ("stddev_over_time", Some(0)),
    ("stdvar_over_time", Some(0)),
    ("sum_over_time", Some(0)),
    ("tan", None),
    ("tanh", None),
    ("time", None),
    ("timestamp", None),
    ("ts_of_first_over_time", Some(0)),
    ("ts_of_last_over_time", Some(0)),
    ("ts_of_max_over_time", Some(0)),
    ("ts_of_min_over_time", Some(0)),
    ("vector", None),
    ("year", None),
];

fn fault(at: Range<usize>, message: String, label: &str, help: String) -> PromqlError {
    PromqlError {
        message,
        label: label.into(),
        help,
        at: Some(at),
        related: None,
    }
}

/// Checks the order of the tokens of `text`, whose brackets balance.
// The error is built at most once per expression, on the failure path: its size costs nothing.
#[allow(clippy::result_large_err)]
pub fn check(text: &str) -> Result<(), PromqlError> {
    let tokens = tokens(text);
    let mut frames: Vec<Frame> = Vec::new();
    let mut state = State::Start;
    let mut clause_next = false;
    for (index, token) in tokens.iter().enumerate() {
        let word = &text[token.at.clone()];
        let lower = word.to_ascii_lowercase();
        let opens_next = tokens.get(index + 1).is_some_and(|t| t.kind == Kind::Open);
        let previous = index.checked_sub(1).map(|i| &tokens[i]);
        // A parameter and the text it touches are one name or number once rendered.
        let joined = previous.is_some_and(|p| {
            p.at.end == token.at.start
                && (p.kind == Kind::Placeholder || token.kind == Kind::Placeholder)
        });
        if joined {
            state = State::Operand(token.at.clone());
            continue;
        }
        match token.kind {
            Kind::Word if WORD_OPERATORS.contains(&lower.as_str()) => {
                operator(&state, token, word)?;
                state = State::Operator(token.at.clone());
            }
            Kind::Word if CLAUSES.contains(&lower.as_str()) => {
                clause_next = opens_next;
                state = State::Neutral;
            }
            Kind::Word if matches!(lower.as_str(), "bool" | "offset") => state = State::Neutral,
            Kind::Word if opens_next => {
                known_function(&lower, token)?;
                state = State::Neutral;
            }
            Kind::Word | Kind::Number | Kind::Text | Kind::Placeholder => {
                operand(&state, token, word)?;
                state = State::Operand(token.at.clone());
            }
            Kind::Selector => {
                // A metric's selector belongs to the name before it.
                if !matches!(&state, State::Operand(at) if at.end == token.at.start) {
                    operand(&state, token, word)?;
                }
                state = State::Operand(token.at.clone());
            }
            Kind::Range => {
                if let Some(Frame::Call { ranged, .. }) = frames.last_mut() {
                    *ranged = true;
                }
                state = State::Operand(token.at.clone());
            }
            Kind::Operator => {
                let unary = matches!(word, "+" | "-")
                    && matches!(state, State::Start | State::Operator(_) | State::Neutral);
                if !unary && !matches!(word, "=" | "=~" | "!~") {
                    operator(&state, token, word)?;
                }
                state = State::Operator(token.at.clone());
            }
            Kind::Open => {
                let frame = match previous {
                    _ if clause_next => Frame::Clause,
                    Some(p) if p.kind == Kind::Word && matches!(state, State::Neutral) => {
                        Frame::Call {
                            name: text[p.at.clone()].to_ascii_lowercase(),
                            at: p.at.clone(),
                            argument: 0,
                            ranged: false,
                        }
                    }
                    _ => {
                        operand(&state, token, word)?;
                        Frame::Group
                    }
                };
                clause_next = false;
                frames.push(frame);
                state = State::Start;
            }
            Kind::Comma => {
                ends_with_operand(&state)?;
                if let Some(Frame::Call {
                    name,
                    at,
                    argument,
                    ranged,
                }) = frames.last_mut()
                {
                    given_its_range(name, at, *argument, *ranged)?;
                    *argument += 1;
                    *ranged = false;
                }
                state = State::Start;
            }
            Kind::Close => {
                ends_with_operand(&state)?;
                state = match frames.pop() {
                    Some(Frame::Clause) => State::Neutral,
                    Some(Frame::Call {
                        name,
                        at,
                        argument,
                        ranged,
                    }) => {
                        if !matches!(state, State::Start) || argument > 0 {
                            given_its_range(&name, &at, argument, ranged)?;
                        }
                        State::Operand(token.at.clone())
                    }
                    _ => State::Operand(token.at.clone()),
                };
            }
        }
    }
    ends_with_operand(&state)
}

#[allow(clippy::result_large_err)]
fn operand(state: &State, token: &Token, word: &str) -> Result<(), PromqlError> {
    if let State::Operand(before) = state {
        return Err(PromqlError {
            related: Some((before.clone(), "the operand before it".into())),
            ..fault(
                token.at.clone(),
                format!("`{word}` follows another operand with no operator between them"),
                "no operator before this",
                "join the two with an operator (`/`, `>`, `and`, …), or remove one of them".into(),
            )
        });
    }
    Ok(())
}

#[allow(clippy::result_large_err)]
fn operator(state: &State, token: &Token, word: &str) -> Result<(), PromqlError> {
    match state {
        State::Start => Err(fault(
            token.at.clone(),
            format!("`{word}` has nothing on its left"),
            "no left-hand side",
            format!("write what `{word}` compares or combines before it"),
        )),
        State::Operator(before) => Err(PromqlError {
            related: Some((before.clone(), "the operator before it".into())),
            ..fault(
                token.at.clone(),
                format!("`{word}` follows another operator"),
                "two operators in a row",
                "remove one of them, or put an operand between them".into(),
            )
        }),
        _ => Ok(()),
    }
}

#[allow(clippy::result_large_err)]
fn ends_with_operand(state: &State) -> Result<(), PromqlError> {
    if let State::Operator(at) = state {
        return Err(fault(
            at.clone(),
            "the expression ends after an operator".into(),
            "nothing on its right",
            "write the right-hand side, e.g. `> 0.5`, or remove the operator".into(),
        ));
    }
    Ok(())
}

#[allow(clippy::result_large_err)]
fn known_function(name: &str, token: &Token) -> Result<(), PromqlError> {
    if AGGREGATIONS.contains(&name) || FUNCTIONS.iter().any(|(f, _)| *f == name) {
        return Ok(());
    }
    let names = AGGREGATIONS
        .iter()
        .copied()
        .chain(FUNCTIONS.iter().map(|(f, _)| *f));
    let help = match did_you_mean(name, names) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "Prometheus's functions are listed at \
                 https://prometheus.io/docs/prometheus/latest/querying/functions/"
            .into(),
    };
    Err(fault(
        token.at.clone(),
        format!("Prometheus has no function `{name}`"),
        "unknown function",
        help,
    ))
}

#[allow(clippy::result_large_err)]
fn given_its_range(
    name: &str,
    at: &Range<usize>,
    argument: usize,
    ranged: bool,
) -> Result<(), PromqlError> {
    let wants_range = FUNCTIONS
        .iter()
        .find(|(f, _)| *f == name)
        .and_then(|(_, range)| *range);
    if wants_range == Some(argument) && !ranged {
        return Err(fault(
            at.clone(),
            format!("`{name}` takes a range of samples, and its argument has none"),
            "no `[…]` range in its argument",
            format!("give the series a window, e.g. `{name}(http_requests_total[5m])`"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails(text: &str) -> String {
        match check(text) {
            Ok(()) => panic!("`{text}` passed"),
            Err(e) => format!("{} at {:?}", e.message, e.at),
        }
    }

    #[test]
    fn valid_queries_pass() {
        for q in [
            "sum(rate(http_requests_total{job=\"a\", code=~\"5..\"}[5m])) > 0",
            "sum by (le) (rate(x_bucket[5m]))",
            "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > 0.3",
            "sum(x) by (a) / on(a) group_left(b) sum(y)",
            "x offset 5m > bool 3",
            "-x + +1",
            "up == 0 and on() vector(1)",
            "rate(x[5m] offset 1h)",
            "max_over_time(sum(rate(x[1m]))[1h:5m])",
            "quantile_over_time(0.9, x[10m])",
            "predict_linear(agent_cost_usd_total[6h], 86400) > 3",
            "{__name__=~\"up|down\"}",
            "x{job=\"{{job}}\"}[{{window}}]",
            "count_values(\"v\", x)",
            "topk(3, x) # the three largest\n",
            "time() - x > 300",
            "SUM(x) BY (a)",
            "absent(up{job=\"a\"})",
            "x @ start()",
            "sum(rate({{metric}}_bucket{le=\"{{le}}\"}[{{window}}]))",
            "x > {{threshold}}",
            "1e3 * x",
            "0x10 + x",
        ] {
            assert_eq!(check(q), Ok(()), "{q}");
        }
    }

    #[test]
    fn each_fault_is_found() {
        assert_eq!(
            fails("up =="),
            "the expression ends after an operator at Some(3..5)"
        );
        assert_eq!(
            fails("foo bar"),
            "`bar` follows another operand with no operator between them at Some(4..7)"
        );
        assert_eq!(
            fails("rates(x[5m])"),
            "Prometheus has no function `rates` at Some(0..5)"
        );
        assert_eq!(
            fails("sum(rate(x)) > 1"),
            "`rate` takes a range of samples, and its argument has none at Some(4..8)"
        );
        assert_eq!(fails("> 1"), "`>` has nothing on its left at Some(0..1)");
        assert_eq!(
            fails("x > > 1"),
            "`>` follows another operator at Some(4..5)"
        );
        assert_eq!(
            fails("sum(x >, y)"),
            "the expression ends after an operator at Some(6..7)"
        );
        assert_eq!(
            fails("quantile_over_time(0.9, x)"),
            "`quantile_over_time` takes a range of samples, and its argument has none at Some(0..18)"
        );
    }
}
