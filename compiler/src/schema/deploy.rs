//! How a feature ships: deploy strategies and gates.

use super::ValueKind::*;
use super::*;
use crate::schema::feature::ALLOW_RULE;

pub static DEPLOY: NodeSchema = NodeSchema {
    name: "deploy",
    doc: "How new versions roll out. Applies to every service of the feature unless `service=` \
          picks one (one deploy per service).",
    props: &[
        prop(
            "strategy",
            OneOf(&["rolling", "canary", "blue-green"]),
            "The rollout strategy. Default `rolling`.",
        ),
        prop("service", Name, "The one service this deploy applies to."),
        prop(
            "use",
            Preset,
            "A deploy preset such as `std/canary-standard`.",
        ),
    ],
    children: &[
        many(&STEP),
        many(&ROLLBACK_WHEN),
        once(&MANUAL_OVERRIDE),
        once(&APPROVE),
        many(&ALLOW_RULE),
    ],
    key_property: Some("service"),
    example: "deploy strategy=\"canary\" { step weight=20 pause=\"10m\"; rollback-when slo=\"availability\" }",
    ..BLANK
};

static STEP: NodeSchema = NodeSchema {
    name: "step",
    doc: "A canary step: shift `weight` percent of traffic to the new version, then wait \
          `pause`, or wait for a team to promote (`step approve team=\"TEAM\"`, \
          `approve=\"TEAM\"` or an `approve` child), not both. A canary's weights rise from step \
          to step, from 1 to 100; a blue-green deploy has a preview step (weight 0) and a switch \
          step (weight 100).",
    args: &[Arg {
        name: "approve",
        kind: OneOf(&["approve"]),
        required: false,
        variadic: false,
        doc: "A step that waits for a human: `step approve team=\"TEAM\" count=N`.",
    }],
    props: &[
        prop(
            "weight",
            Integer { min: 0, max: 100 },
            "Percent of traffic on the new version.",
        ),
        prop(
            "pause",
            Duration,
            "How long to hold this weight while analysis runs.",
        ),
        prop(
            "approve",
            Name,
            "A team that promotes by hand past this step.",
        ),
        prop(
            "team",
            Name,
            "With the `approve` argument: the team that promotes by hand past this step.",
        ),
        prop(
            "count",
            Integer { min: 1, max: 10 },
            "With the `approve` argument: how many of the team's approvers must approve. \
             Default 1.",
        ),
    ],
    children: &[once(&APPROVE)],
    example: "step approve team=\"payments\" count=2",
    ..BLANK
};

pub static APPROVE: NodeSchema = NodeSchema {
    name: "approve",
    doc: "A human approval by a team.",
    props: &[
        required("team", Name, "A team of the workspace."),
        prop(
            "count",
            Integer { min: 1, max: 10 },
            "How many of its approvers must approve. Default 1.",
        ),
    ],
    ..BLANK
};

static ROLLBACK_WHEN: NodeSchema = NodeSchema {
    name: "rollback-when",
    doc: "Aborts the rollout when an SLO of the feature burns its error budget too fast (the \
          canary analysis queries the SLO's own indicator) or an alert of the feature fires (the \
          analysis asks Prometheus whether it is firing).",
    props: &[
        prop(
            "slo",
            NameOrAll,
            "An SLO of the feature, or `*` for every SLO of the service.",
        ),
        prop("alert", Name, "An alert of the feature."),
    ],
    ..BLANK
};

static MANUAL_OVERRIDE: NodeSchema = NodeSchema {
    name: "manual-override",
    doc: "A team that may pause, promote or abort an automated rollout by hand.",
    props: &[required("team", Name, "A team of the workspace.")],
    ..BLANK
};

pub static GATE: NodeSchema = NodeSchema {
    name: "gate",
    doc: "Who must approve changes of a risk tier before they ship: reversible changes may go \
          through automated review; irreversible ones (datastores, secrets, IAM, budgets, \
          deletions) need a human.",
    args: &[arg("NAME", Name, "The gate's name.")],
    props: &[
        required(
            "tier",
            OneOf(&["reversible", "irreversible"]),
            "The risk tier the gate covers.",
        ),
        prop(
            "review",
            OneOf(&["automated", "human"]),
            "`automated`: no human approval needed.",
        ),
        prop("use", Preset, "A gate preset."),
    ],
    children: &[many(&APPROVE), many(&ALLOW_RULE)],
    unique_name: true,
    example: "gate \"data-changes\" tier=\"irreversible\" { approve team=\"payments\" count=1 }",
    ..BLANK
};
