import type { FnInfo } from './schema.ts';
import { EXPOSED_SCHEMA } from './schema.ts';
import type { Params } from './sql.ts';
import { quoteIdent } from '../db/sql.ts';

export const RPC_ALIAS = '_pgrst_t';

export function rpcArgKeys(args: unknown): string[] {
  return typeof args === 'object' && args !== null && !Array.isArray(args) ? Object.keys(args) : [];
}

/**
 * The FROM item that calls the function with named arguments, as PostgREST builds it:
 * POST bodies go through json_to_record (JSON arrays and objects become arrays, json, composites),
 * GET arguments are text cast to each parameter's type.
 */
export function callShape(fn: FnInfo, args: unknown, isPost: boolean, p: Params): { from: string; qualifier: string; scalar: boolean } {
  const target = `${quoteIdent(EXPOSED_SCHEMA)}.${quoteIdent(fn.name)}`;
  const alias = quoteIdent(RPC_ALIAS);
  const shape = (from: string) => ({ from, qualifier: RPC_ALIAS, scalar: !fn.returnsComposite });
  if (fn.singleJsonArg) {
    const only = fn.args[0];
    return shape(`${target}(${p.add(JSON.stringify(args ?? {}))}::${only?.type ?? 'json'}) ${alias}`);
  }
  const given = new Set(rpcArgKeys(args));
  const used = fn.args.filter((a) => given.has(a.name));
  if (used.length === 0) return shape(`${target}() ${alias}`);
  if (isPost) {
    const record = `json_to_record(${p.add(JSON.stringify(args))}::json) as _pgrst_args(${used
      .map((a) => `${quoteIdent(a.name)} ${a.type}`)
      .join(', ')})`;
    const call = `${target}(${used.map((a) => `${quoteIdent(a.name)} := _pgrst_args.${quoteIdent(a.name)}`).join(', ')})`;
    return shape(`${record} cross join lateral ${call} ${alias}`);
  }
  const values = args as Record<string, string>;
  const call = `${target}(${used.map((a) => `${quoteIdent(a.name)} := ${p.add(values[a.name])}::${a.type}`).join(', ')})`;
  return shape(`${call} ${alias}`);
}
