//! Services, datastores, secrets and flags.

use super::ValueKind::*;
use super::*;
use crate::schema::feature::ALLOW_RULE;

const USE: Prop = prop(
    "use",
    Preset,
    "A preset whose properties and children this node takes as defaults.",
);

pub static SERVICE: NodeSchema = NodeSchema {
    name: "service",
    doc: "A workload: a Kubernetes Deployment (or an Argo Rollout when its deploy is a canary or \
          blue-green), its Service, autoscaler, disruption budget and network policy.",
    args: &[arg(
        "NAME",
        Name,
        "The service's name; `FEATURE-NAME` in Kubernetes.",
    )],
    props: &[USE],
    children: &[
        once(&IMAGE),
        once(&PORT),
        once(&REPLICAS),
        once(&RESOURCES),
        many(&PROBE),
        many(&ENV_VAR),
        many(&DEPENDS_ON),
        once(&EXPOSE),
        many(&ALLOW_RULE),
    ],
    unique_name: true,
    example: "service \"api\" { image \"registry.example/api:1.2.0\"; port 8080 }",
    ..BLANK
};

static IMAGE: NodeSchema = NodeSchema {
    name: "image",
    doc: "The container image. Pin it with `digest=` so that what was reviewed is what runs. \
          A service may be checked without one (a scaffold), but the kubernetes target needs it.",
    args: &[arg("IMAGE", Image, "`registry/repository:tag`.")],
    props: &[prop(
        "digest",
        Digest,
        "The image's content digest, `sha256:…`.",
    )],
    ..BLANK
};

static PORT: NodeSchema = NodeSchema {
    name: "port",
    doc: "The port the service listens on.",
    args: &[arg("PORT", Integer { min: 1, max: 65535 }, "A TCP port.")],
    props: &[prop(
        "protocol",
        OneOf(&["http", "grpc", "tcp"]),
        "What the port speaks. Default `http`.",
    )],
    ..BLANK
};

static REPLICAS: NodeSchema = NodeSchema {
    name: "replicas",
    doc: "How many copies run. With `max` above `min` an autoscaler owns the count; `max` below \
          `min` (a tier's default included) is an error.",
    props: &[
        prop(
            "min",
            Integer {
                min: 0,
                max: 10_000,
            },
            "Fewest replicas.",
        ),
        prop(
            "max",
            Integer {
                min: 1,
                max: 10_000,
            },
            "Most replicas.",
        ),
        prop(
            "target-cpu",
            Integer { min: 1, max: 100 },
            "The autoscaler's CPU utilisation target, in percent.",
        ),
    ],
    ..BLANK
};

static RESOURCES: NodeSchema = NodeSchema {
    name: "resources",
    doc: "CPU and memory each replica requests; limits default to the requests.",
    props: &[
        prop("cpu", Cpu, "CPU request."),
        prop("memory", Memory, "Memory request."),
        prop("cpu-limit", Cpu, "CPU limit."),
        prop("memory-limit", Memory, "Memory limit."),
    ],
    ..BLANK
};

static PROBE: NodeSchema = NodeSchema {
    name: "probe",
    doc: "A health probe.",
    args: &[arg(
        "KIND",
        OneOf(&["readiness", "liveness", "startup"]),
        "Which probe.",
    )],
    props: &[
        prop(
            "path",
            HttpPath,
            "The HTTP path to request; only for a port that speaks http (a tcp port is probed by \
             opening a connection, a grpc one by its health check).",
        ),
        prop(
            "port",
            Integer { min: 1, max: 65535 },
            "The port; default the service's port.",
        ),
        prop("period", Duration, "How often to probe."),
        prop("timeout", Duration, "How long one probe may take."),
        prop(
            "failure-threshold",
            Integer { min: 1, max: 100 },
            "Failures before the probe fails.",
        ),
    ],
    unique_name: true,
    ..BLANK
};

static ENV_VAR: NodeSchema = NodeSchema {
    name: "env",
    doc: "An environment variable: a plain `value`, or a `secret` of the feature (never a secret's value).",
    args: &[arg("NAME", EnvName, "The variable's name.")],
    props: &[
        prop("value", Text, "A plain value."),
        prop(
            "secret",
            Name,
            "A secret of the feature whose value the variable receives.",
        ),
        prop(
            "key",
            Text,
            "The key inside the secret, when it holds several.",
        ),
    ],
    unique_name: true,
    ..BLANK
};

static DEPENDS_ON: NodeSchema = NodeSchema {
    name: "depends-on",
    doc: "Services this one calls: network policy lets them in, and the graph knows the impact.",
    args: &[args_many(
        "SERVICE",
        ServiceRef,
        "`NAME` in this feature or `FEATURE/NAME`.",
    )],
    ..BLANK
};

static EXPOSE: NodeSchema = NodeSchema {
    name: "expose",
    doc: "Makes the service reachable from outside the cluster: the kubernetes target emits an \
          Ingress (class and controller namespace from the workspace's `ingress`, path type \
          `Prefix`, TLS with the Secret `FEATURE-SERVICE-tls` that the platform issues, e.g. \
          with cert-manager) and lets the ingress controller through the NetworkPolicy.",
    props: &[
        required("host", Text, "The public host name."),
        prop("path", HttpPath, "The path prefix. Default `/`."),
    ],
    ..BLANK
};

pub static DATASTORE: NodeSchema = NodeSchema {
    name: "datastore",
    doc: "A database, cache or bucket, provisioned by the terraform target. Changing one is \
          irreversible: it needs a human gate.",
    args: &[arg("NAME", Name, "The datastore's name.")],
    props: &[
        required(
            "kind",
            OneOf(&["postgres", "mysql", "redis", "s3"]),
            "The engine.",
        ),
        prop("size", Text, "The instance class, e.g. `db.t4g.medium`."),
        prop(
            "storage-gb",
            Integer {
                min: 1,
                max: 65_536,
            },
            "Allocated storage.",
        ),
        prop("version", Text, "The engine version."),
        prop(
            "contains-pii",
            Bool,
            "Whether it holds personal data (agents then need a `pii` guardrail).",
        ),
        USE,
    ],
    children: &[once(&BACKUP), many(&ALLOW_RULE)],
    unique_name: true,
    example: "datastore \"orders\" kind=\"postgres\" size=\"db.t4g.medium\" { backup retention-days=14 }",
    ..BLANK
};

static BACKUP: NodeSchema = NodeSchema {
    name: "backup",
    doc: "Automated backups.",
    props: &[
        prop(
            "retention-days",
            Integer { min: 0, max: 35 },
            "How long backups are kept.",
        ),
        prop(
            "window",
            Text,
            "The daily backup window, e.g. `03:00-04:00`.",
        ),
    ],
    ..BLANK
};

pub static SECRET: NodeSchema = NodeSchema {
    name: "secret",
    doc: "A secret the platform stores and syncs. The spec names it; its value never appears here.",
    args: &[arg("NAME", Name, "The secret's name.")],
    props: &[
        required(
            "from",
            OneOf(&["aws-secretsmanager", "vault"]),
            "Where the value lives.",
        ),
        prop(
            "path",
            Text,
            "The path or name in that store, when it differs.",
        ),
    ],
    children: &[many(&ALLOW_RULE)],
    unique_name: true,
    refused: &[(
        "value",
        "a spec names a secret and the store it lives in, never its value: put the value in \
         that store (`from=`, `path=`) and pass it to a service with `env \"NAME\" \
         secret=\"SECRET\"`",
    )],
    ..BLANK
};

pub static FLAG: NodeSchema = NodeSchema {
    name: "flag",
    doc: "A feature flag, served by flagd.",
    args: &[arg("NAME", Name, "The flag's key.")],
    props: &[
        prop(
            "default",
            Scalar,
            "The value when no rollout applies: `#true` or `#false` for an on/off flag, a \
             variant's name for a flag with variants, or the one string or number a flag \
             without variants serves.",
        ),
        prop(
            "state",
            OneOf(&["enabled", "disabled"]),
            "Whether the flag is evaluated at all.",
        ),
    ],
    children: &[
        once(&ROLLOUT),
        many(&VARIANT),
        once(&VARIANTS),
        many(&ALLOW_RULE),
    ],
    unique_name: true,
    example: "flag \"new-payment-flow\" default=#false { rollout percent=10 by=\"userId\" }",
    ..BLANK
};

static ROLLOUT: NodeSchema = NodeSchema {
    name: "rollout",
    doc: "Turns an on/off flag on for a percentage of users (`percent`), or names the \
          evaluation-context field that splits users between a flag's weighted variants (`by`).",
    props: &[
        prop(
            "percent",
            Number {
                min: 0.0,
                max: 100.0,
                exclusive: false,
            },
            "The share that gets `#true`; an on/off flag's rollout needs it, a flag with \
             variants is split by their `weight=`s instead.",
        ),
        prop(
            "by",
            Text,
            "The evaluation-context field that buckets users; flagd's `targetingKey` when not \
             given.",
        ),
    ],
    ..BLANK
};

static VARIANTS: NodeSchema = NodeSchema {
    name: "variants",
    doc: "Variants named in one line, each returning its name: `variants \"red\" \"blue\"` is \
          `variant \"red\"` and `variant \"blue\"`. Variants with a value or a weight are written \
          one per `variant` node.",
    args: &[args_many("NAME", Name, "The variants' names.")],
    example: "variants \"control\" \"treatment\"",
    ..BLANK
};

static VARIANT: NodeSchema = NodeSchema {
    name: "variant",
    doc: "A variant of a multi-variant flag.",
    args: &[arg("NAME", Name, "The variant's name.")],
    props: &[
        prop(
            "value",
            Scalar,
            "The value the flag returns for this variant; the variant's name when not given.",
        ),
        prop(
            "weight",
            Integer { min: 0, max: 100 },
            "Its share in a fractional rollout, in percent.",
        ),
    ],
    unique_name: true,
    ..BLANK
};
