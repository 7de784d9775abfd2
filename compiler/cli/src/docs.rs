//! `gantry docs`: writes the reference documentation generated from the schema.

use std::path::Path;

use super::exit;

pub fn run(out: &Path, check: bool) -> u8 {
    let files = [
        ("language.md", gantry::docs::language_reference()),
        ("rules.md", gantry::docs::rules_reference()),
    ];
    let mut stale = Vec::new();
    for (name, text) in files {
        let path = out.join(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if check {
            stale.push(path.display().to_string());
        } else if let Err(e) =
            std::fs::create_dir_all(out).and_then(|()| std::fs::write(&path, text))
        {
            eprintln!("error: cannot write {}: {e}", path.display());
            return exit::USAGE;
        } else {
            eprintln!("wrote {}", path.display());
        }
    }
    if stale.is_empty() {
        exit::OK
    } else {
        eprintln!(
            "error: generated documentation is out of date: {}\n  help: run `gantry docs`",
            stale.join(", ")
        );
        exit::ERRORS
    }
}
