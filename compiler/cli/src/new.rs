//! `gantry new FEATURE`: writes `FEATURE.kdl`, a feature spec with an owner, a service, its
//! telemetry, an SLO with its runbook and a canary deploy with a rollback trigger and a manual
//! override. Before writing, the workspace is checked and its targets run with the new file added
//! (in memory): the file is written only if it adds no diagnostic, so it passes every rule as
//! this workspace configures them.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use gantry::check::{Checked, check_path};
use gantry::diagnostics::{Diagnostic, HumanRenderer};
use gantry::model::Model;
use gantry::vfs::{OsFs, Vfs};
use gantry::workspace::display_path;

use super::{exit, use_color};

pub struct Options<'a> {
    /// The folder to write into; default the workspace's root.
    pub dir: Option<&'a Path>,
    /// The owner team; default the workspace's first team.
    pub owner: Option<&'a str>,
    /// The service's image, `REPOSITORY:TAG@sha256:DIGEST`; without it the spec says where to
    /// set it.
    pub image: Option<&'a str>,
}

pub fn run(feature: &str, options: &Options) -> u8 {
    match scaffold(feature, options) {
        Ok(created) => {
            println!("created {created}");
            if options.image.is_none() {
                eprintln!("next: set the service's image in {created}, then `gantry build`");
            }
            exit::OK
        }
        Err(refused) => {
            eprintln!("error: {}", refused.message);
            refused.code
        }
    }
}

/// Why nothing was written, and the exit code that says so: `USAGE` (2) when the command line
/// asks for what cannot be (an invalid or taken name, an unknown owner, a folder the workspace
/// does not read, no workspace), `ERRORS` (1) when the spec it would write does not check
/// cleanly or cannot be written.
struct Refused {
    code: u8,
    message: String,
}

impl Refused {
    fn usage(message: impl Into<String>) -> Refused {
        Refused {
            code: exit::USAGE,
            message: message.into(),
        }
    }

    fn failed(message: impl Into<String>) -> Refused {
        Refused {
            code: exit::ERRORS,
            message: message.into(),
        }
    }
}

/// Writes the spec and returns its path as shown to users, or says why it did not.
fn scaffold(feature: &str, options: &Options) -> Result<String, Refused> {
    if let Err(e) = gantry::values::check_name(feature) {
        let help = format!("\n  help: {}", e.help);
        return Err(Refused::usage(format!(
            "cannot create feature `{feature}`: {}{help}",
            e.message
        )));
    }
    let dir = match options.dir {
        Some(dir) if !dir.is_dir() => {
            return Err(Refused::usage(format!("{} is not a folder", dir.display())));
        }
        Some(dir) => dir,
        None => Path::new("."),
    };
    let dir = std::path::absolute(dir)
        .map_err(|e| Refused::usage(format!("cannot resolve {}: {e}", dir.display())))?;
    let (root, checked) = check_path(&OsFs, &dir).map_err(|e| Refused::usage(e.to_string()))?;
    let folder = if options.dir.is_some() {
        dir
    } else {
        root.clone()
    };
    let file = folder.join(format!("{feature}.kdl"));
    let shown = display_path(&root, &file);
    if file.exists() {
        return Err(Refused::usage(format!(
            "{shown} already exists; nothing was written\n  help: pick another name, or move the file away"
        )));
    }
    if let Some(existing) = checked.features.iter().find(|f| f.name.value == feature) {
        return Err(Refused::usage(format!(
            "the workspace already has a feature `{feature}`, in {}\n  help: feature names are unique in a workspace",
            checked.sources.get(existing.file).name
        )));
    }
    let owner = owner(&checked, options.owner).map_err(Refused::usage)?;
    let text = spec(feature, &owner, options.image);

    let with_file = WithFile {
        path: file.clone(),
        text: text.clone(),
    };
    let (_, after) = check_path(&with_file, &root).map_err(|e| Refused::usage(e.to_string()))?;
    if !after.features.iter().any(|f| f.name.value == feature) {
        return Err(Refused::usage(format!(
            "{shown} would not be read as a spec of the workspace at {} (it is in the output folder, an ignored folder or a nested workspace)\n  help: choose a folder the workspace reads, or leave out --path",
            root.display()
        )));
    }
    let in_new_file = |d: &&Diagnostic| after.sources.get(d.primary.span.file).name == shown;
    let mut added: Vec<Diagnostic> = after
        .diagnostics
        .iter()
        .filter(in_new_file)
        .cloned()
        .collect();
    // The targets too: a datastore's instance class, say, is found only while emitting.
    for environment in &after.environments {
        let Some(model) = Model::of(&after, &environment.name) else {
            continue;
        };
        for (_, emit) in gantry_targets::all() {
            if let Err(diagnostics) = emit.collect(&model) {
                // Every environment reports the same problem of the new file: once is enough.
                // The image is left to the spec's author when none was given.
                let left_to_author = |d: &&Diagnostic| {
                    options.image.is_none() && gantry_targets::kubernetes::is_missing_image(d)
                };
                for d in diagnostics
                    .iter()
                    .filter(in_new_file)
                    .filter(|d| !left_to_author(d))
                {
                    if !added.contains(d) {
                        added.push(d.clone());
                    }
                }
            }
        }
    }
    if !added.is_empty() {
        let renderer = HumanRenderer::new(use_color());
        for d in &added {
            eprintln!("{}", renderer.render(d, &after.sources));
        }
        return Err(Refused::failed(format!(
            "the new spec would not check cleanly in this workspace ({} diagnostic(s) above); nothing was written",
            added.len()
        )));
    }
    write_new(&file, &text).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => {
            Refused::usage(format!("{shown} already exists; nothing was written"))
        }
        _ => Refused::failed(format!("cannot write {}: {e}", file.display())),
    })?;
    Ok(shown)
}

/// The owner team: the one asked for, which must be a team of the workspace, or its first.
fn owner(checked: &Checked, asked: Option<&str>) -> Result<String, String> {
    let Some(workspace) = &checked.workspace else {
        return Err(
            "gantry.kdl has errors, so its teams are unknown\n  help: `gantry check` shows them"
                .into(),
        );
    };
    let teams: Vec<&str> = workspace
        .teams
        .iter()
        .map(|t| t.name.value.as_str())
        .collect();
    match (asked, teams.first()) {
        (Some(asked), _) if teams.contains(&asked) => Ok(asked.to_string()),
        (Some(asked), Some(_)) => Err(format!(
            "`{asked}` is not a team of the workspace\n  help: the teams are {}",
            teams
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        (_, None) => Err(
            "the workspace declares no team, and every feature needs an owner\n  help: add `team \"NAME\" { oncall pager=\"RECEIVER\" }` to gantry.kdl"
                .into(),
        ),
        (None, Some(first)) => Ok((*first).to_string()),
    }
}

/// Creates the file, failing if it exists (even if it appeared since the check).
fn write_new(path: &Path, text: &str) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

/// `text` as a quoted KDL string.
fn kdl_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `image` line: the reference and its digest, or a comment saying what to write.
fn image_line(image: Option<&str>) -> String {
    match image.map(|i| i.split_once('@').unwrap_or((i, ""))) {
        Some((reference, "")) => format!("image {}", kdl_string(reference)),
        Some((reference, digest)) => format!(
            "image {} digest={}",
            kdl_string(reference),
            kdl_string(digest)
        ),
        None => "// Pin the image by digest, so the build that was reviewed is the one that runs \
                 (`gantry build` needs it):\n        \
                 // image \"REGISTRY/REPOSITORY:TAG\" digest=\"sha256:DIGEST\""
            .to_string(),
    }
}

/// The spec's text, for people to read and edit: names, the owner and the image go in as KDL
/// strings.
fn spec(feature: &str, owner: &str, image: Option<&str>) -> String {
    let image = image_line(image);
    let name = kdl_string(feature);
    let team = kdl_string(owner);
    let summary = kdl_string(&format!(
        "{feature} is failing requests faster than its error budget allows"
    ));
    format!(
        r#"// {feature}.kdl: the {feature} feature, created by `gantry new`.
//
// It checks cleanly as it is. Adjust the service's port, paths and resources to the real ones,
// then run `gantry check` and `gantry build`. `gantry explain RULE` says why each part is here.

feature {name} {{
    // The team that is paged for this feature and approves its gates.
    owner {team}
    // Two replicas or more, human approval of irreversible changes, objectives of 98 % or more.
    tier "standard"

    service "api" {{
        {image}
        port 8080
        resources cpu="250m" memory="256Mi"
        probe "readiness" path="/healthz/ready"
        probe "liveness" path="/healthz/live"
    }}

    // A new version takes 5 %, 25 % and then 50 % of the traffic and rolls back on its own when
    // an SLO burns its error budget too fast; the owner can pause, promote or abort it by hand.
    deploy use="std/canary-standard" {{
        manual-override team={team}
    }}

    // The SLO below and the canary's analysis read these metrics.
    telemetry {{
        metrics path="/metrics" port=9090
    }}

    // Non-5xx responses over all responses; the burn-rate alerts page the owner and link the
    // runbook.
    slo "availability" service="api" objective=99.5 window="30d" runbook="availability" {{
        ratio preset="std/http-availability"
    }}

    runbook "availability" {{
        summary {summary}
        step "Check the rollout: if the new version is the one failing, abort it"
        step "Check what the failing requests depend on: their traces show where they fail"
        escalate team={team} after="30m"
    }}
}}
"#
    )
}

/// The disk, with one more file that does not exist yet: the workspace as it would be.
struct WithFile {
    path: PathBuf,
    text: String,
}

impl Vfs for WithFile {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        if path == self.path {
            Ok(self.text.clone())
        } else {
            OsFs.read_to_string(path)
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        path == self.path || OsFs.is_file(path)
    }

    fn files_below(
        &self,
        root: &Path,
        skip_dir: &dyn Fn(&Path) -> bool,
    ) -> io::Result<Vec<PathBuf>> {
        let mut files = OsFs.files_below(root, skip_dir)?;
        let visible = self.path.starts_with(root)
            && self
                .path
                .ancestors()
                .skip(1)
                .take_while(|a| *a != root)
                .all(|a| !skip_dir(a));
        if visible && !files.contains(&self.path) {
            files.push(self.path.clone());
            files.sort();
        }
        Ok(files)
    }
}
