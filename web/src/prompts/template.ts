// A reading of the engine's template syntax (Jinja, the Nunjucks subset promptfoo suites use),
// good enough to highlight a template as it is typed: which names are test-set variables, which
// are names the template sets itself (loop variables, `set`, `with`, macro arguments), and what
// is syntax. The server renders and detects variables authoritatively (POST /prompts/render).

export type PieceKind = "text" | "syntax" | "comment" | "variable" | "local";

export interface Piece {
  text: string;
  kind: PieceKind;
  /** The root name of a variable or local: `user` for `user.address.city`. */
  variable: string | null;
}

interface Token {
  text: string;
  type: "space" | "string" | "number" | "name" | "op";
}

const TOKEN =
  /(\s+)|('(?:[^'\\]|\\[\s\S])*'?|"(?:[^"\\]|\\[\s\S])*"?)|(\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*)|(==|!=|<=|>=|\*\*|\/\/|[\s\S])/gy;

// Words of the language, never variables.
const KEYWORDS = new Set([
  "and", "or", "not", "in", "is", "if", "else", "elif", "endif", "for", "endfor", "set", "endset",
  "with", "endwith", "without", "block", "endblock", "macro", "endmacro", "call", "endcall",
  "filter", "endfilter", "raw", "endraw", "include", "import", "from", "as", "extends", "recursive",
  "ignore", "missing", "context", "scoped", "required", "autoescape", "endautoescape",
  "true", "false", "none", "True", "False", "None",
]);
// Jinja's globals: defined without any test-set column.
const GLOBALS = new Set(["range", "lipsum", "dict", "cycler", "joiner", "namespace"]);
const OPENERS = new Set(["(", "[", "{"]);
const CLOSERS = new Set([")", "]", "}"]);
const OPEN = /\{[{%#]/g;
const END_RAW = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;

function tokenize(source: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < source.length && (m = TOKEN.exec(source))) {
    const type = m[1] ? "space" : m[2] ? "string" : m[3] ? "number" : m[4] ? "name" : "op";
    out.push({ text: m[0], type });
  }
  return out;
}

/** The nearest token before `k` that is not white space. */
function previous(tokens: Token[], k: number): Token | undefined {
  for (let j = k - 1; j >= 0; j--) if (tokens[j].type !== "space") return tokens[j];
  return undefined;
}

/** The nearest token after `k` that is not white space. */
function next(tokens: Token[], k: number): Token | undefined {
  for (let j = k + 1; j < tokens.length; j++) if (tokens[j].type !== "space") return tokens[j];
  return undefined;
}

/** Where a tag's closing delimiter starts, skipping quoted strings; -1 when it is never closed. */
function tagEnd(text: string, from: number, close: string): number {
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (text.startsWith(close, i)) return i;
  }
  return -1;
}

/** A block that introduced names (`for`, `with`, `macro`), closed by its end tag. */
interface Scope {
  tag: string;
  names: Set<string>;
}

class Reader {
  readonly out: Piece[] = [];
  private readonly scopes: Scope[] = [{ tag: "", names: new Set() }];

  add(text: string, kind: PieceKind, variable: string | null = null): void {
    if (!text) return;
    const last = this.out[this.out.length - 1];
    if (last && last.kind === kind && kind !== "variable" && kind !== "local") last.text += text;
    else this.out.push({ text, kind, variable });
  }

  isLocal(name: string): boolean {
    return this.scopes.some((s) => s.names.has(name));
  }

  declare(names: Iterable<string>): void {
    for (const n of names) this.scopes[this.scopes.length - 1].names.add(n);
  }

  open(tag: string, names: Iterable<string>): void {
    this.scopes.push({ tag, names: new Set(names) });
  }

  close(tag: string): void {
    if (this.scopes.length > 1 && this.scopes[this.scopes.length - 1].tag === tag) this.scopes.pop();
  }

  /** Emits tokens; `declared` token indexes are names being set, `plain` ones are syntax. */
  emit(tokens: Token[], declared = new Set<number>(), plain = new Set<number>()): void {
    let depth = 0;
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k];
      if (t.type !== "name") {
        if (OPENERS.has(t.text)) depth++;
        else if (CLOSERS.has(t.text)) depth = Math.max(0, depth - 1);
        this.add(t.text, "syntax");
        continue;
      }
      const before = previous(tokens, k);
      const after = next(tokens, k);
      const beforeBefore = before ? previous(tokens, tokens.lastIndexOf(before, k - 1)) : undefined;
      const attribute = before?.text === "." || before?.text === "|";
      const test = before?.text === "is" || (before?.text === "not" && beforeBefore?.text === "is");
      const keyword = KEYWORDS.has(t.text);
      const kwarg = depth > 0 && after?.text === "=";
      let kind: PieceKind;
      if (declared.has(k)) kind = "local";
      else if (plain.has(k) || attribute || test || keyword || kwarg) kind = "syntax";
      else if (this.isLocal(t.text)) kind = "local";
      else if (GLOBALS.has(t.text)) kind = "syntax";
      else kind = "variable";
      if (kind === "syntax") {
        this.add(t.text, "syntax");
        continue;
      }
      // A dotted path reads one variable: mark it whole.
      let text = t.text;
      while (tokens[k + 1]?.text === "." && tokens[k + 2]?.type === "name") {
        text += "." + tokens[k + 2].text;
        k += 2;
      }
      this.add(text, kind, t.text);
    }
  }

  /** A `{% … %}` tag's body; true when it opens a raw block. */
  statement(tokens: Token[]): boolean {
    const first = tokens.findIndex((t) => t.type !== "space");
    if (first < 0) {
      this.emit(tokens);
      return false;
    }
    const tag = tokens[first].text;
    const plain = new Set([first]);
    const depthAt: number[] = [];
    let depth = 0;
    for (const t of tokens) {
      if (CLOSERS.has(t.text)) depth = Math.max(0, depth - 1);
      depthAt.push(depth);
      if (OPENERS.has(t.text)) depth++;
    }
    const names = (from: number, to: number) => {
      const out: number[] = [];
      for (let k = from; k < to; k++) if (tokens[k].type === "name" && !KEYWORDS.has(tokens[k].text)) out.push(k);
      return out;
    };
    const find = (text: string, from: number) => {
      for (let k = from; k < tokens.length; k++) if (tokens[k].text === text && depthAt[k] === 0) return k;
      return -1;
    };
    switch (tag) {
      case "raw":
        this.emit(tokens, new Set(), plain);
        return true;
      case "for": {
        const at = find("in", first + 1);
        const targets = names(first + 1, at < 0 ? tokens.length : at);
        this.emit(tokens, new Set(targets), plain);
        this.open("for", [...targets.map((k) => tokens[k].text), "loop"]);
        return false;
      }
      case "set": {
        const at = find("=", first + 1);
        const targets = names(first + 1, at < 0 ? tokens.length : at)
          .filter((k) => tokens[k - 1]?.text !== "." && tokens[k + 1]?.text !== ".");
        this.emit(tokens, new Set(targets), plain);
        this.declare(targets.map((k) => tokens[k].text));
        return false;
      }
      case "with": {
        const targets = names(first + 1, tokens.length)
          .filter((k) => depthAt[k] === 0 && next(tokens, k)?.text === "=");
        this.emit(tokens, new Set(targets), plain);
        this.open("with", targets.map((k) => tokens[k].text));
        return false;
      }
      case "macro": {
        // {% macro name(a, b=default) %}: the name is set here, its parameters inside.
        const name = names(first + 1, tokens.length)[0];
        const params = name === undefined ? [] : names(name + 1, tokens.length)
          .filter((k) => depthAt[k] === 1 && ["(", ","].includes(previous(tokens, k)?.text ?? ""));
        this.emit(tokens, new Set(name === undefined ? [] : [name, ...params]), plain);
        if (name !== undefined) this.declare([tokens[name].text]);
        this.open("macro", [...params.map((k) => tokens[k].text), "varargs", "kwargs", "caller"]);
        return false;
      }
      case "filter": {
        const filterName = names(first + 1, tokens.length)[0];
        if (filterName !== undefined) plain.add(filterName);
        this.emit(tokens, new Set(), plain);
        return false;
      }
      case "block":
      case "endblock":
        this.emit(tokens, new Set(), new Set(names(0, tokens.length)));
        return false;
      case "endfor":
      case "endwith":
      case "endmacro":
        this.emit(tokens, new Set(), plain);
        this.close(tag.slice(3));
        return false;
      default:
        this.emit(tokens, new Set(), plain);
        return false;
    }
  }
}

/** The text cut into plain text, syntax, comments, variables and locals; joins back to `text`. */
export function pieces(text: string): Piece[] {
  const r = new Reader();
  let i = 0;
  while (i < text.length) {
    OPEN.lastIndex = i;
    const open = OPEN.exec(text);
    if (!open) {
      r.add(text.slice(i), "text");
      break;
    }
    const start = open.index;
    r.add(text.slice(i, start), "text");
    const kind = text[start + 1];
    if (kind === "#") {
      const end = text.indexOf("#}", start + 2);
      const stop = end < 0 ? text.length : end + 2;
      r.add(text.slice(start, stop), "comment");
      i = stop;
      continue;
    }
    const close = kind === "{" ? "}}" : "%}";
    const end = tagEnd(text, start + 2, close);
    if (end < 0) {
      // Never closed: the server names the syntax error; shown as written.
      r.add(text.slice(start), "text");
      break;
    }
    const bodyStart = start + 2 + (text[start + 2] === "-" || text[start + 2] === "+" ? 1 : 0);
    r.add(text.slice(start, bodyStart), "syntax");
    const tokens = tokenize(text.slice(bodyStart, end));
    const raw = kind === "{" ? (r.emit(tokens), false) : r.statement(tokens);
    r.add(close, "syntax");
    i = end + 2;
    if (raw) {
      END_RAW.lastIndex = i;
      const endRaw = END_RAW.exec(text);
      const stop = endRaw ? endRaw.index : text.length;
      r.add(text.slice(i, stop), "text");
      if (endRaw) r.add(endRaw[0], "syntax");
      i = endRaw ? stop + endRaw[0].length : text.length;
    }
  }
  return r.out;
}

/** The test-set variables a template reads, each once, in order of first use. */
export function variables(text: string): string[] {
  return [...new Set(pieces(text).filter((p) => p.kind === "variable").map((p) => p.variable!))];
}
