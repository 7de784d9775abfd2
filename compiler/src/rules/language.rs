//! The errors of the language itself. They are always errors and cannot be silenced: a spec that
//! has one does not say what its author meant.

/// An error of the language and its documentation.
pub struct LanguageError {
    pub id: &'static str,
    pub doc: &'static str,
}

pub static ERRORS: &[LanguageError] = &[
    LanguageError {
        id: "syntax",
        doc: "## What it does\nReports text that is not KDL v2: an unclosed `{` or string, a bare \
              `true`, a value with a unit that is not quoted, a property without a value.\n\n\
              ## Why is this bad?\nNothing of a file that does not parse can be checked or \
              built. The diagnostic points at the token to fix.\n\n\
              ## Example\n```kdl\nflag \"new-flow\" default=true { rollout percent=10 }\n```\n\n\
              ## Use instead\n```kdl\nflag \"new-flow\" default=#false { rollout percent=10 }\n```\n",
    },
    LanguageError {
        id: "unknown-node",
        doc: "## What it does\nReports a node that does not belong where it is written: a typo, \
              or a node in the wrong block.\n\n## Why is this bad?\nAn unknown node would be \
              ignored, and what its author meant to configure would silently not happen.\n\n\
              ## Example\n```kdl\nservice \"api\" { prot 8080 }\n```\n\n\
              ## Use instead\n```kdl\nservice \"api\" { port 8080 }\n```\n",
    },
    LanguageError {
        id: "unknown-property",
        doc: "## What it does\nReports a property a node does not have.\n\n## Why is this \
              bad?\nAn unknown property would be ignored: `replicas mni=3` would run the \
              default number of replicas.\n\n## Example\n```kdl\nreplicas mni=3 max=6\n```\n\n\
              ## Use instead\n```kdl\nreplicas min=3 max=6\n```\n",
    },
    LanguageError {
        id: "missing-required",
        doc: "## What it does\nReports a node without something it needs: a datastore without \
              `kind`, an alert without `expr`, an SLO without an indicator, an SLO without \
              `service=` in a feature with several services.\n\n## Why is this bad?\ngantry \
              cannot guess it, and a guess would be wrong in production.\n\n## Example\n```kdl\n\
              datastore \"orders\" size=\"db.t4g.medium\"\n```\n\n## Use instead\n```kdl\n\
              datastore \"orders\" kind=\"postgres\" size=\"db.t4g.medium\"\n```\n",
    },
    LanguageError {
        id: "invalid-value",
        doc: "## What it does\nReports a value of the wrong type or out of range: a string where \
              a number goes, an objective of 100, a duration gantry cannot read, a digest that \
              is not one.\n\n## Why is this bad?\nA wrong value either breaks the generated \
              artifact or, worse, produces one that means something else.\n\n## Example\n\
              ```kdl\nslo \"availability\" objective=100 { ratio preset=\"std/http-availability\" }\n```\n\n\
              ## Use instead\n```kdl\nslo \"availability\" objective=99.9 { ratio preset=\"std/http-availability\" }\n```\n",
    },
    LanguageError {
        id: "invalid-name",
        doc: "## What it does\nReports a name that is not a lowercase DNS label \
              (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters).\n\n## Why is this \
              bad?\nNames become Kubernetes objects, Prometheus labels and paths in the output \
              folder; a name outside this alphabet would be rejected there or could escape the \
              output folder.\n\n## Example\n```kdl\nfeature \"Checkout_API\" { }\n```\n\n\
              ## Use instead\n```kdl\nfeature \"checkout-api\" { }\n```\n",
    },
    LanguageError {
        id: "duplicate-name",
        doc: "## What it does\nReports two things with the same name where names must be \
              unique (two services `api` in a feature, a feature in two files), a property \
              given twice on one node (KDL keeps the last one), a node that may appear once \
              given twice, or two deploys for one service.\n\n## Why is this bad?\nOnly one of \
              them would take effect, and which one is easy to misread.\n\n## Example\n```kdl\n\
              replicas min=2 min=3\n```\n\n## Use instead\n```kdl\nreplicas min=3\n```\n",
    },
    LanguageError {
        id: "unresolved-reference",
        doc: "## What it does\nReports a reference to something that does not exist: a team, a \
              runbook, an SLO, a secret, a service of another feature, an agent's resource, or, in an \
              `env` overlay, an entity of the base (an overlay that names one the base lacks and \
              that is not complete on its own, e.g. a service without an image, is a typo).\n\n\
              ## Why is this bad?\nA canary gated on an SLO that does not exist is not gated; a \
              page that links a missing runbook leaves the responder alone.\n\n## Example\n\
              ```kdl\nslo \"latency\" objective=99.0 runbook=\"checkout-latncy\" { … }\n```\n\n\
              ## Use instead\n```kdl\nslo \"latency\" objective=99.0 runbook=\"checkout-latency\" { … }\n```\n",
    },
    LanguageError {
        id: "dependency-cycle",
        doc: "## What it does\nReports services that depend on each other in a circle, drawing \
              the whole cycle with each `depends-on` where it is written.\n\n## Why is this \
              bad?\nNone of them can start or recover first: an outage of one takes down all, \
              and the network policies gantry derives cannot order them.\n\n## Example\n\
              ```kdl\n// in feature a\nservice \"api\" { depends-on \"b/api\" }\n// in feature b\n\
              service \"api\" { depends-on \"a/api\" }\n```\n\n## Use instead\nBreak the cycle: \
              one of them must work without the other (a queue, a cache, a fallback).\n",
    },
    LanguageError {
        id: "unknown-environment",
        doc: "## What it does\nReports an `env \"NAME\"` overlay for an environment the \
              workspace does not declare.\n\n## Why is this bad?\nThe overlay would never \
              apply: a typo in `env \"prdo\"` leaves production with the base settings.\n\n\
              ## Example\n```kdl\nenv \"stagin\" { service \"api\" { replicas min=1 } }\n```\n\n\
              ## Use instead\n```kdl\nenv \"staging\" { service \"api\" { replicas min=1 } }\n```\n",
    },
    LanguageError {
        id: "unknown-preset",
        doc: "## What it does\nReports a `use=`, `preset=` or `tier` that names no preset of the \
              standard library or the workspace, or a preset of another kind.\n\n## Why is this \
              bad?\nThe node would lack everything the preset was meant to give it.\n\n\
              ## Example\n```kdl\nratio preset=\"std/http-availabilty\"\n```\n\n\
              ## Use instead\n```kdl\nratio preset=\"std/http-availability\"\n```\n",
    },
    LanguageError {
        id: "limit-exceeded",
        doc: "## What it does\nReports input beyond what one check reads: a file larger than \
              8 MiB (gantry.kdl or a spec file; checked before it is parsed), blocks nested more \
              than 256 blocks deep, a file of more than 1,000,000 nodes, a workspace of more \
              than 100,000 features, or features holding more than 1,000,000 entities \
              (services, datastores, secrets, flags, deploys, SLOs, alerts, runbooks, agents, \
              gates) together.\n\n## Why is this bad?\nNo hand-written workspace comes near \
              these limits: input beyond them is generated or pasted by mistake, or hostile. \
              Reading it anyway could exhaust the memory or the stack of the CI runner or the \
              editor; a clear error is better than a crash.\n\n## Example\nA 12 MiB \
              `everything.kdl` holding every feature of the company.\n\n## Use instead\n\
              One feature per file; a workspace (a folder with its own `gantry.kdl`) per group \
              of features; repeated nodes shared through a `preset`.\n",
    },
];
