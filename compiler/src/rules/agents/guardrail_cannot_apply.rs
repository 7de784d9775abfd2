use crate::ast::{Effect, Guardrail};
use crate::diagnostics::Severity;
use crate::lint::{Finding, LintContext, Scope};

use super::{agents, at_value};

crate::declare_rule! {
    /// ## What it does
    /// Reports a `guardrail` that can never trip where it is placed:
    /// - `on="tool-call"` on an agent that no `allow` lets call anything;
    /// - `prompt-injection` on `output` or `tool-call`: injected instructions arrive in the
    ///   agent's input (prompts and tool results), which it then never sees;
    /// - `destructive-commands` on `input`: the commands an agent runs leave it as tool calls
    ///   and output, which it then never sees;
    /// - `destructive-commands` with `action="redact"`: a command with its destructive part cut
    ///   out is another command, and it still runs.
    ///
    /// ## Why is this bad?
    /// A guardrail is a promise to reviewers and auditors: "this agent cannot leak PII", "an
    /// injected instruction goes to a human". Placed where its threat never passes, it checks
    /// nothing, and the agent runs unprotected while the spec, the runtime manifest and the
    /// runbook all say it is protected. The day a poisoned changelog reaches the agent, nothing
    /// stops it.
    ///
    /// ## Example
    /// ```kdl
    /// agent "deps-updater" {
    ///     allow "write" "github:acme/shop/pulls"
    ///     guardrail "prompt-injection" action="block" on="output"
    ///     guardrail "destructive-commands" action="redact" on="tool-call"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// agent "deps-updater" {
    ///     allow "write" "github:acme/shop/pulls"
    ///     guardrail "prompt-injection" action="block" on="input"
    ///     guardrail "destructive-commands" action="block" on="tool-call"
    /// }
    /// ```
    pub GUARDRAIL_CANNOT_APPLY = ("guardrail-cannot-apply", Severity::Error, Scope::Feature, check);
}

fn check(cx: &LintContext, out: &mut Vec<Finding>) {
    for (feature, agent) in agents(cx) {
        let may_call = agent.rules.iter().any(|r| r.effect == Effect::Allow);
        for guardrail in &agent.guardrails {
            let Some((span, problem, label, help)) = problem(guardrail, may_call) else {
                continue;
            };
            out.push(
                at_value(
                    cx,
                    feature,
                    agent,
                    span,
                    format!(
                        "guardrail `{}` of agent `{}` cannot apply: {problem}",
                        guardrail.kind.value, agent.name.value
                    ),
                    label.to_string(),
                )
                .help(help),
            );
        }
    }
}

/// What keeps a guardrail from tripping: the span to point at, the message's reason, a label
/// and a help line.
fn problem(
    guardrail: &Guardrail,
    may_call: bool,
) -> Option<(crate::source::Span, String, &'static str, String)> {
    let kind = guardrail.kind.value.as_str();
    if let Some(action) = &guardrail.action
        && kind == "destructive-commands"
        && action.value == "redact"
    {
        return Some((
            action.span,
            "a command with its destructive part cut out still runs".to_string(),
            "redacting a command does not stop it",
            format!(
                "write `guardrail \"{kind}\" action=\"block\"` (or `escalate`, for a human to decide)"
            ),
        ));
    }
    let on = guardrail.on.as_ref()?;
    let fix_on =
        |place: &str| format!("write `on=\"{place}\"`, or leave `on` out to check everything");
    match (kind, on.value.as_str()) {
        (_, "tool-call") if !may_call => Some((
            on.span,
            "no `allow` lets the agent call a tool".to_string(),
            "there is no tool call to check",
            "add the `allow` rules the agent needs, or remove the guardrail".to_string(),
        )),
        ("prompt-injection", place @ ("output" | "tool-call")) => Some((
            on.span,
            format!("injected instructions arrive in the input, and it only checks the {place}"),
            "it never sees the agent's input",
            fix_on("input"),
        )),
        ("destructive-commands", "input") => Some((
            on.span,
            "the agent's commands leave it as tool calls, and it only checks the input".to_string(),
            "it never sees the agent's tool calls",
            fix_on("tool-call"),
        )),
        _ => None,
    }
}
