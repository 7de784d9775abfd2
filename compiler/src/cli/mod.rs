//! Command-line parsing and the commands. Everything here is I/O around the pure compiler.

// The command line is the I/O shell around the pure compiler: it may touch the disk.
#![allow(clippy::disallowed_methods)]

mod check;
mod docs;

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

pub fn run() -> ExitCode {
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
        Command::Docs { out, check } => docs::run(&out, check),
    };
    ExitCode::from(code)
}
