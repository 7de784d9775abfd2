//! How a feature is observed: telemetry, SLOs, alerts and runbooks.

use super::ValueKind::*;
use super::*;
use crate::schema::feature::ALLOW_RULE;

const USE: Prop = prop(
    "use",
    Preset,
    "A preset whose properties and children this node takes as defaults.",
);

pub static TELEMETRY: NodeSchema = NodeSchema {
    name: "telemetry",
    doc: "What the feature's services expose: metrics, traces and logs.",
    children: &[once(&METRICS), once(&TRACES), once(&LOGS), many(&HISTOGRAM)],
    example: "telemetry { metrics path=\"/metrics\" port=9090 }",
    ..BLANK
};

static METRICS: NodeSchema = NodeSchema {
    name: "metrics",
    doc: "A Prometheus metrics endpoint on every service.",
    props: &[
        prop("path", HttpPath, "The scrape path. Default `/metrics`."),
        prop(
            "port",
            Integer { min: 1, max: 65535 },
            "The scrape port. Default the service's port.",
        ),
        prop("interval", Duration, "The scrape interval."),
    ],
    ..BLANK
};

static TRACES: NodeSchema = NodeSchema {
    name: "traces",
    doc: "Distributed tracing.",
    props: &[prop(
        "sample-ratio",
        Number {
            min: 0.0,
            max: 1.0,
            exclusive: false,
        },
        "The share of requests traced, 0 to 1.",
    )],
    ..BLANK
};

static LOGS: NodeSchema = NodeSchema {
    name: "logs",
    doc: "Log retention.",
    props: &[prop("retention", Duration, "How long logs are kept.")],
    ..BLANK
};

static HISTOGRAM: NodeSchema = NodeSchema {
    name: "histogram",
    doc: "A histogram the services export and its bucket bounds (in seconds for durations): a \
          latency SLO's threshold must be one of them.",
    args: &[
        arg("METRIC", Text, "The histogram's metric name."),
        args_many(
            "BOUND",
            Number {
                min: 0.0,
                max: 1e12,
                exclusive: false,
            },
            "Bucket upper bounds.",
        ),
    ],
    unique_name: true,
    ..BLANK
};

pub static SLO: NodeSchema = NodeSchema {
    name: "slo",
    doc: "A service level objective: the share of good events over a window. It gives the \
          recording rules, the multi-window burn-rate alerts, the canary's analysis and the \
          dashboard.",
    args: &[arg("NAME", Name, "The SLO's name.")],
    props: &[
        prop(
            "service",
            Name,
            "The service it measures; optional when the feature has one.",
        ),
        required(
            "objective",
            Number {
                min: 0.0,
                max: 100.0,
                exclusive: true,
            },
            "The target, in percent.",
        ),
        prop(
            "window",
            Duration,
            "The period the objective holds over. Default `30d`.",
        ),
        prop("runbook", Name, "The runbook its alerts link."),
        USE,
    ],
    children: &[once(&RATIO), once(&LATENCY), many(&ALLOW_RULE)],
    one_of_children: &["ratio", "latency"],
    unique_name: true,
    example: "slo \"availability\" objective=99.9 runbook=\"api-down\" { ratio preset=\"std/http-availability\" }",
    ..BLANK
};

pub static RATIO: NodeSchema = NodeSchema {
    name: "ratio",
    doc: "A ratio indicator: good events over total events (or bad over total), as PromQL, or a \
          preset.",
    props: &[
        prop(
            "preset",
            Preset,
            "An indicator preset such as `std/http-availability`.",
        ),
        prop(
            "use",
            Preset,
            "The same as `preset=`, as other nodes name their preset.",
        ),
        prop("good", PromQl, "Good events per second."),
        prop("bad", PromQl, "Bad events per second."),
        prop("total", PromQl, "All events per second."),
    ],
    ..BLANK
};

pub static LATENCY: NodeSchema = NodeSchema {
    name: "latency",
    doc: "A latency indicator: the share of requests faster than `threshold`, from a histogram.",
    props: &[
        prop("metric", Text, "The histogram metric (without `_bucket`)."),
        prop(
            "threshold",
            Duration,
            "The latency a good request stays under.",
        ),
        prop(
            "preset",
            Preset,
            "An indicator preset such as `std/http-latency`.",
        ),
        prop(
            "use",
            Preset,
            "The same as `preset=`, as other nodes name their preset.",
        ),
    ],
    ..BLANK
};

pub static ALERT: NodeSchema = NodeSchema {
    name: "alert",
    doc: "An alert written by hand, beside the ones gantry derives from SLOs and agents.",
    args: &[arg("NAME", Name, "The alert's name.")],
    props: &[
        required(
            "severity",
            OneOf(&["page", "ticket"]),
            "`page` wakes someone; `ticket` waits.",
        ),
        prop("runbook", Name, "The runbook a responder follows."),
        USE,
        prop(
            "expr",
            PromQl,
            "The PromQL condition; the same as an `expr` child.",
        ),
        prop(
            "for",
            Duration,
            "How long the condition must hold; the same as a `for` child.",
        ),
    ],
    children: &[
        Child {
            node: &EXPR,
            repeat: Repeat::Required,
        },
        once(&FOR),
        once(&SUMMARY),
        once(&DESCRIPTION),
        many(&ALLOW_RULE),
    ],
    unique_name: true,
    example: "alert \"queue-backlog\" severity=\"ticket\" runbook=\"queue\" { expr \"sum(depth) > 1000\"; for \"15m\" }",
    ..BLANK
};

static EXPR: NodeSchema = NodeSchema {
    name: "expr",
    doc: "The PromQL condition.",
    args: &[arg("EXPR", PromQl, "A PromQL expression.")],
    ..BLANK
};

static FOR: NodeSchema = NodeSchema {
    name: "for",
    doc: "How long the condition must hold before the alert fires.",
    args: &[arg("DURATION", Duration, "A duration.")],
    ..BLANK
};

static SUMMARY: NodeSchema = NodeSchema {
    name: "summary",
    doc: "One line saying what is wrong.",
    args: &[arg("TEXT", Text, "The summary.")],
    ..BLANK
};

static DESCRIPTION: NodeSchema = NodeSchema {
    name: "description",
    doc: "More detail for the responder.",
    args: &[arg("TEXT", Text, "The description.")],
    ..BLANK
};

pub static RUNBOOK: NodeSchema = NodeSchema {
    name: "runbook",
    doc: "What a responder does when an alert fires: rendered as a Markdown page that the alerts \
          link.",
    args: &[arg("NAME", Name, "The runbook's name.")],
    props: &[USE],
    children: &[
        Child {
            node: &SUMMARY,
            repeat: Repeat::Required,
        },
        many(&RUNBOOK_STEP),
        many(&ESCALATE),
        many(&ALLOW_RULE),
    ],
    unique_name: true,
    example: "runbook \"queue\" { summary \"Orders are queueing\"; step \"Scale the workers\" }",
    ..BLANK
};

static RUNBOOK_STEP: NodeSchema = NodeSchema {
    name: "step",
    doc: "One thing to do, in order.",
    args: &[arg("TEXT", Text, "The step.")],
    ..BLANK
};

static ESCALATE: NodeSchema = NodeSchema {
    name: "escalate",
    doc: "Who to call when the steps do not help.",
    props: &[
        required("team", Name, "A team of the workspace."),
        prop("after", Duration, "How long to try first."),
    ],
    ..BLANK
};
