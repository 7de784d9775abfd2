//! The agents target: the output of every example, every manifest valid against the published
//! schema (itself a valid draft 2020-12 schema), budgets, rights and the LiteLLM dialect as the
//! spec says, and spec text that cannot change the structure of the YAML.

mod support;

use gantry::artifact::Artifact;
use gantry::check::Checked;
use gantry_targets::agents::{
    self, LITELLM_CONFIG_FILE, LITELLM_KEYS_FILE, MANIFEST_FILE, SCHEMA_ID,
};
use serde_json::{Value, json};
use support::*;

const EXAMPLES: [&str; 2] = ["checkout", "platform"];

fn emit_agents(checked: &Checked, environment: &str) -> Vec<Artifact> {
    agents::emit(&model(checked, environment)).expect("the workspace emits")
}

fn schema() -> Value {
    let path = repo_root().join("stdlib/schemas/agent-runtime.schema.json");
    let text = std::fs::read_to_string(&path).expect("the schema is readable");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("the schema compiles")
}

/// The value of a file as a reader gets it: the writer's YAML, parsed back.
fn parsed(artifacts: &[Artifact], path: &str) -> Value {
    let artifact = artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| panic!("no artifact {path}"));
    serde_saphyr::from_str(&yaml(artifact)).unwrap_or_else(|e| panic!("{path} parses: {e}"))
}

#[test]
fn output_trees_of_the_examples() {
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let mut tree = String::new();
            for artifact in &emit_agents(&checked, &environment) {
                tree.push_str(&format!("--- {}\n", artifact.path));
                tree.push_str(&yaml(artifact));
            }
            insta::assert_snapshot!(format!("{example_name}-{environment}"), tree);
        }
    }
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema_with_the_published_id() {
    let schema = schema();
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("the schema is not a valid JSON Schema: {e}");
    }
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["$id"], SCHEMA_ID);
    assert_eq!(schema["properties"]["$schema"]["const"], SCHEMA_ID);
}

#[test]
fn every_manifest_of_the_examples_is_valid_and_names_its_schema_first() {
    let validator = validator();
    let mut checked_agents = 0;
    for example_name in EXAMPLES {
        let checked = example(example_name);
        for environment in environments(&checked) {
            let artifacts = emit_agents(&checked, &environment);
            let manifest = parsed(&artifacts, MANIFEST_FILE);
            let errors: Vec<String> = validator
                .iter_errors(&manifest)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{example_name}/{environment}: {errors:#?}"
            );
            assert_eq!(manifest["$schema"], SCHEMA_ID);
            assert_eq!(manifest["environment"], environment.as_str());
            checked_agents += manifest["agents"].as_object().expect("agents").len();
            let text = artifacts
                .iter()
                .find(|a| a.path == MANIFEST_FILE)
                .map(yaml)
                .expect("the manifest");
            assert!(
                text.starts_with(&format!("$schema: {SCHEMA_ID}\n")),
                "{text}"
            );
        }
    }
    // checkout has one agent, platform two, each in two environments.
    assert_eq!(checked_agents, 6);
}

#[test]
fn the_schema_rejects_what_a_runtime_could_not_enforce() {
    let validator = validator();
    let artifacts = emit_agents(&example("checkout"), "prod");
    let manifest = parsed(&artifacts, MANIFEST_FILE);
    let agent = "/agents/checkout~1deploy-bot";
    let broken = [
        ("/version", json!(2)),
        (&format!("{agent}/budget/per_day/tokens") as &str, json!(0)),
        (&format!("{agent}/budget/per_week"), json!({ "usd": 1 })),
        (&format!("{agent}/guardrails/0/action"), json!("warn")),
        (&format!("{agent}/permissions/default"), json!("allow")),
        (&format!("{agent}/retry/max_attempts"), json!(0)),
    ];
    for (pointer, value) in broken {
        let mut copy = manifest.clone();
        let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
        copy.pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("{parent} is an object"))
            .insert(key.replace("~1", "/"), value);
        assert!(!validator.is_valid(&copy), "{pointer} should be rejected");
    }
}

#[test]
fn budgets_limits_and_rights_are_the_specs() {
    let artifacts = emit_agents(&example("checkout"), "prod");
    let manifest = parsed(&artifacts, MANIFEST_FILE);
    let bot = &manifest["agents"]["checkout/deploy-bot"];
    assert_eq!(bot["owner"], "payments");
    assert_eq!(
        bot["model"],
        json!({ "name": "claude-sonnet", "provider": "anthropic" })
    );
    assert_eq!(
        bot["budget"],
        json!({
            "per_run": { "tokens": 200000 },
            "per_day": { "tokens": 5000000 },
            "per_month": { "usd": 400.0 },
        })
    );
    assert_eq!(bot["rate_limit"], json!({ "requests_per_minute": 30 }));
    assert_eq!(
        bot["retry"],
        json!({ "max_attempts": 3, "backoff": "exponential" })
    );
    assert_eq!(
        bot["credentials"],
        json!({ "source": "vault", "ttl_seconds": 3600 })
    );
    assert_eq!(
        bot["guardrails"][0],
        json!({ "kind": "pii", "action": "redact", "on": ["input", "output", "tool-call"] })
    );
    let rules = bot["permissions"]["rules"].as_array().expect("rules");
    assert_eq!(
        rules[0],
        json!({
            "effect": "allow",
            "action": "read",
            "resource": "k8s:checkout/*",
            "entities": ["k8s:checkout/api"],
        })
    );
    assert!(rules.contains(&json!({
        "effect": "deny",
        "action": "read",
        "resource": "datastore:checkout/orders",
        "entities": ["datastore:checkout/orders"],
    })));
    assert!(rules.contains(&json!({
        "effect": "allow",
        "action": "write",
        "resource": "github:acme/checkout/pulls",
        "entities": ["github:acme/checkout/pulls"],
    })));
    assert_eq!(
        bot["slos"],
        json!({
            "task_success": { "objective_percent": 95.0, "window_seconds": 2592000 },
            "cost_per_task": { "max_usd": 0.5, "window_seconds": 2592000 },
        })
    );
    assert_eq!(
        bot["runbook_url"],
        "https://runbooks.acme.example/checkout/agents/deploy-bot"
    );
    let metrics: Vec<&str> = bot["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| m["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        metrics,
        [
            "agent_runs_total",
            "agent_tokens_total",
            "agent_run_tokens",
            "agent_cost_usd_total",
            "agent_retries_total",
            "agent_tool_calls_total",
            "agent_guardrail_actions_total",
        ]
    );
    assert_eq!(bot["metrics"][2]["required_buckets"], json!([200000]));
}

#[test]
fn environment_overlays_and_own_runbooks_reach_the_manifest() {
    let checked = example("platform");
    let staging = parsed(&emit_agents(&checked, "staging"), MANIFEST_FILE);
    let prod = parsed(&emit_agents(&checked, "prod"), MANIFEST_FILE);
    let triage = "incident-tools/oncall-triage";
    assert_eq!(
        staging["agents"][triage]["budget"]["per_day"],
        json!({ "tokens": 500000, "usd": 5.0 })
    );
    assert_eq!(
        prod["agents"][triage]["budget"]["per_day"],
        json!({ "tokens": 3000000, "usd": 40.0 })
    );
    // Its runbook is a page of the workspace, not the generated one.
    assert!(
        prod["agents"][triage]["runbook_url"]
            .as_str()
            .expect("a url")
            .ends_with("/incident-tools/triage-agent")
    );
    let deploys = |manifest: &Value| -> Vec<Value> {
        manifest["agents"]["incident-tools/deps-updater"]["permissions"]["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .filter(|r| r["action"] == "deploy")
            .cloned()
            .collect()
    };
    assert_eq!(deploys(&staging)[0]["effect"], "allow");
    assert_eq!(deploys(&prod)[0]["effect"], "deny");
}

#[test]
fn litellm_keys_carry_what_litellm_can_enforce_and_name_the_rest() {
    let artifacts = emit_agents(&example("checkout"), "prod");
    let config = parsed(&artifacts, LITELLM_CONFIG_FILE);
    assert_eq!(
        config["model_list"],
        json!([{
            "model_name": "anthropic/claude-sonnet",
            "litellm_params": { "model": "anthropic/claude-sonnet" },
        }])
    );
    assert_eq!(
        config["guardrails"],
        json!([{
            "guardrail_name": "pii-redact-input-output",
            "litellm_params": {
                "guardrail": "presidio",
                "mode": ["pre_call", "post_call"],
                "default_on": false,
            },
        }])
    );
    let keys = parsed(&artifacts, LITELLM_KEYS_FILE);
    let key = &keys["keys"][0];
    assert_eq!(key["key_alias"], "prod/checkout/deploy-bot");
    assert_eq!(key["models"], json!(["anthropic/claude-sonnet"]));
    assert_eq!(key["max_budget"], json!(400.0));
    assert_eq!(key["budget_duration"], "30d");
    assert_eq!(key["rpm_limit"], 30);
    assert_eq!(key["duration"], "3600s");
    assert_eq!(key["guardrails"], json!(["pii-redact-input-output"]));
    assert_eq!(
        key["metadata"]["enforced_by_agent_runtime"],
        json!([
            "budget tokens-per-run=200000",
            "budget tokens-per-day=5000000",
            "guardrail pii: redact on tool-call",
            "guardrail secrets: block on input, output, tool-call",
        ])
    );
    // A daily dollar budget is the key's; the monthly one is left to the runtime.
    let platform = parsed(
        &emit_agents(&example("platform"), "prod"),
        LITELLM_KEYS_FILE,
    );
    let triage = platform["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["key_alias"] == "prod/incident-tools/oncall-triage")
        .expect("the triage agent's key");
    assert_eq!(triage["max_budget"], json!(40.0));
    assert_eq!(triage["budget_duration"], "1d");
    assert_eq!(triage["max_parallel_requests"], 3);
    assert!(
        triage["metadata"]["enforced_by_agent_runtime"]
            .as_array()
            .expect("a list")
            .contains(&json!("budget usd-per-month=800"))
    );
}

/// Text a YAML reader could take for structure or for another type.
const HOSTILE: [&str; 6] = [
    "Says \"yes\": it's {{ .Values.x }} ${HOME} %{x}",
    "line one\nline two\n- not: a list\n# not a comment",
    "yes",
    "null",
    "12:30",
    "--- \n... &anchor *alias !!str <<: x",
];

#[test]
fn spec_text_comes_out_as_literal_strings() {
    // Names are DNS labels, but a label can still look like a YAML keyword or number.
    let names = ["yes", "null", "on", "1e3", "0777", "true"];
    let mut agents_text = String::new();
    for (i, (text, name)) in HOSTILE.iter().zip(names).enumerate() {
        agents_text.push_str(&format!(
            r#"
    agent "{name}" {{
        purpose {purpose}
        model {model} provider={provider}
        budget tokens-per-run=1000 tokens-per-day={day} usd-per-day=1
        rate-limit requests-per-minute=1
        retry max-attempts=2 backoff="constant" initial-delay="1500ms"
        credentials source="vault" ttl="10m"
        allow "read" "flag:no/*"
        guardrail "pii" action="redact"
        slo "task-success" objective=95
    }}
"#,
            purpose = kdl_string(text),
            model = kdl_string(&format!("{text} model")),
            provider = kdl_string(&format!("{text} provider")),
            day = 10_000 + i,
        ));
    }
    let spec = format!(
        "feature \"no\" {{\n    owner \"off\"\n    flag \"y\" default=#false\n{agents_text}}}\n"
    );
    let checked = workspace(
        "workspace \"w\" {\n    targets \"agents\"\n    environment \"null\"\n    team \"off\"\n}\n",
        &[("no.kdl", &spec)],
    );
    let artifacts = emit_agents(&checked, "null");
    let manifest = parsed(&artifacts, MANIFEST_FILE);
    let errors: Vec<String> = validator()
        .iter_errors(&manifest)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(manifest["environment"], "null");
    for (text, name) in HOSTILE.iter().zip(names) {
        let id = format!("no/{name}");
        let agent = &manifest["agents"][&id];
        assert_eq!(agent["name"], name, "{id}");
        assert_eq!(agent["feature"], "no");
        assert_eq!(agent["owner"], "off");
        assert_eq!(agent["purpose"], *text, "{id}");
        assert_eq!(agent["model"]["name"], format!("{text} model"));
        assert_eq!(agent["model"]["provider"], format!("{text} provider"));
        assert_eq!(agent["retry"]["initial_delay_seconds"], json!(1.5));
        assert_eq!(
            agent["permissions"]["rules"][0]["entities"],
            json!(["flag:no/y"])
        );
    }
    let keys = parsed(&artifacts, LITELLM_KEYS_FILE);
    let config = parsed(&artifacts, LITELLM_CONFIG_FILE);
    for (i, text) in HOSTILE.iter().enumerate() {
        let model = format!("{text} provider/{text} model");
        assert_eq!(keys["keys"][i]["models"], json!([model]));
        assert_eq!(keys["keys"][i]["metadata"]["owner"], "off");
        assert!(
            config["model_list"]
                .as_array()
                .expect("models")
                .contains(&json!({ "model_name": model, "litellm_params": { "model": model } }))
        );
    }
}

#[test]
fn a_workspace_without_agents_gets_an_empty_manifest() {
    let checked = workspace(
        "workspace \"w\" {\n    targets \"agents\"\n    environment \"prod\"\n    team \"t\"\n}\n",
        &[("f.kdl", "feature \"f\" {\n    owner \"t\"\n}\n")],
    );
    let artifacts = emit_agents(&checked, "prod");
    let manifest = parsed(&artifacts, MANIFEST_FILE);
    assert_eq!(manifest["agents"], json!({}));
    assert!(validator().is_valid(&manifest));
    assert_eq!(parsed(&artifacts, LITELLM_KEYS_FILE), json!({ "keys": [] }));
}
