//! Writes the kubernetes target's output of a workspace to a folder, as
//! `OUTPUT/ENV/kubernetes/…`, for the external validators (scripts/validate-kubernetes.sh) until
//! `gantry build` writes the same tree.
//!
//!     cargo run -p gantry-targets --example dump_kubernetes -- examples/checkout OUTPUT

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gantry::artifact::Content;
use gantry::check::check_path;
use gantry::model::Model;
use gantry::vfs::OsFs;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [workspace, output] = args.as_slice() else {
        eprintln!("usage: dump_kubernetes WORKSPACE OUTPUT");
        return ExitCode::from(2);
    };
    match dump(Path::new(workspace), Path::new(output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn dump(workspace: &Path, output: &Path) -> Result<(), String> {
    let (_, checked) = check_path(&OsFs, workspace).map_err(|e| format!("{e:?}"))?;
    if checked.has_errors() {
        return Err(format!(
            "{} has errors; run gantry check",
            workspace.display()
        ));
    }
    for environment in &checked.environments {
        let model = Model::of(&checked, &environment.name).ok_or("no model")?;
        let artifacts = gantry_targets::kubernetes::emit(&model)
            .map_err(|d| format!("{} diagnostics: {d:#?}", d.len()))?;
        for artifact in artifacts {
            let Content::Yaml(docs) = &artifact.content else {
                continue;
            };
            let path: PathBuf = output
                .join(&environment.name)
                .join("kubernetes")
                .join(&artifact.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            let mut text = gantry::build::header(&artifact.path, &artifact.sources);
            text.push_str(&gantry::build::render_yaml(docs)?);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}
