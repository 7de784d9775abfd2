//! What the tests of the `gantry` binary share.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary in `dir` with colours off, as a user's CI would.
pub fn gantry(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gantry"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("gantry runs")
}
