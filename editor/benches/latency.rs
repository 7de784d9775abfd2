//! Latency of diagnostics as an editor sees it: the time from `didChange` to the
//! `publishDiagnostics` that answers it, on a generated 2,000-line feature spec, on a 200-file
//! workspace and on the 10,000-feature synthetic workspace of `gantry-workload`. Prints p50 and
//! p99, with the server's default debounce and with none (the check alone). Run with
//! `cargo bench -p gantry-lsp`.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "../tests/support/rpc.rs"]
mod rpc;

use rpc::Rpc;
use serde_json::{Value, json};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DIGEST: &str = "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

const WORKSPACE: &str = r#"workspace "bench" {
    environment "staging"
    environment "prod"
    team "payments" {
        oncall pager="payments-pager"
        approvers "alice@acme.example"
    }
    receiver "payments-pager" kind="pagerduty" routing-key-file="/etc/alertmanager/secrets/payments"
}
"#;

/// A feature with `services` services, each with its SLO, runbook and deploy.
fn feature(name: &str, services: usize) -> String {
    let mut out = format!("feature \"{name}\" {{\n    owner \"payments\"\n    tier \"standard\"\n");
    for i in 0..services {
        let _ = write!(
            out,
            r#"
    service "svc-{i}" {{
        image "registry.acme.example/{name}-{i}:1.0.{i}" digest="{DIGEST}"
        port 8080
        replicas min=2 max=6 target-cpu=70
        resources cpu="250m" memory="256Mi"
        probe "readiness" path="/healthz/ready"
        probe "liveness" path="/healthz/live"
    }}
    deploy service="svc-{i}" strategy="canary" {{
        step weight=10 pause="5m"
        step weight=50 pause="10m"
        rollback-when slo="availability-{i}"
        manual-override team="payments"
    }}
    slo "availability-{i}" service="svc-{i}" objective=99.9 window="30d" runbook="svc-{i}-down" {{
        ratio preset="std/http-availability"
    }}
    runbook "svc-{i}-down" {{
        summary "Service {i} fails requests"
        step "Look at the canary"
    }}
"#
        );
    }
    out.push_str("    telemetry {\n        metrics path=\"/metrics\" port=9090\n    }\n}\n");
    out
}

fn write_workspace(name: &str, files: &[(String, String)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("gantry-lsp-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("create the workspace");
    std::fs::write(root.join("gantry.kdl"), WORKSPACE).expect("write gantry.kdl");
    for (file, text) in files {
        std::fs::write(root.join(file), text).expect("write a spec");
    }
    root
}

/// Waits for the diagnostics of `uri` at `version`.
fn wait_for(rpc: &mut Rpc, uri: &str, version: i32) {
    rpc.notification(|n| {
        n.method == "textDocument/publishDiagnostics"
            && n.params["uri"] == uri
            && n.params["version"] == version
    });
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Edits `file` `rounds` times and times each answer.
fn measure(root: &Path, file: &str, debounce_ms: Option<u64>, rounds: usize) -> Vec<Duration> {
    let options = debounce_ms.map_or(Value::Null, |ms| json!({ "debounceMs": ms }));
    let root_uri = gantry_lsp::uri_of(root).expect("uri").as_str().to_string();
    let mut client = Rpc::start(&root_uri, options);
    let path = root.join(file);
    let uri = gantry_lsp::uri_of(&path).expect("uri").as_str().to_string();
    let text = std::fs::read_to_string(&path).expect("read");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "kdl", "version": 1, "text": text } }),
    );
    wait_for(&mut client, &uri, 1);
    let mut times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let version = i32::try_from(round).unwrap_or(0) + 2;
        // A realistic keystroke: a changed replica count.
        let edited = text.replacen("max=6", &format!("max={}", 6 + round % 3), 1);
        let started = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }),
        );
        wait_for(&mut client, &uri, version);
        times.push(started.elapsed());
    }
    drop(client);
    times.sort();
    times
}

fn report(what: &str, lines: usize, files: usize, times: &[Duration]) {
    println!(
        "{what:<44} {lines:>6} lines {files:>4} files  p50 {:>7.1} ms  p99 {:>7.1} ms",
        percentile(times, 0.50).as_secs_f64() * 1000.0,
        percentile(times, 0.99).as_secs_f64() * 1000.0,
    );
}

fn main() {
    let big = feature("big", 91);
    let big_lines = big.lines().count();
    let single = write_workspace("single", &[("big.kdl".to_string(), big)]);

    let specs: Vec<(String, String)> = (0..200)
        .map(|i| (format!("f{i:03}.kdl"), feature(&format!("f{i:03}"), 2)))
        .collect();
    let many_lines: usize = specs.iter().map(|(_, t)| t.lines().count()).sum::<usize>();
    let many = write_workspace("many", &specs);

    // A monorepo: the synthetic workspace of `gantry-workload`, a keystroke in one feature.
    let monorepo_root =
        std::env::temp_dir().join(format!("gantry-lsp-bench-{}-monorepo", std::process::id()));
    let _ = std::fs::remove_dir_all(&monorepo_root);
    let mut monorepo_lines = 0;
    let monorepo = gantry_bench::workspace(10_000, 1);
    let edited = monorepo
        .iter()
        .find(|f| f.path.ends_with(".kdl") && f.text.contains("max=6"))
        .map(|f| f.path.clone())
        .expect("a feature with replicas");
    for file in &monorepo {
        let path = monorepo_root.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create a folder");
        std::fs::write(&path, &file.text).expect("write a spec");
        monorepo_lines += file.text.lines().count();
    }
    let times = measure(&monorepo_root, &edited, Some(0), 30);
    report(
        "10,000-feature workspace, no debounce",
        monorepo_lines,
        monorepo.len(),
        &times,
    );
    let _ = std::fs::remove_dir_all(&monorepo_root);

    for (label, debounce) in [
        ("default debounce", None),
        ("no debounce (the check alone)", Some(0)),
    ] {
        let times = measure(&single, "big.kdl", debounce, 100);
        report(&format!("one feature spec, {label}"), big_lines, 1, &times);
        let times = measure(&many, "f100.kdl", debounce, 40);
        report(
            &format!("200-file workspace, {label}"),
            many_lines,
            200,
            &times,
        );
    }
    let _ = std::fs::remove_dir_all(&single);
    let _ = std::fs::remove_dir_all(&many);
}
