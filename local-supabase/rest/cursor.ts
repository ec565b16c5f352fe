import { RestError } from './errors.ts';

// The deepest input the stack accepts; deeper input is refused with a clear error, never run.
// PostgREST itself has no such limits: these sit below what the embedded database can plan
// (PGlite fails at about 98 levels of embedding) and far above what an application writes.
/** nesting of `or=(…)`/`and=(…)` trees */
export const MAX_LOGIC_DEPTH = 100;
/** levels of embedding in `select=` */
export const MAX_EMBED_DEPTH = 50;
/** nesting of arrays and objects in a JSON body */
export const MAX_JSON_DEPTH = 1000;

/**
 * A position in one query-string value, with parsec-shaped errors: PostgREST reports a failed
 * parse as 400 PGRST100, message `"failed to parse <what> (<raw>)" (line 1, column <n>)` and the
 * parser's "unexpected … expecting …" as details.
 */
export class Cursor {
  pos = 0;
  constructor(
    readonly text: string,
    readonly source: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(offset = 0): string {
    return this.text.charAt(this.pos + offset);
  }
  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }
  /** Consumes s when it comes next. */
  eat(s: string): boolean {
    if (!this.startsWith(s)) return false;
    this.pos += s.length;
    return true;
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  rest(): string {
    return this.text.slice(this.pos);
  }

  /** Fails at the current position: `unexpected "<char>"` (or end of input) `expecting …`. */
  fail(expecting: string, at = this.pos): RestError {
    const ch = this.text.charAt(at);
    const unexpected = ch === '' ? 'unexpected end of input' : `unexpected ${JSON.stringify(ch)}`;
    return queryParamError(this.source, at + 1, `${unexpected} expecting ${expecting}`);
  }
}

/** PGRST100 in PostgREST's shape. `source` is e.g. `failed to parse filter (eq.1)`. */
export function queryParamError(source: string, column: number, details: string): RestError {
  return new RestError(400, 'PGRST100', `${JSON.stringify(source)} (line 1, column ${column})`, details);
}

/** A value nested deeper than its limit: refused as a parse error before anything else happens. */
export function tooDeep(source: string, column: number, limit: number): RestError {
  return queryParamError(source, column, `nesting deeper than ${limit} levels is not accepted`);
}
