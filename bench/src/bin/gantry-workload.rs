//! Writes a synthetic gantry workspace: `gantry-workload --features N [--seed S] --out DIR`.

// A command-line tool: it writes files.
#![allow(clippy::disallowed_methods)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut features = None;
    let mut seed = 1u64;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--features", Some(v)) => features = v.parse::<usize>().ok(),
            ("--seed", Some(v)) => seed = v.parse().unwrap_or(seed),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            _ => {
                eprintln!("usage: gantry-workload --features N [--seed S] --out DIR");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(features), Some(out)) = (features, out) else {
        eprintln!("usage: gantry-workload --features N [--seed S] --out DIR");
        return ExitCode::from(2);
    };
    if out.exists() {
        eprintln!("error: {} exists; choose a new folder", out.display());
        return ExitCode::from(1);
    }
    for file in gantry_bench::workspace(features, seed) {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            eprintln!("error: cannot create {}: {e}", parent.display());
            return ExitCode::from(1);
        }
        if let Err(e) = std::fs::write(&path, file.text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
