//! The character classes of KDL v2, shared by the parser and the error scanner.

pub const fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{85}' | '\u{0B}' | '\u{0C}' | '\u{2028}' | '\u{2029}'
    )
}

pub const fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// Code points that may not appear literally anywhere in a document.
pub const fn is_disallowed(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{E}'..='\u{1F}' | '\u{7F}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub fn is_identifier_char(c: char) -> bool {
    match u8::try_from(c) {
        Ok(b) if b.is_ascii() => ASCII_IDENTIFIER_CHARS[usize::from(b)],
        _ => identifier_char(c),
    }
}

/// [`is_identifier_char`] of each ASCII character, looked up: identifiers are most of a
/// document's characters.
const ASCII_IDENTIFIER_CHARS: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = identifier_char(b as u8 as char);
        b += 1;
    }
    table
};

const fn identifier_char(c: char) -> bool {
    !(is_space(c)
        || is_newline(c)
        || is_disallowed(c)
        || matches!(
            c,
            '\\' | '/' | '(' | ')' | '{' | '}' | ';' | '[' | ']' | '"' | '#' | '='
        ))
}
