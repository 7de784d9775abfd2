//! `gantry stdlib [NAME]`: the standard library's presets.

use gantry::resolve::PresetIndex;

use super::exit;

pub fn run(name: Option<&str>) -> u8 {
    let checked = gantry::check::check_files(
        gantry::check::Input {
            name: "gantry.kdl".to_string(),
            text: "workspace \"stdlib\"".into(),
        },
        Vec::new(),
    );
    let presets = &checked.presets;
    match name {
        None => {
            list(presets);
            exit::OK
        }
        Some("risk") => {
            let (file, text) = gantry::stdlib::FILES
                .iter()
                .find(|(f, _)| f.ends_with("/risk.kdl"))
                .copied()
                .unwrap_or(("", ""));
            println!("// {file}\n{text}");
            exit::OK
        }
        Some(name) => match presets.get(name) {
            Some(preset) => {
                let text = checked.sources.text(preset.span);
                let file = &checked.sources.get(preset.span.file).name;
                println!("// {file}\n{text}");
                exit::OK
            }
            None => {
                let help =
                    gantry::suggest::did_you_mean(name, presets.presets.keys().map(String::as_str))
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "`gantry stdlib` lists them".to_string());
                eprintln!("error: no preset `{name}`\n  help: {help}");
                exit::USAGE
            }
        },
    }
}

fn list(presets: &PresetIndex) {
    let mut by_kind: std::collections::BTreeMap<&str, Vec<&gantry::ast::Preset>> =
        Default::default();
    for preset in presets.presets.values() {
        let kind = preset.kind.as_ref().map_or("?", |k| k.value.as_str());
        by_kind.entry(kind).or_default().push(preset);
    }
    for (kind, list) in by_kind {
        println!("{kind}:");
        for preset in list {
            let doc = preset.doc.as_ref().map_or("", |d| d.value.as_str());
            let summary = doc.split(". ").next().unwrap_or(doc);
            println!(
                "  {:<28} {}",
                preset.name.value,
                summary.trim_end_matches('.')
            );
        }
    }
    println!("\n`gantry stdlib NAME` prints one. Risk table: `gantry stdlib risk`.");
}
