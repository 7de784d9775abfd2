//! The language server driven as an editor drives it: JSON-RPC messages over a connection, on a
//! copy of the checkout example.

use std::path::{Path, PathBuf};

#[path = "support/rpc.rs"]
mod rpc;

use rpc::Rpc;
use serde_json::{Value, json};

struct Client {
    rpc: Rpc,
    root: PathBuf,
    /// What the client sent for each file it opened.
    texts: std::collections::HashMap<String, String>,
}

/// A copy of examples/checkout (its specs, not its output) in a folder of its own.
fn workspace(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("lsp")
        .join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("create the test workspace");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/checkout");
    for file in ["gantry.kdl", "checkout.kdl", "payments.kdl"] {
        std::fs::copy(example.join(file), root.join(file)).expect("copy the example");
    }
    root
}

fn uri(path: &Path) -> String {
    gantry_lsp::uri_of(path)
        .expect("a file URI")
        .as_str()
        .to_string()
}

impl Client {
    fn start(name: &str) -> Client {
        let root = workspace(name);
        Client {
            rpc: Rpc::start(&uri(&root), json!({ "debounceMs": 0 })),
            root,
            texts: std::collections::HashMap::new(),
        }
    }

    fn path(&self, file: &str) -> PathBuf {
        self.root.join(file)
    }

    fn text(&self, file: &str) -> String {
        std::fs::read_to_string(self.path(file)).expect("read a spec")
    }

    fn notify(&self, method: &str, params: Value) {
        self.rpc.notify(method, params);
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.rpc.request(method, params)
    }

    /// The next diagnostics published for a file.
    fn diagnostics(&mut self, file: &str) -> Vec<Value> {
        let wanted = uri(&self.path(file));
        let n = self.rpc.notification(|n| {
            n.method == "textDocument/publishDiagnostics" && n.params["uri"] == wanted.as_str()
        });
        n.params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, file: &str, text: &str) {
        self.texts.insert(file.to_string(), text.to_string());
        let uri = uri(&self.path(file));
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "kdl", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, file: &str, version: i32, text: &str) {
        self.texts.insert(file.to_string(), text.to_string());
        let uri = uri(&self.path(file));
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// `textDocument/…` at the first occurrence of `needle` in a file, `shift` characters in.
    fn at(&mut self, method: &str, file: &str, needle: &str, shift: usize, extra: Value) -> Value {
        let text = self.text_of(file);
        let offset = text
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in {file}"))
            + shift;
        let line = text[..offset].matches('\n').count();
        let character = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let mut params = json!({
            "textDocument": { "uri": uri(&self.path(file)) },
            "position": { "line": line, "character": character },
        });
        if let (Some(p), Some(extra)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(extra.clone());
        }
        self.request(method, params)
    }

    /// The text the server has for a file: the last opened or changed, else the disk's.
    fn text_of(&self, file: &str) -> String {
        self.texts
            .get(file)
            .cloned()
            .unwrap_or_else(|| self.text(file))
    }
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect()
}

#[test]
fn diagnostics_appear_with_their_rule_and_clear_when_fixed() {
    let mut client = Client::start("diagnostics");
    let good = client.text("checkout.kdl");
    let bad = good.replace(
        "rollback-when slo=\"availability\"",
        "rollback-when slo=\"availabilty\"",
    );
    client.open("checkout.kdl", &bad);
    let diagnostics = client.diagnostics("checkout.kdl");
    assert_eq!(
        codes(&diagnostics),
        ["unresolved-reference"],
        "{diagnostics:#?}"
    );
    let d = &diagnostics[0];
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "gantry");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("did you mean `availability`?")
    );
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .unwrap_or("")
            .ends_with("docs/rules.md#unresolved-reference")
    );
    let line = bad
        .lines()
        .position(|l| l.contains("availabilty"))
        .unwrap_or(0);
    assert_eq!(d["range"]["start"]["line"], line);

    // The did-you-mean, as a quick fix.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&client.path("checkout.kdl")) },
            "range": d["range"],
            "context": { "diagnostics": [d] },
        }),
    );
    assert_eq!(actions[0]["title"], "Change to `availability`");
    let edits = actions[0]["edit"]["changes"][uri(&client.path("checkout.kdl"))].clone();
    assert_eq!(edits[0]["newText"], "availability");

    client.change("checkout.kdl", 2, &good);
    assert_eq!(client.diagnostics("checkout.kdl"), Vec::<Value>::new());
}

#[test]
fn a_broken_reference_in_one_file_is_reported_in_the_other() {
    let mut client = Client::start("cross-file");
    let payments = client
        .text("payments.kdl")
        .replace("service \"api\"", "service \"gateway\"");
    client.open("payments.kdl", &payments);
    let diagnostics = client.diagnostics("checkout.kdl");
    assert!(
        codes(&diagnostics).contains(&"unresolved-reference"),
        "{diagnostics:#?}"
    );
}

#[test]
fn a_file_being_typed_is_still_navigable_and_reports_each_syntax_error() {
    let mut client = Client::start("mid-edit");
    let broken = client
        .text("payments.kdl")
        .replacen("port 8080", "port 80x", 1)
        .replacen("owner \"payments\"", "owner \"payments\" x=", 1);
    client.open("payments.kdl", &broken);
    let diagnostics = client.diagnostics("payments.kdl");
    assert_eq!(
        codes(&diagnostics),
        ["syntax", "syntax"],
        "{diagnostics:#?}"
    );
    // checkout.kdl still finds `payments/api` in what the broken file keeps.
    let found = client.at(
        "textDocument/definition",
        "checkout.kdl",
        "        depends-on \"payments/api\"",
        30,
        json!({}),
    );
    assert_eq!(found[0]["uri"], uri(&client.path("payments.kdl")).as_str());
    let found = client.at(
        "textDocument/hover",
        "payments.kdl",
        "service \"api\"",
        2,
        json!({}),
    );
    assert!(found["contents"].is_object(), "{found:#?}");
}

#[test]
fn secondary_labels_are_related_information() {
    let mut client = Client::start("related");
    let text = client.text("checkout.kdl").replace(
        "secret \"orders-db\" from=\"aws-secretsmanager\"",
        "secret \"orders-db\" from=\"aws-secretsmanager\"\n    secret \"orders-db\" from=\"vault\"",
    );
    client.open("checkout.kdl", &text);
    let diagnostics = client.diagnostics("checkout.kdl");
    let duplicate = diagnostics
        .iter()
        .find(|d| d["code"] == "duplicate-name")
        .unwrap_or_else(|| panic!("{diagnostics:#?}"));
    let related = &duplicate["relatedInformation"][0];
    assert_eq!(related["message"], "first defined here");
    assert_eq!(
        related["location"]["uri"],
        uri(&client.path("checkout.kdl")).as_str()
    );
}

#[test]
fn hover_on_an_slo_shows_its_budget_and_thresholds() {
    let mut client = Client::start("hover");
    let hover = client.at(
        "textDocument/hover",
        "checkout.kdl",
        "slo \"availability\"",
        6,
        json!({}),
    );
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    // Prod keeps 99.9 %: 43.2 minutes a month, page at 14.4× = 0.0144; staging's overlay 99.0.
    assert!(text.contains("error budget **43.2 min**"), "{text}");
    for figure in [
        "| page | 1h / 5m | 14.4× | 0.0144 |",
        "| page | 6h / 30m | 6× | 0.006 |",
        "| ticket | 1d / 2h | 3× | 0.003 |",
        "| ticket | 3d / 6h | 1× | 0.001 |",
    ] {
        assert!(text.contains(figure), "{figure} not in {text}");
    }
    assert!(
        text.contains("*staging*") && text.contains("error budget **432.0 min**"),
        "{text}"
    );
    assert!(
        text.contains("service level objective"),
        "the schema's documentation: {text}"
    );

    // On a reference: the entity it points to, and what it implies.
    let hover = client.at(
        "textDocument/hover",
        "checkout.kdl",
        "rollback-when slo=\"availability\"",
        20,
        json!({}),
    );
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        text.contains("→ slo `availability` of feature `checkout` (checkout.kdl:123)"),
        "{text}"
    );
    assert!(text.contains("0.0144"), "{text}");

    // A canary's timeline, an agent's worst-case spend.
    let hover = client.at(
        "textDocument/hover",
        "checkout.kdl",
        "deploy strategy",
        1,
        json!({}),
    );
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        text.contains("| 5 | 25 % |") && text.contains("after 25 min"),
        "{text}"
    );
    let hover = client.at(
        "textDocument/hover",
        "checkout.kdl",
        "agent \"deploy-bot\"",
        1,
        json!({}),
    );
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        text.contains("worst-case spend **5,000,000 tokens a day** (bound by tokens-per-day)"),
        "{text}"
    );
}

#[test]
fn completion_offers_what_fits_the_cursor() {
    let mut client = Client::start("completion");
    let text = client
        .text("checkout.kdl")
        .replace("rollback-when slo=\"latency\"", "rollback-when slo=\"");
    client.open("checkout.kdl", &text);
    let offset = text.find("rollback-when slo=\"\n").unwrap_or(0) + "rollback-when slo=\"".len();
    let line = text[..offset].matches('\n').count();
    let character = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let items = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri(&client.path("checkout.kdl")) }, "position": { "line": line, "character": character } }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["availability", "latency"]);
    assert_eq!(items[0]["textEdit"]["newText"], "\"availability\"");

    // Node names inside a service, enum values of a property, teams.
    let text = client
        .text("checkout.kdl")
        .replace("        port 8080\n", "        po\n");
    client.change("checkout.kdl", 2, &text);
    let items = client.at(
        "textDocument/completion",
        "checkout.kdl",
        "        po\n",
        10,
        json!({}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"port") && labels.contains(&"probe") && labels.contains(&"depends-on"),
        "{labels:?}"
    );
    assert!(!labels.contains(&"slo"), "{labels:?}");

    let text = client
        .text("checkout.kdl")
        .replace("deploy strategy=\"canary\"", "deploy strategy=");
    client.change("checkout.kdl", 3, &text);
    let items = client.at(
        "textDocument/completion",
        "checkout.kdl",
        "deploy strategy=",
        16,
        json!({}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["rolling", "canary", "blue-green"]);

    let text = client
        .text("checkout.kdl")
        .replace("    owner \"payments\"\n", "    owner \n");
    client.change("checkout.kdl", 4, &text);
    let items = client.at(
        "textDocument/completion",
        "checkout.kdl",
        "    owner \n",
        10,
        json!({}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["payments", "platform"]);
}

#[test]
fn definition_and_references_reach_across_files() {
    let mut client = Client::start("navigation");
    let found = client.at(
        "textDocument/definition",
        "checkout.kdl",
        "rollback-when slo=\"availability\"",
        20,
        json!({}),
    );
    assert_eq!(found[0]["uri"], uri(&client.path("checkout.kdl")).as_str());
    assert_eq!(found[0]["range"]["start"]["line"], 122);

    // `payments/api`: the service in payments.kdl.
    let found = client.at(
        "textDocument/definition",
        "checkout.kdl",
        "        depends-on \"payments/api\"",
        30,
        json!({}),
    );
    assert_eq!(found[0]["uri"], uri(&client.path("payments.kdl")).as_str());
    let line = client
        .text("payments.kdl")
        .lines()
        .position(|l| l.contains("service \"api\""))
        .unwrap_or(0);
    assert_eq!(found[0]["range"]["start"]["line"], line);

    // A team, defined in gantry.kdl.
    let found = client.at(
        "textDocument/definition",
        "checkout.kdl",
        "owner \"payments\"",
        8,
        json!({}),
    );
    assert_eq!(found[0]["uri"], uri(&client.path("gantry.kdl")).as_str());

    let found = client.at(
        "textDocument/references",
        "checkout.kdl",
        "slo \"availability\"",
        6,
        json!({ "context": { "includeDeclaration": true } }),
    );
    let lines: Vec<u64> = found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["range"]["start"]["line"].as_u64())
        .collect();
    let text = client.text("checkout.kdl");
    let expected: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("slo=\"availability\"") || l.contains("slo \"availability\""))
        .map(|(i, _)| i as u64)
        .collect();
    assert_eq!(
        lines, expected,
        "the definition, the rollback trigger and the staging overlay"
    );
    assert_eq!(lines.len(), 3);
}

#[test]
fn rename_updates_every_reference() {
    let mut client = Client::start("rename");
    let range = client.at(
        "textDocument/prepareRename",
        "checkout.kdl",
        "runbook \"checkout-latency\"",
        10,
        json!({}),
    );
    assert_eq!(range["start"]["character"], 13);
    let edit = client.at(
        "textDocument/rename",
        "checkout.kdl",
        "runbook \"checkout-latency\"",
        10,
        json!({ "newName": "checkout-slowness" }),
    );
    let edits = edit["changes"][uri(&client.path("checkout.kdl"))]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(edits.len(), 2, "{edit:#}");
    assert!(edits.iter().all(|e| e["newText"] == "checkout-slowness"));

    // A team renamed in gantry.kdl reaches every feature.
    let edit = client.at(
        "textDocument/rename",
        "gantry.kdl",
        "team \"payments\"",
        6,
        json!({ "newName": "money" }),
    );
    let changes = edit["changes"].as_object().cloned().unwrap_or_default();
    assert_eq!(
        changes.len(),
        3,
        "gantry.kdl, checkout.kdl and payments.kdl: {edit:#}"
    );

    // Names stay valid.
    let text = client.text("checkout.kdl");
    let offset = text.find("runbook \"checkout-latency\"").unwrap_or(0) + 10;
    let line = text[..offset].matches('\n').count();
    let character = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let answer = client.rpc.call(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri(&client.path("checkout.kdl")) }, "position": { "line": line, "character": character }, "newName": "Not A Name" }),
    );
    assert!(answer.is_err_and(|e| e.message.contains("not a valid name")));

    // A name another runbook of the feature has would make two of them.
    let answer = client.rpc.call(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri(&client.path("checkout.kdl")) }, "position": { "line": line, "character": character }, "newName": "checkout-availability" }),
    );
    assert!(
        answer.is_err_and(|e| e.message.contains("already exists")),
        "a rename onto a taken name is refused"
    );
}

#[test]
fn formatting_gives_the_canonical_layout() {
    let mut client = Client::start("formatting");
    let messy = "feature   \"tiny\"{\n  owner  \"payments\"\n    runbook \"r\" {summary \"s\";step \"t\"}   // keep\n}";
    std::fs::write(client.path("tiny.kdl"), messy).expect("write");
    client.open("tiny.kdl", messy);
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri(&client.path("tiny.kdl")) }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    assert_eq!(
        edits[0]["newText"],
        "feature \"tiny\" {\n    owner \"payments\"\n    runbook \"r\" { summary \"s\"; step \"t\" } // keep\n}\n"
    );
    assert_eq!(
        edits[0]["range"]["end"],
        json!({ "line": 3, "character": 1 })
    );
}

#[test]
fn quick_fixes_for_agents_images_keywords_and_runbooks() {
    let mut client = Client::start("actions");
    let file = uri(&client.path("checkout.kdl"));
    let text = client
        .text("checkout.kdl")
        .replace(
            "budget tokens-per-run=200000 tokens-per-day=5000000 usd-per-month=400",
            "budget tokens-per-run=200000",
        )
        .replace(
            " digest=\"sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\"",
            "",
        )
        .replace("runbook=\"queue-backlog\"", "runbook=\"queue-stuck\"");
    client.open("checkout.kdl", &text);
    let diagnostics = client.diagnostics("checkout.kdl");
    let mut titles = Vec::new();
    for d in &diagnostics {
        let actions = client.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": file }, "range": d["range"], "context": { "diagnostics": [d] } }),
        );
        for action in actions.as_array().into_iter().flatten() {
            titles.push(action["title"].as_str().unwrap_or("").to_string());
            let edit = &action["edit"]["changes"][file.as_str()][0]["newText"];
            match action["title"].as_str().unwrap_or("") {
                t if t.starts_with("Add tokens-per-day") => {
                    assert_eq!(edit, " tokens-per-day=4000000")
                }
                t if t.starts_with("Pin by digest") => assert_eq!(edit, " digest=\"sha256:\""),
                t if t.starts_with("Add a runbook") => {
                    assert!(
                        edit.as_str()
                            .unwrap_or("")
                            .starts_with("    runbook \"queue-stuck\" {\n        summary "),
                        "{edit}"
                    )
                }
                _ => {}
            }
        }
    }
    assert!(
        titles
            .iter()
            .any(|t| t == "Add tokens-per-day=4000000 (twenty runs at the per-run limit)"),
        "{titles:?}"
    );
    assert!(
        titles.iter().any(|t| t.starts_with("Pin by digest")),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .any(|t| t == "Add a runbook `queue-stuck` to feature `checkout`"),
        "{titles:?}"
    );

    // KDL v1's bare `true`.
    let text = client
        .text("checkout.kdl")
        .replace("contains-pii=#true", "contains-pii=true");
    client.change("checkout.kdl", 2, &text);
    let diagnostics = client.diagnostics("checkout.kdl");
    assert_eq!(codes(&diagnostics), ["syntax"]);
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": file }, "range": diagnostics[0]["range"], "context": { "diagnostics": diagnostics } }),
    );
    assert_eq!(actions[0]["title"], "Write `#true`");
    assert_eq!(
        actions[0]["edit"]["changes"][file.as_str()][0]["newText"],
        "#true"
    );
}

#[test]
fn symbols_outline_the_file_and_the_workspace() {
    let mut client = Client::start("symbols");
    let outline = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&client.path("checkout.kdl")) } }),
    );
    assert_eq!(outline[0]["name"], "feature checkout");
    let children: Vec<&str> = outline[0]["children"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for name in [
        "service api",
        "datastore orders",
        "slo availability",
        "agent deploy-bot",
        "env staging",
    ] {
        assert!(children.contains(&name), "{name} not in {children:?}");
    }
    let found = client.request("workspace/symbol", json!({ "query": "avail" }));
    let names: Vec<(&str, &str)> = found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| Some((s["name"].as_str()?, s["containerName"].as_str()?)))
        .collect();
    assert!(names.contains(&("availability", "checkout")), "{names:?}");
    assert!(
        names.contains(&("checkout-availability", "checkout")),
        "{names:?}"
    );
}
