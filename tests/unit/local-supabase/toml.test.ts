import { describe, expect, it } from 'vitest';
import { parseToml, TomlError } from '../../../local-supabase/toml.ts';
import { mulberry32 as rng } from '../../support/rng.ts';


describe('parseToml', () => {
  it('reads tables, dotted and quoted keys, and every scalar the config uses', () => {
    expect(
      parseToml(`
        title = "a \\"quoted\\" \\u00e9 string" # trailing comment
        literal = 'C:\\path'
        [server]
        port = 54_321
        ratio = -1.5e2
        on = true
        hex = 0xff
        list = [ "a", 'b',
          3, ] # arrays may span lines
        inline = { a = 1, b.c = "d" }
        [server."quoted key"]
        x.y = false
        [[hooks]]
        name = "one"
        [[hooks]]
        name = "two"
      `),
    ).toEqual({
      title: 'a "quoted" é string',
      literal: 'C:\\path',
      server: {
        port: 54321,
        ratio: -150,
        on: true,
        hex: 255,
        list: ['a', 'b', 3],
        inline: { a: 1, b: { c: 'd' } },
        'quoted key': { x: { y: false } },
      },
      hooks: [{ name: 'one' }, { name: 'two' }],
    });
  });

  it.each([
    ['a = 1\na = 2', 2, 'duplicate key "a"'],
    ['a = "open', 1, 'unterminated string'],
    ['a = 1 2', 1, 'unexpected "2" after a value'],
    ['a = 1979-05-27', 1, 'dates and times are not supported'],
    ['a = """x"""', 1, 'multi-line strings are not supported'],
    ['a = 1\n[a]', 2, '"a" is already a value, not a table'],
    ['\n\n[t', 3, 'expected "]"'],
    ['a = [1 2]', 1, 'expected "," or "]" in an array'],
    ['a = "\\q"', 1, 'bad escape "\\q"'],
  ])('refuses %j at line %d: %s', (text, line, message) => {
    expect(() => parseToml(text)).toThrow(new TomlError(line, message));
  });

  it('refuses values nested deeper than 32 instead of overflowing the stack', () => {
    expect(() => parseToml(`a = ${'['.repeat(5000)}${']'.repeat(5000)}`)).toThrow('values nested too deeply');
  });

  it('never throws anything but TomlError on random input (seeded)', () => {
    const alphabet = ['[', ']', '[[', '{', '}', '=', '"', "'", '\\', '.', ',', '#', '\n', ' ', 'a', 'b', '1', '0x', 'true', '-', '_', 'e', 'inf'];
    for (let seed = 1; seed <= 3000; seed++) {
      const next = rng(seed);
      const text = Array.from({ length: Math.floor(next() * 40) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      try {
        parseToml(text);
      } catch (err) {
        if (!(err instanceof TomlError)) throw new Error(`seed ${seed}: ${JSON.stringify(text)} threw ${String(err)}`, { cause: err });
      }
    }
  });
});
