//! Spec files: `feature` nodes and their feature-wide children, presets, environments.

use super::ValueKind::*;
use super::*;
use crate::schema::agent::AGENT;
use crate::schema::deploy::{DEPLOY, GATE};
use crate::schema::observe::{ALERT, LATENCY, RATIO, RUNBOOK, SLO, TELEMETRY};
use crate::schema::service::{DATASTORE, FLAG, SECRET, SERVICE};

pub static SPEC_FILE: NodeSchema = NodeSchema {
    name: "spec file",
    doc: "A spec file holds features and presets.",
    children: &[many(&FEATURE), many(&PRESET)],
    ..BLANK
};

pub static FEATURE: NodeSchema = NodeSchema {
    name: "feature",
    doc: "A feature: its services and data, how it is deployed, observed and recovered, and \
          which agents may act on it.",
    args: &[arg(
        "NAME",
        Name,
        "The feature's name; its Kubernetes namespace.",
    )],
    children: FEATURE_CHILDREN,
    unique_name: true,
    example: "feature \"checkout\" { owner \"payments\"; tier \"critical\" }",
    ..BLANK
};

const FEATURE_CHILDREN: &[Child] = &[
    once(&OWNER),
    once(&TIER),
    once(&DESCRIPTION),
    many(&SERVICE),
    many(&DATASTORE),
    many(&SECRET),
    many(&FLAG),
    many(&DEPLOY),
    once(&TELEMETRY),
    many(&SLO),
    many(&ALERT),
    many(&RUNBOOK),
    many(&AGENT),
    many(&GATE),
    many(&ENV),
    many(&ALLOW_RULE),
];

static OWNER: NodeSchema = NodeSchema {
    name: "owner",
    doc: "The team that owns the feature: it receives the alerts and approves the gates.",
    args: &[arg("TEAM", Name, "A team of the workspace.")],
    ..BLANK
};

static TIER: NodeSchema = NodeSchema {
    name: "tier",
    doc: "The feature's tier (`critical`, `standard`, `experimental`, or a tier preset of the \
          workspace): defaults for replicas, disruption budgets, objectives, gates and lint \
          severities.",
    args: &[arg("TIER", Name, "A tier.")],
    ..BLANK
};

static DESCRIPTION: NodeSchema = NodeSchema {
    name: "description",
    doc: "What the feature does, for people reading the generated runbooks and dashboards.",
    args: &[arg("TEXT", Text, "A sentence or two.")],
    ..BLANK
};

pub static ENV: NodeSchema = NodeSchema {
    name: "env",
    doc: "Adjustments for one environment: partial copies of the feature's nodes, merged over \
          the base (properties override, a child with the same name and first argument replaces, \
          others are added). An entity the base does not have is added only when it is complete \
          on its own (a service with its image); otherwise its name is taken for a typo, an \
          `unresolved-reference`.",
    args: &[arg("ENVIRONMENT", Name, "An environment of the workspace.")],
    children: FEATURE_CHILDREN_WITHOUT_ENV,
    unique_name: true,
    example: "env \"staging\" { service \"api\" { replicas min=1 max=2 } }",
    ..BLANK
};

/// What an environment overlay may adjust: everything a feature has but another overlay.
const FEATURE_CHILDREN_WITHOUT_ENV: &[Child] = &[
    once(&OWNER),
    once(&TIER),
    once(&DESCRIPTION),
    many(&SERVICE),
    many(&DATASTORE),
    many(&SECRET),
    many(&FLAG),
    many(&DEPLOY),
    once(&TELEMETRY),
    many(&SLO),
    many(&ALERT),
    many(&RUNBOOK),
    many(&AGENT),
    many(&GATE),
    many(&ALLOW_RULE),
];

pub static ALLOW_RULE: NodeSchema = NodeSchema {
    name: "allow",
    doc: "Silences a lint rule for this node and everything in it. The reason is required, so \
          the next reader knows why.",
    args: &[arg("RULE", RuleId, "A lint rule id.")],
    props: &[required(
        "reason",
        Text,
        "Why the rule does not apply here.",
    )],
    example: "allow \"unused-runbook\" reason=\"linked from the status page\"",
    ..BLANK
};

pub static PRESET: NodeSchema = NodeSchema {
    name: "preset",
    doc: "A reusable node: `use=\"NAME\"` on a node of the same kind takes the preset's \
          properties and children as defaults. The body is one node, written as it would be in a \
          feature. Names under `std/` belong to the standard library.",
    args: &[arg(
        "NAME",
        Preset,
        "The preset's name, e.g. `acme/web-canary`.",
    )],
    props: &[prop("doc", Text, "What the preset is for.")],
    children: &[
        many(&SERVICE),
        many(&DATASTORE),
        many(&FLAG),
        many(&DEPLOY),
        many(&TELEMETRY),
        many(&SLO),
        many(&ALERT),
        many(&RUNBOOK),
        many(&AGENT),
        many(&GATE),
        many(&RATIO),
        many(&LATENCY),
        many(&TIER_DEFAULTS),
    ],
    unique_name: true,
    example: "preset \"acme/canary\" { deploy strategy=\"canary\" { step weight=20 pause=\"10m\" } }",
    ..BLANK
};

pub static TIER_DEFAULTS: NodeSchema = NodeSchema {
    name: "tier",
    doc: "A tier's defaults (inside a `preset`): what features of this tier get when they say \
          nothing.",
    children: &[
        once(&TIER_REPLICAS),
        once(&TIER_DISRUPTION),
        once(&TIER_OBJECTIVE),
        once(&TIER_GATE),
        once(&TIER_LINT),
    ],
    ..BLANK
};

static TIER_REPLICAS: NodeSchema = NodeSchema {
    name: "replicas",
    doc: "Default replica range of services.",
    props: &[
        prop(
            "min",
            Integer {
                min: 0,
                max: 10_000,
            },
            "Minimum replicas.",
        ),
        prop(
            "max",
            Integer {
                min: 1,
                max: 10_000,
            },
            "Maximum replicas.",
        ),
    ],
    ..BLANK
};

static TIER_DISRUPTION: NodeSchema = NodeSchema {
    name: "disruption-budget",
    doc: "The PodDisruptionBudget of services.",
    props: &[
        prop(
            "min-available",
            Text,
            "A count or a percentage such as `50%`.",
        ),
        prop(
            "max-unavailable",
            Text,
            "A count or a percentage such as `1`.",
        ),
    ],
    ..BLANK
};

static TIER_OBJECTIVE: NodeSchema = NodeSchema {
    name: "objective",
    doc: "The range SLO objectives of this tier are expected in.",
    props: &[
        prop(
            "min",
            Number {
                min: 0.0,
                max: 100.0,
                exclusive: true,
            },
            "Lowest expected objective.",
        ),
        prop(
            "default",
            Number {
                min: 0.0,
                max: 100.0,
                exclusive: true,
            },
            "Objective of generated SLOs.",
        ),
    ],
    ..BLANK
};

static TIER_GATE: NodeSchema = NodeSchema {
    name: "gate",
    doc: "How strict the feature's gates are.",
    props: &[prop(
        "irreversible",
        OneOf(&["human", "automated"]),
        "Who approves irreversible changes.",
    )],
    ..BLANK
};

static TIER_LINT: NodeSchema = NodeSchema {
    name: "lint",
    doc: "Severities of lint rules for features of this tier.",
    children: &[many(&TIER_DENY), many(&TIER_WARN), many(&TIER_ALLOW)],
    ..BLANK
};

static TIER_DENY: NodeSchema = NodeSchema {
    name: "deny",
    doc: "Makes rules errors.",
    args: &[args_many("RULE", RuleId, "A rule id.")],
    ..BLANK
};

static TIER_WARN: NodeSchema = NodeSchema {
    name: "warn",
    doc: "Makes rules warnings.",
    args: &[args_many("RULE", RuleId, "A rule id.")],
    ..BLANK
};

static TIER_ALLOW: NodeSchema = NodeSchema {
    name: "allow",
    doc: "Turns rules off.",
    args: &[args_many("RULE", RuleId, "A rule id.")],
    ..BLANK
};
