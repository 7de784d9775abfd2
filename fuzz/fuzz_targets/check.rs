//! Bytes as a spec file of a workspace in memory → `check`. It must never panic, whatever the
//! bytes hold.

#![no_main]

use std::path::Path;

use gantry::check::check_path;
use gantry::vfs::MemoryFs;
use libfuzzer_sys::fuzz_target;

/// A workspace with two environments, a team and a receiver, so that references, overlays and
/// every lint rule have something to work on.
const WORKSPACE: &str = r#"workspace "fuzz" {
    environment "staging"
    environment "prod"
    team "payments" {
        oncall pager="payments-pager" chat="payments-chat"
        approvers "alice@acme.example"
    }
    receiver "payments-pager" kind="pagerduty" routing-key-file="/etc/alertmanager/payments"
    receiver "payments-chat" kind="slack" api-url-file="/etc/alertmanager/slack" channel="payments"
}
"#;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let vfs = MemoryFs::new()
        .with("/ws/gantry.kdl", WORKSPACE)
        .with("/ws/spec.kdl", text.as_ref());
    let Ok((_, checked)) = check_path(&vfs, Path::new("/ws")) else {
        panic!("the workspace in memory must load");
    };
    // Rendering reads every span back from the source map.
    let _ = gantry::diagnostics::render_human(&checked.diagnostics, &checked.sources);
});
