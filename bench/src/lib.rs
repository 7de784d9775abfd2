//! A synthetic gantry workspace of any size, deterministic from a seed: every entity kind, with
//! dependencies across features and agents acting on other features. The benchmarks run gantry
//! over it; `features.json` describes the same features for the jsonnet equivalent.

use std::fmt::Write;

/// Teams of the generated workspace; features are spread over them.
pub const TEAMS: usize = 12;

/// One generated file: its path relative to the workspace root, and its text.
pub struct File {
    pub path: String,
    pub text: String,
}

/// A small deterministic generator (PCG-style LCG): the same seed gives the same workspace on
/// every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The shape of one generated feature, shared by the spec writer and `features.json`.
pub struct FeatureShape {
    pub name: String,
    pub team: usize,
    pub objective: f64,
    pub replicas_min: u64,
    pub replicas_max: u64,
    pub depends_on: Vec<usize>,
    pub datastore: Option<&'static str>,
    pub agent: bool,
    pub worker: bool,
}

pub fn feature_name(i: usize) -> String {
    format!("f{i:05}")
}

/// The shapes of `n` features from `seed`.
pub fn shapes(n: usize, seed: u64) -> Vec<FeatureShape> {
    let mut random = Random(seed ^ 0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|i| {
            let mut depends_on = Vec::new();
            for back in [1, 7, 31] {
                if i >= back && random.below(3) != 0 {
                    depends_on.push(i - back);
                }
            }
            let datastore = match random.below(4) {
                0 => Some("postgres"),
                1 => Some("redis"),
                2 => Some("s3"),
                _ => None,
            };
            let objective = [99.0, 99.5, 99.9, 99.95][random.below(4) as usize];
            let replicas_min = 2 + random.below(3);
            FeatureShape {
                name: feature_name(i),
                team: random.below(TEAMS as u64) as usize,
                objective,
                replicas_min,
                replicas_max: replicas_min * (2 + random.below(4)),
                depends_on,
                datastore,
                agent: random.below(2) == 0,
                worker: random.below(3) == 0,
            }
        })
        .collect()
}

/// Every file of the workspace: `gantry.kdl`, one spec per feature (100 to a folder) and
/// `features.json`.
pub fn workspace(n: usize, seed: u64) -> Vec<File> {
    let shapes = shapes(n, seed);
    let mut files = vec![File {
        path: "gantry.kdl".to_string(),
        text: workspace_file(),
    }];
    for (i, shape) in shapes.iter().enumerate() {
        files.push(File {
            path: format!("features/{:03}/{}.kdl", i / 100, shape.name),
            text: feature_file(shape),
        });
    }
    files.push(File {
        path: "features.json".to_string(),
        text: features_json(&shapes),
    });
    files
}

fn team(i: usize) -> String {
    format!("team-{i:02}")
}

fn workspace_file() -> String {
    let mut out = String::from(
        "workspace \"synthetic\" {\n    output \"generated\"\n    environment \"staging\"\n    environment \"prod\"\n    cloud \"aws\" region=\"eu-west-1\"\n    runbook-base-url \"https://runbooks.synthetic.example/\"\n    agent-budget usd-per-month=5000 tokens-per-day=50000000\n",
    );
    for t in 0..TEAMS {
        let name = team(t);
        let _ = writeln!(
            out,
            "    team \"{name}\" {{\n        oncall pager=\"{name}-pager\" chat=\"{name}-chat\"\n        approvers \"lead-{t}@synthetic.example\"\n    }}\n    receiver \"{name}-pager\" kind=\"pagerduty\" routing-key-file=\"/etc/alertmanager/secrets/{name}\"\n    receiver \"{name}-chat\" kind=\"slack\" channel=\"#{name}\" api-url-file=\"/etc/alertmanager/secrets/slack\"",
        );
    }
    out.push_str("}\n");
    out
}

fn digest(name: &str, salt: u64) -> String {
    let mut random = Random(
        name.bytes()
            .fold(salt, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))),
    );
    (0..4)
        .map(|_| format!("{:016x}", random.next() << 31 ^ random.next()))
        .collect()
}

fn feature_file(s: &FeatureShape) -> String {
    let name = &s.name;
    let owner = team(s.team);
    let mut out = String::new();
    let _ = writeln!(out, "feature \"{name}\" {{");
    let _ = writeln!(out, "    owner \"{owner}\"");
    let _ = writeln!(out, "    description \"Synthetic feature {name}\"");
    let _ = writeln!(out, "    service \"api\" {{");
    let _ = writeln!(
        out,
        "        image \"registry.synthetic.example/{name}-api:1.0.0\" digest=\"sha256:{}\"",
        digest(name, 1)
    );
    let _ = writeln!(out, "        port 8080");
    let _ = writeln!(
        out,
        "        replicas min={} max={} target-cpu=70",
        s.replicas_min, s.replicas_max
    );
    let _ = writeln!(out, "        resources cpu=\"250m\" memory=\"256Mi\"");
    let _ = writeln!(out, "        probe \"readiness\" path=\"/healthz/ready\"");
    let _ = writeln!(out, "        probe \"liveness\" path=\"/healthz/live\"");
    if s.datastore.is_some() {
        let _ = writeln!(out, "        env \"DB_PASSWORD\" secret=\"db\"");
    }
    for d in &s.depends_on {
        let _ = writeln!(out, "        depends-on \"{}/api\"", feature_name(*d));
    }
    let _ = writeln!(out, "    }}");
    if s.worker {
        let _ = writeln!(out, "    service \"worker\" {{");
        let _ = writeln!(
            out,
            "        image \"registry.synthetic.example/{name}-worker:1.0.0\" digest=\"sha256:{}\"",
            digest(name, 2)
        );
        let _ = writeln!(out, "        port 9000");
        let _ = writeln!(out, "        replicas min=2 max=4");
        let _ = writeln!(out, "        resources cpu=\"100m\" memory=\"128Mi\"");
        let _ = writeln!(out, "        probe \"readiness\" path=\"/ready\"");
        let _ = writeln!(out, "        probe \"liveness\" path=\"/live\"");
        let _ = writeln!(out, "        depends-on \"api\"");
        let _ = writeln!(out, "    }}");
    }
    match s.datastore {
        Some("postgres") => {
            let _ = writeln!(
                out,
                "    datastore \"db\" kind=\"postgres\" size=\"db.t4g.medium\" storage-gb=50 {{\n        backup retention-days=7\n    }}"
            );
        }
        Some("redis") => {
            let _ = writeln!(
                out,
                "    datastore \"db\" kind=\"redis\" size=\"cache.t4g.medium\""
            );
        }
        Some(kind) => {
            let _ = writeln!(out, "    datastore \"db\" kind=\"{kind}\"");
        }
        None => {}
    }
    if s.datastore.is_some() {
        let _ = writeln!(out, "    secret \"db\" from=\"aws-secretsmanager\"");
    }
    let _ = writeln!(
        out,
        "    flag \"new-flow\" default=#false {{\n        rollout percent=10 by=\"userId\"\n    }}"
    );
    let _ = writeln!(out, "    deploy service=\"api\" strategy=\"canary\" {{");
    let _ = writeln!(out, "        step weight=10 pause=\"5m\"");
    let _ = writeln!(out, "        step weight=50 pause=\"10m\"");
    let _ = writeln!(out, "        rollback-when slo=\"availability\"");
    let _ = writeln!(out, "        manual-override team=\"{owner}\"");
    let _ = writeln!(out, "    }}");
    if s.worker {
        let _ = writeln!(out, "    deploy service=\"worker\" strategy=\"rolling\"");
    }
    let _ = writeln!(
        out,
        "    telemetry {{\n        metrics path=\"/metrics\" port=9090\n        histogram \"http_request_duration_seconds\" 0.1 0.25 0.5 1\n    }}"
    );
    let _ = writeln!(
        out,
        "    slo \"availability\" service=\"api\" objective={} window=\"30d\" runbook=\"availability\" {{\n        ratio preset=\"std/http-availability\"\n    }}",
        s.objective
    );
    let _ = writeln!(
        out,
        "    slo \"latency\" service=\"api\" objective=99.0 window=\"28d\" runbook=\"latency\" {{\n        latency metric=\"http_request_duration_seconds\" threshold=\"250ms\"\n    }}"
    );
    if s.worker {
        let _ = writeln!(
            out,
            "    slo \"worker-availability\" service=\"worker\" objective=99.0 window=\"30d\" runbook=\"availability\" {{\n        ratio preset=\"std/http-availability\"\n    }}"
        );
    }
    let _ = writeln!(
        out,
        "    alert \"backlog\" severity=\"ticket\" runbook=\"backlog\" {{\n        expr \"sum(synthetic_queue_depth{{feature=\\\"{name}\\\"}}) > 1000\"\n        for \"15m\"\n    }}"
    );
    let _ = writeln!(
        out,
        "    runbook \"availability\" {{\n        summary \"{name} fails requests\"\n        step \"Check the canary\"\n        step \"Abort the rollout if the new version fails\"\n        escalate team=\"{owner}\" after=\"30m\"\n    }}"
    );
    let _ = writeln!(
        out,
        "    runbook \"latency\" {{ summary \"{name} is slow\"; step \"Check the database\" }}"
    );
    let _ = writeln!(
        out,
        "    runbook \"backlog\" {{ summary \"Work is queueing\"; step \"Scale the workers\" }}"
    );
    if s.agent {
        let target = s
            .depends_on
            .first()
            .map_or(name.clone(), |d| feature_name(*d));
        let _ = writeln!(out, "    agent \"ops-bot\" {{");
        let _ = writeln!(out, "        purpose \"Keeps {name} healthy\"");
        let _ = writeln!(out, "        owner \"{owner}\"");
        let _ = writeln!(
            out,
            "        model \"claude-sonnet\" provider=\"anthropic\""
        );
        let _ = writeln!(
            out,
            "        budget tokens-per-run=100000 tokens-per-day=2000000 usd-per-month=200"
        );
        let _ = writeln!(out, "        rate-limit requests-per-minute=20");
        let _ = writeln!(out, "        retry max-attempts=3 backoff=\"exponential\"");
        let _ = writeln!(out, "        credentials source=\"vault\" ttl=\"1h\"");
        let _ = writeln!(out, "        allow \"read\" \"k8s:{name}/*\"");
        let _ = writeln!(out, "        allow \"deploy\" \"k8s:{name}/api\"");
        let _ = writeln!(out, "        allow \"read\" \"k8s:{target}/api\"");
        if s.datastore.is_some() {
            let _ = writeln!(out, "        deny \"read\" \"datastore:{name}/db\"");
        }
        let _ = writeln!(out, "        guardrail \"pii\" action=\"redact\"");
        let _ = writeln!(out, "        guardrail \"secrets\" action=\"block\"");
        let _ = writeln!(out, "        slo \"task-success\" objective=95");
        let _ = writeln!(out, "        slo \"cost-per-task\" max-usd=0.50");
        let _ = writeln!(out, "    }}");
    }
    let _ = writeln!(
        out,
        "    gate \"data-changes\" tier=\"irreversible\" {{\n        approve team=\"{owner}\" count=1\n    }}"
    );
    let _ = writeln!(
        out,
        "    env \"staging\" {{\n        service \"api\" {{ replicas min=1 max=2 }}\n        slo \"availability\" objective=99.0\n    }}"
    );
    out.push_str("}\n");
    out
}

/// The features as data, for the jsonnet equivalent of the expansion.
fn features_json(shapes: &[FeatureShape]) -> String {
    let features: Vec<serde_json::Value> = shapes
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.name,
                "owner": team(s.team),
                "image": format!("registry.synthetic.example/{}-api:1.0.0", s.name),
                "replicas": { "min": s.replicas_min, "max": s.replicas_max },
                "objective": s.objective,
                "dependsOn": s.depends_on.iter().map(|d| feature_name(*d)).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string(&features).unwrap_or_default()
}
