//! `gantry.kdl`: the workspace node.

use super::ValueKind::*;
use super::*;
use crate::schema::feature::PRESET;

pub static WORKSPACE_FILE: NodeSchema = NodeSchema {
    name: "gantry.kdl",
    doc: "The workspace file at the root of a workspace.",
    children: &[must(&WORKSPACE), many(&PRESET)],
    ..BLANK
};

pub static WORKSPACE: NodeSchema = NodeSchema {
    name: "workspace",
    doc: "The workspace: where output goes, which targets and environments exist, the teams, \
          their alert receivers and the lint configuration.",
    args: &[arg("NAME", Name, "The workspace's name.")],
    children: &[
        once(&OUTPUT),
        once(&TARGETS),
        many(&ENVIRONMENT),
        once(&CLOUD),
        once(&RUNBOOK_BASE_URL),
        once(&TEMPLATES),
        many(&TEAM),
        many(&RECEIVER),
        once(&LINT),
        many(&IGNORE),
        once(&FLAGS),
        once(&INGRESS),
        once(&PROMETHEUS),
        once(&AGENT_CAPS),
        many(&crate::schema::RISK),
    ],
    example: "workspace \"acme-shop\" { output \"generated\"; environment \"prod\" }",
    ..BLANK
};

static OUTPUT: NodeSchema = NodeSchema {
    name: "output",
    doc: "The folder, relative to the workspace root, that `gantry build` writes. Default \
          `generated`. It must be below the root (no `..`, not absolute): a build replaces what it \
          wrote there.",
    args: &[arg("DIR", Text, "A relative folder inside the workspace.")],
    ..BLANK
};

pub const TARGET_NAMES: &[&str] = &[
    "kubernetes",
    "prometheus",
    "alertmanager",
    "grafana",
    "terraform",
    "policy",
    "agents",
    "runbooks",
];

static TARGETS: NodeSchema = NodeSchema {
    name: "targets",
    doc: "The targets `gantry build` emits. Default: all of them.",
    args: &[args_many("TARGET", OneOf(TARGET_NAMES), "A target name.")],
    ..BLANK
};

static ENVIRONMENT: NodeSchema = NodeSchema {
    name: "environment",
    doc: "An environment the workspace deploys to. Features adjust themselves per environment \
          with `env \"NAME\" { … }`. Without any, the workspace has one environment, `default`.",
    args: &[arg("NAME", Name, "The environment's name.")],
    unique_name: true,
    ..BLANK
};

static CLOUD: NodeSchema = NodeSchema {
    name: "cloud",
    doc: "The cloud the terraform target provisions in.",
    args: &[arg("PROVIDER", OneOf(&["aws"]), "The cloud provider.")],
    props: &[required(
        "region",
        Text,
        "The provider region, e.g. `eu-west-1`.",
    )],
    ..BLANK
};

static RUNBOOK_BASE_URL: NodeSchema = NodeSchema {
    name: "runbook-base-url",
    doc: "Where the generated runbook pages are published; alerts link `BASE/FEATURE/RUNBOOK.md` \
          (an agent's page: `BASE/FEATURE/agents/AGENT.md`), the page's path in the runbooks \
          output. Without it they link `runbooks/FEATURE/RUNBOOK.md`, relative to the \
          environment's output folder.",
    args: &[arg("URL", Url, "The base URL.")],
    ..BLANK
};

static TEMPLATES: NodeSchema = NodeSchema {
    name: "templates",
    doc: "A folder, relative to the workspace root, of Handlebars templates that replace the \
          standard library's (`runbook.md.hbs` for a runbook's page, `agent.md.hbs` for an \
          agent's page; copy gantry's `stdlib/templates/` to start). A file there with a standard template's \
          name is used instead of it; any other `*.hbs` file is an error. Templates are parsed \
          when the workspace is checked. `{{x}}` writes text on one line, escaped for Markdown \
          and HTML; `{{md x}}` keeps its line breaks; `{{code x}}` writes an inline code span, \
          `{{link text url}}` a link, `{{fence \"sh\" lines}}` a code block, `{{inc @index}}` a \
          list number. `{{{x}}}` is not allowed, and naming a field that does not exist fails \
          the build.",
    args: &[arg("DIR", Text, "A relative folder inside the workspace.")],
    example: "templates \"runbook-templates\"",
    ..BLANK
};

static TEAM: NodeSchema = NodeSchema {
    name: "team",
    doc: "A team that owns features, receives their alerts and approves their gates.",
    args: &[arg("NAME", Name, "The team's name.")],
    children: &[once(&ONCALL), once(&APPROVERS), once(&TEAM_BUDGET)],
    unique_name: true,
    example: "team \"payments\" { oncall pager=\"payments-pager\" chat=\"#payments-oncall\" }",
    ..BLANK
};

static ONCALL: NodeSchema = NodeSchema {
    name: "oncall",
    doc: "Where the team's alerts go: pages to `pager`, tickets to `chat`.",
    props: &[
        prop("pager", Name, "The receiver for `page` alerts."),
        prop("chat", Text, "The receiver or channel for `ticket` alerts."),
    ],
    ..BLANK
};

static APPROVERS: NodeSchema = NodeSchema {
    name: "approvers",
    doc: "The people who may approve the team's human gates.",
    args: &[args_many("EMAIL", Email, "An approver's e-mail address.")],
    ..BLANK
};

static TEAM_BUDGET: NodeSchema = NodeSchema {
    name: "agent-budget",
    doc: "The most any one agent of this team's features may spend.",
    props: &[
        prop(
            "usd-per-day",
            Number {
                min: 0.0,
                max: 1e9,
                exclusive: false,
            },
            "Cap on an agent's daily spend.",
        ),
        prop(
            "usd-per-month",
            Number {
                min: 0.0,
                max: 1e9,
                exclusive: false,
            },
            "Cap on an agent's monthly spend.",
        ),
        prop(
            "tokens-per-day",
            Integer {
                min: 1,
                max: i64::MAX,
            },
            "Cap on an agent's daily tokens.",
        ),
    ],
    ..BLANK
};

static RECEIVER: NodeSchema = NodeSchema {
    name: "receiver",
    doc: "An Alertmanager receiver that teams' `oncall` names.",
    args: &[arg("NAME", Name, "The receiver's name.")],
    props: &[
        required(
            "kind",
            OneOf(&["pagerduty", "slack", "webhook", "email", "opsgenie"]),
            "What the receiver talks to.",
        ),
        prop(
            "routing-key-file",
            Text,
            "PagerDuty: a file holding the routing key (never the key itself).",
        ),
        prop(
            "api-url-file",
            Text,
            "Slack or webhook: a file holding the URL.",
        ),
        prop("url", Url, "Webhook: the URL to post to."),
        prop("channel", Text, "Slack: the channel."),
        prop("to", Email, "E-mail: the address."),
        prop("from", Email, "E-mail: the sender address."),
        prop("smarthost", Text, "E-mail: the SMTP server as `host:port`."),
        prop(
            "api-key-file",
            Text,
            "Opsgenie: a file holding the API key.",
        ),
    ],
    unique_name: true,
    ..BLANK
};

static LINT: NodeSchema = NodeSchema {
    name: "lint",
    doc: "Workspace-wide severities of lint rules.",
    children: &[many(&LINT_DENY), many(&LINT_WARN), many(&LINT_ALLOW)],
    example: "lint { deny \"image-without-digest\"; allow \"unused-runbook\" }",
    ..BLANK
};

static LINT_DENY: NodeSchema = NodeSchema {
    name: "deny",
    doc: "Makes rules errors.",
    args: &[args_many("RULE", RuleId, "A rule id.")],
    ..BLANK
};

static LINT_WARN: NodeSchema = NodeSchema {
    name: "warn",
    doc: "Makes rules warnings.",
    args: &[args_many("RULE", RuleId, "A rule id.")],
    ..BLANK
};

static LINT_ALLOW: NodeSchema = NodeSchema {
    name: "allow",
    doc: "Turns rules off.",
    args: &[args_many("RULE", RuleId, "A rule id.")],
    ..BLANK
};

static IGNORE: NodeSchema = NodeSchema {
    name: "ignore",
    doc: "Globs of paths, relative to the workspace root, that are not spec files.",
    args: &[args_many("GLOB", Glob, "A glob such as `vendor/**`.")],
    ..BLANK
};

static FLAGS: NodeSchema = NodeSchema {
    name: "flags",
    doc: "How feature flags are served. With `flagd`, every service of a feature that has flags \
          runs a flagd sidecar that serves the feature's flag ConfigMap on `localhost:8013` (the \
          app container gets `FLAGD_HOST` and `FLAGD_PORT`); with `openfeature-operator` the \
          operator injects flagd itself, so there is no sidecar.",
    props: &[
        required(
            "provider",
            OneOf(&["flagd", "openfeature-operator"]),
            "`flagd`: a ConfigMap for a flagd sidecar; `openfeature-operator`: also a FeatureFlag resource.",
        ),
        prop(
            "image",
            Image,
            "The flagd sidecar's image, `registry/repository:tag`, e.g. a mirror. Default: the \
             flagd release gantry pins (`ghcr.io/open-feature/flagd`).",
        ),
        prop(
            "digest",
            Digest,
            "The content digest of the flagd image, `sha256:…` (of `image=`, or of the default \
             image's tag when `image=` is left out).",
        ),
    ],
    example: "flags provider=\"flagd\" image=\"registry.example/mirror/flagd:v0.16.1\"",
    ..BLANK
};

static INGRESS: NodeSchema = NodeSchema {
    name: "ingress",
    doc: "The cluster's ingress controller, for services that `expose` a host: their Ingress \
          names its class, and their NetworkPolicy admits the controller's namespace. The TLS \
          certificate Secret `FEATURE-SERVICE-tls` is the platform's job (e.g. cert-manager); \
          gantry only names it.",
    props: &[
        prop(
            "class",
            Name,
            "The IngressClass the Ingresses use. Default `nginx`.",
        ),
        prop(
            "namespace",
            Name,
            "The namespace the ingress controller's pods run in. Default `ingress-nginx`.",
        ),
    ],
    example: "ingress class=\"nginx\" namespace=\"ingress-nginx\"",
    ..BLANK
};

static PROMETHEUS: NodeSchema = NodeSchema {
    name: "prometheus",
    doc: "How Prometheus rules are delivered.",
    props: &[
        prop(
            "rule-format",
            OneOf(&["files", "operator", "both"]),
            "Plain rule files, prometheus-operator PrometheusRule objects, or both.",
        ),
        prop(
            "scrape",
            OneOf(&["annotations", "service-monitor"]),
            "How Prometheus finds the services' metrics.",
        ),
    ],
    ..BLANK
};

static AGENT_CAPS: NodeSchema = NodeSchema {
    name: "agent-budget",
    doc: "The most any one agent in the workspace may spend.",
    props: TEAM_BUDGET.props,
    ..BLANK
};
