//! AI agents that act on a feature: what they may do, what they may spend, how they are watched.

use super::ValueKind::*;
use super::*;
use crate::schema::feature::ALLOW_RULE;

const USD: ValueKind = Number {
    min: 0.0,
    max: 1e9,
    exclusive: false,
};
const TOKENS: ValueKind = Integer {
    min: 1,
    max: i64::MAX,
};

pub static AGENT: NodeSchema = NodeSchema {
    name: "agent",
    doc: "An AI agent that acts on the feature: its rights (compiled to Cedar, RBAC and IAM), its \
          budgets and rate limits (compiled to the agent runtime's manifest and to alerts), its \
          guardrails and its quality SLOs.",
    args: &[arg("NAME", Name, "The agent's name.")],
    props: &[
        prop("use", Preset, "An agent profile such as `std/observer`."),
        prop(
            "runbook",
            Name,
            "A runbook of the feature that the agent's alerts link instead of its generated \
             page; the same as a `runbook` child.",
        ),
    ],
    children: &[
        once(&PURPOSE),
        once(&AGENT_OWNER),
        once(&MODEL),
        once(&BUDGET),
        once(&RATE_LIMIT),
        once(&RETRY),
        once(&CREDENTIALS),
        many(&AGENT_ALLOW),
        many(&AGENT_DENY),
        many(&GUARDRAIL),
        many(&AGENT_SLO),
        once(&AGENT_RUNBOOK),
        many(&ALLOW_RULE),
    ],
    unique_name: true,
    example: "agent \"triage\" { purpose \"Triages pages\"; budget tokens-per-day=2000000 }",
    ..BLANK
};

static PURPOSE: NodeSchema = NodeSchema {
    name: "purpose",
    doc: "What the agent is for, in one sentence.",
    args: &[arg("TEXT", Text, "The purpose.")],
    ..BLANK
};

static AGENT_OWNER: NodeSchema = NodeSchema {
    name: "owner",
    doc: "The team answerable for the agent. Default the feature's owner.",
    args: &[arg("TEAM", Name, "A team of the workspace.")],
    ..BLANK
};

static MODEL: NodeSchema = NodeSchema {
    name: "model",
    doc: "The model the agent runs on.",
    args: &[arg("MODEL", Text, "The model's name.")],
    props: &[prop("provider", Text, "Who serves it, e.g. `anthropic`.")],
    ..BLANK
};

static BUDGET: NodeSchema = NodeSchema {
    name: "budget",
    doc: "What the agent may spend. A per-run limit alone does not bound an agent that runs more \
          often: give a daily or monthly limit too.",
    props: &[
        prop("tokens-per-run", TOKENS, "Tokens one run may use."),
        prop(
            "tokens-per-day",
            TOKENS,
            "Tokens all runs of a day may use.",
        ),
        prop(
            "tokens-per-month",
            TOKENS,
            "Tokens all runs of a month may use.",
        ),
        prop("usd-per-run", USD, "Dollars one run may cost."),
        prop("usd-per-day", USD, "Dollars all runs of a day may cost."),
        prop(
            "usd-per-month",
            USD,
            "Dollars all runs of a month may cost.",
        ),
    ],
    ..BLANK
};

static RATE_LIMIT: NodeSchema = NodeSchema {
    name: "rate-limit",
    doc: "How fast the agent may call its model and tools.",
    props: &[
        prop(
            "requests-per-minute",
            Integer {
                min: 0,
                max: 1_000_000,
            },
            "Model requests per minute.",
        ),
        prop(
            "tokens-per-minute",
            Integer {
                min: 0,
                max: i64::MAX,
            },
            "Tokens per minute.",
        ),
        prop(
            "runs-per-hour",
            Integer {
                min: 0,
                max: 1_000_000,
            },
            "Runs started per hour.",
        ),
        prop(
            "concurrency",
            Integer {
                min: 0,
                max: 10_000,
            },
            "Runs at once.",
        ),
    ],
    ..BLANK
};

static RETRY: NodeSchema = NodeSchema {
    name: "retry",
    doc: "How a failed run or call is retried.",
    props: &[
        prop(
            "max-attempts",
            Integer { min: 1, max: 1000 },
            "Attempts in all, the first included.",
        ),
        prop(
            "backoff",
            OneOf(&["exponential", "linear", "constant", "none"]),
            "How the wait grows.",
        ),
        prop("initial-delay", Duration, "The first wait."),
    ],
    ..BLANK
};

static CREDENTIALS: NodeSchema = NodeSchema {
    name: "credentials",
    doc: "Where the agent's credentials come from and how long they live.",
    props: &[
        required(
            "source",
            OneOf(&["vault", "aws-sts", "workload-identity", "static"]),
            "The issuer.",
        ),
        prop("ttl", Duration, "How long a credential lives."),
    ],
    ..BLANK
};

pub static AGENT_ALLOW: NodeSchema = NodeSchema {
    name: "allow",
    doc: "Lets the agent take an action on resources. A trailing `*` covers every entity of a \
          feature.",
    args: &[
        arg(
            "ACTION",
            Action,
            "read, write, deploy, rollback, migrate or delete.",
        ),
        args_many(
            "RESOURCE",
            Resource,
            "`k8s:FEATURE/NAME`, `datastore:…`, `secret:…`, `flag:…`, `agent:…`, `github:ORG/REPO/SCOPE`.",
        ),
    ],
    ..BLANK
};

static AGENT_DENY: NodeSchema = NodeSchema {
    name: "deny",
    doc: "Forbids an action on resources, whatever an `allow` says.",
    args: AGENT_ALLOW.args,
    ..BLANK
};

static GUARDRAIL: NodeSchema = NodeSchema {
    name: "guardrail",
    doc: "A check on what goes into and comes out of the agent, and what happens when it trips.",
    args: &[arg(
        "KIND",
        OneOf(&[
            "pii",
            "secrets",
            "prompt-injection",
            "destructive-commands",
            "toxicity",
        ]),
        "What the guardrail looks for.",
    )],
    props: &[
        required(
            "action",
            OneOf(&["block", "redact", "escalate"]),
            "What happens when it trips.",
        ),
        prop(
            "on",
            OneOf(&["input", "output", "tool-call", "all"]),
            "Where it applies. Default `all`.",
        ),
    ],
    unique_name: true,
    ..BLANK
};

static AGENT_SLO: NodeSchema = NodeSchema {
    name: "slo",
    doc: "A quality objective of the agent: the share of runs that succeed, or the cost of a task.",
    args: &[arg(
        "KIND",
        OneOf(&["task-success", "cost-per-task"]),
        "Which objective.",
    )],
    props: &[
        prop(
            "objective",
            Number {
                min: 0.0,
                max: 100.0,
                exclusive: true,
            },
            "task-success: the target, in percent.",
        ),
        prop(
            "max-usd",
            USD,
            "cost-per-task: the most a task should cost.",
        ),
        prop("window", Duration, "The period. Default `30d`."),
    ],
    unique_name: true,
    ..BLANK
};

static AGENT_RUNBOOK: NodeSchema = NodeSchema {
    name: "runbook",
    doc: "A runbook of the feature that the agent's alerts link instead of its generated page.",
    args: &[arg("RUNBOOK", Name, "A runbook of the feature.")],
    ..BLANK
};
