//! The `gantry` command: command-line parsing and the commands. Everything here is I/O around
//! the pure compiler.

// The command line is the I/O shell around the pure compiler: it may touch the disk.
#![allow(clippy::disallowed_methods)]

mod build;
mod check;
mod docs;
mod explain;
mod graph;
mod stdlib;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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
        Command::Explain { id } => explain::explain(&id),
        Command::Rules => explain::list(),
        Command::Stdlib { name } => stdlib::run(name.as_deref()),
        Command::Graph {
            path,
            env,
            format,
            impact,
        } => graph::run(&path, env.as_deref(), format, impact.as_deref()),
        Command::Docs { out, check } => docs::run(&out, check),
    };
    ExitCode::from(code)
}
