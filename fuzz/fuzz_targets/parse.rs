//! Bytes → gantry's own KDL parser. It must never panic, and a document it accepts must be one
//! the `kdl` crate accepts, read into the same nodes.

#![no_main]

use gantry::source::FileId;
use gantry::syntax::{Node, RawValue, parse, parse_fast, parse_with_kdl_crate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = FileId(0);
    let Ok(fast) = parse_fast(file, text) else {
        // Given up: the careful path decides, and must not panic either.
        let _ = parse(file, text);
        return;
    };
    match parse_with_kdl_crate(file, text) {
        Ok(careful) => {
            if let Err(difference) = same_nodes(&fast.nodes, &careful.nodes) {
                panic!("the parsers read {text:?} differently: {difference}");
            }
        }
        // The `kdl` crate 6.7 rejects a slashdashed node ended by `;` inside a block, which
        // the grammar allows (see tests/tests/parser_agrees_with_kdl.rs).
        Err(_) if text.contains("/-") && text.contains(';') => {}
        Err(errors) => panic!(
            "the fast parser accepts {text:?}, the kdl crate does not: {}",
            errors[0].message
        ),
    }
});

/// Names, type annotations, entries and children agree; spans are compared by the test suite.
fn same_nodes(fast: &[Node], careful: &[Node]) -> Result<(), String> {
    if fast.len() != careful.len() {
        return Err(format!("{} nodes, the crate {}", fast.len(), careful.len()));
    }
    for (a, b) in fast.iter().zip(careful) {
        if a.name.value != b.name.value || a.ty != b.ty || a.has_block != b.has_block {
            return Err(format!("node {:?} / {:?}", a.name.value, b.name.value));
        }
        if a.entries.len() != b.entries.len() {
            return Err(format!("node {:?}: entries differ", a.name.value));
        }
        for (x, y) in a.entries.iter().zip(&b.entries) {
            let same_value = match (&x.value.value, &y.value.value) {
                (RawValue::Float(p), RawValue::Float(q)) => {
                    p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan())
                }
                (p, q) => p == q,
            };
            let same_name = x.name.as_ref().map(|n| &n.value) == y.name.as_ref().map(|n| &n.value);
            if !same_value || !same_name || x.ty != y.ty {
                return Err(format!("node {:?}: entry {x:?} / {y:?}", a.name.value));
            }
        }
        same_nodes(&a.children, &b.children)?;
    }
    Ok(())
}
