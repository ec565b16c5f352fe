// The part of TOML 1.0 that supabase/config.toml uses: tables, [[arrays of tables]], dotted and
// quoted keys, basic and literal strings, integers, floats, booleans, arrays and inline tables.
// Dates and multi-line strings are refused with a clear error rather than misread.

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'TomlError';
  }
}

const BARE_KEY = /^[A-Za-z0-9_-]+/;
const MAX_DEPTH = 32;

export function parseToml(text: string): TomlTable {
  const root: TomlTable = {};
  let current = root;
  const p = new Cursor(text);
  for (;;) {
    p.skipBlank();
    if (p.done()) return root;
    if (p.peek() === '[') {
      const isArray = p.text.startsWith('[[', p.pos);
      p.pos += isArray ? 2 : 1;
      const path = p.key();
      p.expect(isArray ? ']]' : ']');
      current = isArray ? appendTable(root, path, p) : openTable(root, path, p);
    } else {
      const path = p.key();
      p.expect('=');
      const value = p.value(0);
      assign(current, path, value, p);
    }
    p.endOfLine();
  }
}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  get line(): number {
    let n = 1;
    for (let i = 0; i < this.pos && i < this.text.length; i++) if (this.text[i] === '\n') n++;
    return n;
  }
  fail(message: string): never {
    throw new TomlError(this.line, message);
  }
  done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  /** Spaces and tabs only. */
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  skipComment(): void {
    if (this.peek() === '#') while (!this.done() && this.peek() !== '\n') this.pos++;
  }
  /** Whitespace, newlines and comments. */
  skipBlank(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.pos++;
      else if (c === '#') this.skipComment();
      else return;
    }
  }
  endOfLine(): void {
    this.skipSpace();
    this.skipComment();
    if (this.peek() === '\r') this.pos++;
    if (!this.done() && this.peek() !== '\n') this.fail(`unexpected "${this.peek()}" after a value`);
  }
  expect(token: string): void {
    this.skipSpace();
    if (!this.text.startsWith(token, this.pos)) this.fail(`expected "${token}"`);
    this.pos += token.length;
  }
  key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === '"' || c === "'") parts.push(this.string());
      else {
        const m = BARE_KEY.exec(this.text.slice(this.pos, this.pos + 256));
        if (!m) this.fail('expected a key');
        parts.push(m[0]);
        this.pos += m[0].length;
      }
      this.skipSpace();
      if (this.peek() !== '.') return parts;
      this.pos++;
    }
  }
  string(): string {
    const quote = this.peek();
    if (this.text.startsWith(quote.repeat(3), this.pos)) this.fail('multi-line strings are not supported');
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === '' || c === '\n') this.fail('unterminated string');
      this.pos++;
      if (c === quote) return out;
      if (c === '\\' && quote === '"') out += this.escape();
      else out += c;
    }
  }
  escape(): string {
    const c = this.peek();
    this.pos++;
    const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
    if (c in simple) return simple[c] ?? '';
    if (c === 'u' || c === 'U') {
      const len = c === 'u' ? 4 : 8;
      const hex = this.text.slice(this.pos, this.pos + len);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) this.fail('bad unicode escape');
      this.pos += len;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail('bad unicode escape');
      return String.fromCodePoint(code);
    }
    return this.fail(`bad escape "\\${c}"`);
  }
  value(depth: number): TomlValue {
    if (depth > MAX_DEPTH) this.fail('values nested too deeply');
    this.skipSpace();
    const c = this.peek();
    if (c === '"' || c === "'") return this.string();
    if (c === '[') return this.array(depth);
    if (c === '{') return this.inlineTable(depth);
    const m = /^[^\s,\]}#]+/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!m) return this.fail('expected a value');
    this.pos += m[0].length;
    return scalar(m[0], this);
  }
  array(depth: number): TomlValue[] {
    this.pos++;
    const out: TomlValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.peek() === ']') {
        this.pos++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.skipBlank();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== ']') this.fail('expected "," or "]" in an array');
    }
  }
  inlineTable(depth: number): TomlTable {
    this.pos++;
    const out: TomlTable = {};
    this.skipSpace();
    if (this.peek() === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      const path = this.key();
      this.expect('=');
      assign(out, path, this.value(depth + 1), this);
      this.skipSpace();
      if (this.peek() === '}') {
        this.pos++;
        return out;
      }
      this.expect(',');
    }
  }
}

function scalar(raw: string, p: Cursor): TomlValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^[+-]?(inf|nan)$/.test(raw)) return raw.endsWith('nan') ? NaN : raw.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?(0|[1-9](_?\d)*)$/.test(raw)) return Number(raw.replace(/_/g, ''));
  if (/^0x[0-9A-Fa-f](_?[0-9A-Fa-f])*$/.test(raw)) return parseInt(raw.slice(2).replace(/_/g, ''), 16);
  if (/^0o[0-7](_?[0-7])*$/.test(raw)) return parseInt(raw.slice(2).replace(/_/g, ''), 8);
  if (/^0b[01](_?[01])*$/.test(raw)) return parseInt(raw.slice(2).replace(/_/g, ''), 2);
  if (/^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/.test(raw)) return Number(raw.replace(/_/g, ''));
  if (/^\d{4}-\d{2}-\d{2}/.test(raw) || /^\d{2}:\d{2}/.test(raw)) return p.fail('dates and times are not supported');
  return p.fail(`unknown value "${raw}"`);
}

function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function descend(table: TomlTable, key: string, p: Cursor): TomlTable {
  const next = table[key];
  if (next === undefined) return (table[key] = {});
  if (isTable(next)) return next;
  if (Array.isArray(next)) {
    const last = next[next.length - 1];
    if (isTable(last)) return last;
  }
  return p.fail(`"${key}" is already a value, not a table`);
}

function assign(table: TomlTable, path: string[], value: TomlValue, p: Cursor): void {
  let t = table;
  for (const k of path.slice(0, -1)) t = descend(t, k, p);
  const last = path[path.length - 1] ?? '';
  if (last in t) p.fail(`duplicate key "${path.join('.')}"`);
  t[last] = value;
}

function openTable(root: TomlTable, path: string[], p: Cursor): TomlTable {
  let t = root;
  for (const k of path) t = descend(t, k, p);
  return t;
}

function appendTable(root: TomlTable, path: string[], p: Cursor): TomlTable {
  const parent = openTable(root, path.slice(0, -1), p);
  const last = path[path.length - 1] ?? '';
  const existing = parent[last];
  const table: TomlTable = {};
  if (existing === undefined) parent[last] = [table];
  else if (Array.isArray(existing)) existing.push(table);
  else p.fail(`"${path.join('.')}" is already a table, not an array of tables`);
  return table;
}
