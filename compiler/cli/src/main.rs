//! The `gantry` command: command-line parsing and the commands. Everything here is I/O around
//! the pure compiler.

// The command line is the I/O shell around the pure compiler: it may touch the disk.
#![allow(clippy::disallowed_methods)]

mod build;
mod can;
mod check;
mod diff;
mod docs;
mod explain;
mod fmt;
mod graph;
mod lsp;
mod new;
mod stdlib;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// gantry compiles feature specs into what production runs on, and checks them like a compiler.
#[derive(Parser)]
#[command(name = "gantry", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a workspace: parse, validate, resolve references. Exit 1 on errors.
    Check {
        /// The workspace, or a folder or file inside it (gantry.kdl is found upwards).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// How diagnostics are printed.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Check, then write every environment's artifacts to OUTPUT/ENV/TARGET/… and
    /// OUTPUT/manifest.json, atomically. Exit 1 on errors (nothing is written).
    Build {
        /// The workspace, or a folder or file inside it (gantry.kdl is found upwards).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Build only this environment; the others' files are kept as they are.
        #[arg(long)]
        env: Option<String>,
        /// Run only this target; the others' files are kept as they are.
        #[arg(long)]
        target: Option<String>,
        /// Write nothing; print a diff and exit 1 when the output folder differs (drift).
        #[arg(long)]
        check: bool,
    },
    /// Compare two revisions of the workspace (or two output folders) object by object, grade
    /// every change with the risk table, and say which gate it needs. Exit 0 (or 2 with
    /// `--detailed-exitcode`) when there are changes, 3 with `--fail-on irreversible` when a human
    /// must approve, 1 on errors.
    Diff {
        /// Two output folders of `gantry build` to compare instead of revisions: OLD_DIR NEW_DIR.
        folders: Vec<PathBuf>,
        /// The base revision (a git commit, branch or tag); read from git objects.
        #[arg(long)]
        base: Option<String>,
        /// The head revision; the working tree when not given.
        #[arg(long)]
        head: Option<String>,
        /// The workspace, or a folder or file inside it.
        #[arg(long, default_value = ".")]
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = diff::DiffFormat::Human)]
        format: diff::DiffFormat,
        /// Who made the change: a person or an agent (an agent never approves its own change).
        #[arg(long, value_enum, default_value_t = AuthorKindArg::Human)]
        author_kind: AuthorKindArg,
        /// The author's name, as the approvals name people.
        #[arg(long, default_value = "")]
        author: String,
        /// An approval already given: TEAM or TEAM:WHO; repeatable.
        #[arg(long)]
        approved_by: Vec<String>,
        /// Add, for each changed entity, what the dependency graph says it reaches.
        #[arg(long)]
        impact: bool,
        /// Exit 2 when there are changes.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Exit 3 when a change needs a human approval that is not given.
        #[arg(long, value_enum)]
        fail_on: Option<diff::FailOn>,
    },
    /// Print the documentation of a rule: what it checks, why, a failing and a passing example.
    Explain {
        /// A rule id, e.g. `agent-budget-per-run-only`.
        id: String,
    },
    /// List every rule with its default severity.
    Rules,
    /// List the standard library's presets, or print one (`risk` prints the risk table).
    Stdlib {
        /// A preset name, e.g. `std/canary-standard`.
        name: Option<String>,
    },
    /// Print the dependency graph, or what a change to an entity reaches.
    Graph {
        /// The workspace, or a folder or file inside it.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The environment whose graph to draw (default: the last one declared).
        #[arg(long)]
        env: Option<String>,
        #[arg(long, value_enum, default_value_t = graph::GraphFormat::Mermaid)]
        format: graph::GraphFormat,
        /// An entity (`payments/api`, `service:payments/api`, `datastore:checkout/orders`,
        /// `team:payments`, `checkout`): list everything a change to it reaches.
        #[arg(long)]
        impact: Option<String>,
    },
    /// Whether an agent may take an action on a resource, by the environment's generated Cedar
    /// policy, with the spec rules that decided it. Exit 0 allow, 1 deny, 2 usage error.
    Can {
        /// The agent: `FEATURE/NAME`, or `NAME` when only one feature has an agent of that name.
        agent: String,
        /// read, write, deploy, rollback, migrate or delete.
        action: String,
        /// One resource, as agent rules write it: `k8s:checkout/api`,
        /// `datastore:checkout/orders`, `github:acme/checkout/pulls`, …
        resource: String,
        /// The workspace, or a folder or file inside it.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The environment whose policy decides (default: the last one declared).
        #[arg(long)]
        env: Option<String>,
        /// A team whose approval the request carries (repeatable).
        #[arg(long = "approved-by", value_name = "TEAM")]
        approved_by: Vec<String>,
    },
    /// Format spec files canonically: four-space indentation, one space between entries,
    /// comments kept. Files that do not parse are reported and left alone.
    Fmt {
        /// A `.kdl` file, or a folder whose `.kdl` files to format.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Write nothing; list the files that are not formatted and exit 1 if there are any.
        #[arg(long)]
        check: bool,
    },
    /// Run the language server on stdin and stdout (for editors).
    Lsp,
    /// Create FEATURE.kdl: a feature spec (service, telemetry, SLO with its runbook, canary with
    /// a rollback trigger and a manual override) that passes every rule of the workspace.
    New {
        /// The feature's name, a DNS label such as `search`.
        feature: String,
        /// The folder to write into (inside the workspace); default the workspace's root.
        #[arg(long)]
        path: Option<PathBuf>,
        /// The owner team; default the workspace's first team.
        #[arg(long)]
        owner: Option<String>,
        /// The service's image, pinned: `REPOSITORY:TAG@sha256:DIGEST`.
        #[arg(long)]
        image: Option<String>,
    },
    /// Write the generated reference documentation (docs/language.md) from the schema.
    Docs {
        /// The folder to write into.
        #[arg(long, default_value = "docs")]
        out: PathBuf,
        /// Write nothing; fail when the files differ from what would be written.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Source snippets with labels, for people.
    Human,
    /// One JSON object per diagnostic, for tools.
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AuthorKindArg {
    Human,
    Agent,
}

/// Exit codes shared by every command.
pub mod exit {
    pub const OK: u8 = 0;
    pub const ERRORS: u8 = 1;
    pub const USAGE: u8 = 2;
}

/// Whether to colour output written to stderr.
pub fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Prints a check's errors (not its warnings) for a command that cannot go on with them.
pub fn report_errors_only(checked: &gantry::check::Checked) {
    let renderer = gantry::diagnostics::HumanRenderer::new(use_color());
    for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
        eprintln!("{}", renderer.render(d, &checked.sources));
    }
    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!("error: the workspace has {errors} error(s); `gantry check` shows every diagnostic");
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let code = match cli.command {
        Command::Check { path, format } => check::run(&path, format),
        Command::Build {
            path,
            env,
            target,
            check,
        } => build::run(
            &path,
            &build::Options {
                env: env.as_deref(),
                target: target.as_deref(),
                check,
            },
        ),
        Command::Diff {
            folders,
            base,
            head,
            path,
            format,
            author_kind,
            author,
            approved_by,
            impact,
            detailed_exitcode,
            fail_on,
        } => diff::run(&diff::Options {
            folders,
            path,
            base,
            head,
            format,
            author_kind: match author_kind {
                AuthorKindArg::Human => gantry::diff::AuthorKind::Human,
                AuthorKindArg::Agent => gantry::diff::AuthorKind::Agent,
            },
            author,
            approved_by,
            impact,
            detailed_exitcode,
            fail_on,
        }),
        Command::Explain { id } => explain::explain(&id),
        Command::Rules => explain::list(),
        Command::Stdlib { name } => stdlib::run(name.as_deref()),
        Command::Graph {
            path,
            env,
            format,
            impact,
        } => graph::run(&path, env.as_deref(), format, impact.as_deref()),
        Command::Can {
            agent,
            action,
            resource,
            path,
            env,
            approved_by,
        } => can::run(
            &path,
            &can::Question {
                agent: &agent,
                action: &action,
                resource: &resource,
                env: env.as_deref(),
                approved_by: &approved_by,
            },
        ),
        Command::Docs { out, check } => docs::run(&out, check),
        Command::Fmt { path, check } => fmt::run(&path, check),
        Command::Lsp => lsp::run(),
        Command::New {
            feature,
            path,
            owner,
            image,
        } => new::run(
            &feature,
            &new::Options {
                dir: path.as_deref(),
                owner: owner.as_deref(),
                image: image.as_deref(),
            },
        ),
    };
    ExitCode::from(code)
}
