// The TextMate grammar, run by the same engine VS Code uses (vscode-textmate on oniguruma).

import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { before, test } from "node:test";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";

const root = path.join(__dirname, "..", "..");
let grammar: textmate.IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => {
      if (scope !== "source.kdl") {
        return null;
      }
      const file = path.join(root, "syntaxes", "kdl.tmLanguage.json");
      return textmate.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
  const loaded = await registry.loadGrammar("source.kdl");
  assert.ok(loaded, "the grammar loads");
  grammar = loaded;
});

/** The innermost scope at the first occurrence of `needle` in `text`. */
function scopeAt(text: string, needle: string): string | undefined {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} is in the sample`);
  let state = textmate.INITIAL;
  let lineStart = 0;
  for (const line of text.split("\n")) {
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      if (lineStart + token.startIndex <= at && at < lineStart + token.endIndex) {
        return token.scopes[token.scopes.length - 1];
      }
    }
    state = result.ruleStack;
    lineStart += line.length + 1;
  }
  return undefined;
}

test("node names, properties and values of a feature spec", () => {
  const sample =
    'feature "checkout" {\n    slo "availability" service="api" objective=99.9 window="30d"\n    datastore "orders" contains-pii=#true storage-gb=0x64\n}';
  assert.equal(scopeAt(sample, "feature"), "entity.name.tag.kdl");
  assert.equal(scopeAt(sample, "slo"), "entity.name.tag.kdl");
  assert.equal(scopeAt(sample, '"checkout"'), "string.quoted.double.kdl");
  assert.equal(scopeAt(sample, "service"), "variable.other.property.kdl");
  assert.equal(scopeAt(sample, "99.9"), "constant.numeric.decimal.kdl");
  assert.equal(scopeAt(sample, "#true"), "constant.language.boolean.kdl");
  assert.equal(scopeAt(sample, "0x64"), "constant.numeric.hex.kdl");
  assert.equal(scopeAt(sample, "{"), "punctuation.section.block.begin.kdl");
});

test("comments of every kind, slashdash included", () => {
  const sample = '// owner\nowner "payments" /* inline */\n/-tier "critical"\n/* a\n  /* nested */\nstill */ node';
  assert.equal(scopeAt(sample, "// owner"), "comment.line.double-slash.kdl");
  assert.equal(scopeAt(sample, "/* inline */"), "comment.block.kdl");
  assert.equal(scopeAt(sample, "/-"), "comment.block.slashdash.kdl");
  assert.equal(scopeAt(sample, "still */"), "comment.block.kdl");
  assert.equal(scopeAt(sample, "node"), "entity.name.tag.kdl");
});

test("raw, multi-line and escaped strings; bare v1 keywords flagged", () => {
  const sample = 'expr #"sum(x{a="b"}) > 1"#\nsummary """\n  two "lines"\n  """\nstep "a\\tb"\nenabled true';
  assert.equal(scopeAt(sample, '#"sum(x{a="b"}) > 1"#'), "string.quoted.raw.kdl");
  assert.equal(scopeAt(sample, 'two "lines"'), "string.quoted.triple.kdl");
  assert.equal(scopeAt(sample, "\\t"), "constant.character.escape.kdl");
  assert.equal(scopeAt(sample, "true"), "invalid.illegal.bare-keyword.kdl");
});

test("a type annotation", () => {
  const sample = "port (u16)8080";
  assert.equal(scopeAt(sample, "(u16)"), "entity.name.type.kdl");
  assert.equal(scopeAt(sample, "8080"), "constant.numeric.decimal.kdl");
});
