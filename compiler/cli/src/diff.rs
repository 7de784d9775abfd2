//! `gantry diff`: loads two revisions of the workspace (git objects, the working tree, or two
//! output folders), hands them to the pure comparison, prints the change set and picks the exit
//! code (`terraform plan -detailed-exitcode` style).

mod git;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use gantry::check::{Checked, check_path};
use gantry::diagnostics::HumanRenderer;
use gantry::diff::{self, Approval, Author, AuthorKind, ChangeSet, Review, Revision};
use gantry::vfs::{OsFs, Vfs};

use super::{exit, use_color};

/// The head revision when none is given: the files on disk.
pub const WORKTREE: &str = "WORKTREE";

#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    /// For a terminal, coloured when it is one.
    Human,
    /// A pull-request comment: summary table first, details folded.
    Markdown,
    /// The change set, input of the generated Rego gate policy.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FailOn {
    /// Exit 3 when a change needs a human approval the given approvals do not meet.
    Irreversible,
}

pub struct Options {
    pub folders: Vec<PathBuf>,
    pub path: PathBuf,
    pub base: Option<String>,
    pub head: Option<String>,
    pub format: DiffFormat,
    pub author_kind: AuthorKind,
    pub author: String,
    pub approved_by: Vec<String>,
    pub impact: bool,
    pub detailed_exitcode: bool,
    pub fail_on: Option<FailOn>,
}

/// Exit code when changes need a human and `--fail-on irreversible` is given.
const HUMAN_GATE: u8 = 3;
/// Exit code for changes with `--detailed-exitcode`.
const CHANGES: u8 = 2;

pub fn run(options: &Options) -> u8 {
    let review = Review {
        author: Author {
            kind: options.author_kind,
            name: options.author.clone(),
        },
        approvals: options.approved_by.iter().map(|a| approval(a)).collect(),
        impact: options.impact,
    };
    let set = match (options.folders.as_slice(), &options.base) {
        ([old, new], None) => folders(old, new, &review),
        ([], Some(base)) => revisions(options, base, &review),
        ([], None) => {
            eprintln!(
                "error: give `--base REV` (a git revision) or two output folders OLD_DIR NEW_DIR"
            );
            return exit::USAGE;
        }
        _ => {
            eprintln!("error: give either `--base REV` or exactly two output folders, not both");
            return exit::USAGE;
        }
    };
    let set = match set {
        Ok(set) => set,
        Err(code) => return code,
    };
    match options.format {
        DiffFormat::Human => print!("{}", diff::render::render_human(&set, use_color_stdout())),
        DiffFormat::Markdown => print!("{}", diff::render::render_markdown(&set)),
        DiffFormat::Json => print!("{}", diff::render::render_json(&set)),
    }
    if options.fail_on.is_some() && set.verdict.gate == diff::Gate::Human && !set.verdict.satisfied
    {
        return HUMAN_GATE;
    }
    if options.detailed_exitcode && !set.is_empty() {
        return CHANGES;
    }
    exit::OK
}

fn use_color_stdout() -> bool {
    use std::io::IsTerminal;
    use_color() && std::io::stdout().is_terminal()
}

/// `TEAM` or `TEAM:WHO`.
fn approval(text: &str) -> Approval {
    match text.split_once(':') {
        Some((team, by)) => Approval {
            team: team.to_string(),
            by: by.to_string(),
        },
        None => Approval {
            team: text.to_string(),
            by: String::new(),
        },
    }
}

/// Both revisions of the workspace around `options.path`, checked and compared.
fn revisions(options: &Options, base: &str, review: &Review) -> Result<ChangeSet, u8> {
    let path = std::path::absolute(&options.path).map_err(|e| {
        eprintln!("error: cannot resolve {}: {e}", options.path.display());
        exit::USAGE
    })?;
    // Git names files by their real path; so do we, on both sides.
    let path = path.canonicalize().unwrap_or(path);
    let repo = git::Repository::around(&path).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    let head_label = options.head.clone().unwrap_or_else(|| WORKTREE.to_string());
    let base_fs = repo.files_at(base, &path).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    let base_checked = check(&base_fs, &path, base)?;
    let head_checked = match &options.head {
        Some(rev) => {
            let fs = repo.files_at(rev, &path).map_err(|e| {
                eprintln!("error: {e}");
                exit::USAGE
            })?;
            check(&fs, &path, rev)?
        }
        None => check(&OsFs, &path, WORKTREE)?,
    };
    compare(base, &base_checked, &head_label, &head_checked, review)
}

fn check(vfs: &dyn Vfs, path: &Path, label: &str) -> Result<Checked, u8> {
    let (_, checked) = check_path(vfs, path).map_err(|e| {
        eprintln!("error: at {label}: {e}");
        exit::USAGE
    })?;
    if checked.has_errors() {
        let renderer = HumanRenderer::new(use_color());
        for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
            eprintln!("{}", renderer.render(d, &checked.sources));
        }
        eprintln!("error: the workspace at {label} has errors; `gantry check` shows them");
        return Err(exit::ERRORS);
    }
    Ok(checked)
}

fn compare(
    base_label: &str,
    base: &Checked,
    head_label: &str,
    head: &Checked,
    review: &Review,
) -> Result<ChangeSet, u8> {
    let base_rev = Revision {
        label: base_label.to_string(),
        checked: base,
        targets: targets(base),
    };
    let head_rev = Revision {
        label: head_label.to_string(),
        checked: head,
        targets: targets(head),
    };
    diff::diff_workspaces(&base_rev, &head_rev, review).map_err(|e| {
        let checked = if e.side == "base" { base } else { head };
        let renderer = HumanRenderer::new(use_color());
        for d in &e.diagnostics {
            eprintln!("{}", renderer.render(d, &checked.sources));
        }
        eprintln!("error: the {} revision does not build", e.side);
        exit::ERRORS
    })
}

/// The targets a workspace declares (all of them when it names none) that gantry has.
fn targets(checked: &Checked) -> Vec<(&'static str, diff::Emit)> {
    let all = gantry_targets::all();
    let declared: Vec<&str> = checked
        .workspace
        .as_ref()
        .map(|w| w.targets.iter().map(|t| t.value.as_str()).collect())
        .unwrap_or_default();
    all.into_iter()
        .filter(|(name, _)| declared.is_empty() || declared.contains(name))
        .collect()
}

/// Two output folders of `gantry build`, compared object by object.
fn folders(old: &Path, new: &Path, review: &Review) -> Result<ChangeSet, u8> {
    let read = |dir: &Path| -> Result<BTreeMap<String, String>, u8> {
        let mut files = BTreeMap::new();
        let listed = OsFs.files_below(dir, &|_| false).map_err(|e| {
            eprintln!("error: cannot read {}: {e}", dir.display());
            exit::USAGE
        })?;
        for file in listed {
            let Ok(relative) = file.strip_prefix(dir) else {
                continue;
            };
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let text = OsFs.read_to_string(&file).map_err(|e| {
                eprintln!("error: cannot read {}: {e}", file.display());
                exit::USAGE
            })?;
            files.insert(name, text);
        }
        Ok(files)
    };
    if !old.is_dir() || !new.is_dir() {
        eprintln!("error: OLD_DIR and NEW_DIR must be folders written by `gantry build`");
        return Err(exit::USAGE);
    }
    let (base, head) = (read(old)?, read(new)?);
    Ok(diff::diff_trees(
        &old.display().to_string(),
        &new.display().to_string(),
        &diff::objects_of_files(&base),
        &diff::objects_of_files(&head),
        review,
    ))
}
