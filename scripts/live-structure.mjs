// Prints the live engine's structure, measured from the code (docs/live-engine.md#structure):
// - places that call dashboard_sync: functions in src/ that take its answer (a function that only
//   returns the call's result, such as the runner's time-zone retry, counts through its callers);
// - mutable bindings in src/live: `let` and `var` declarators, and class fields not `readonly`; of
//   them, "kept between calls": declared at module level or used by a function nested in their own
//   (a factory's closure state, as against a loop's local);
// - import floors in src/live: the longest chain of imports between src/live's own files (a file
//   that imports none of them is floor 1), every import counted, `import type` too;
// - import cycles in src/: groups of files that import each other (strongly connected components),
//   for every import and for value imports alone (`import type` is erased at build time).
// `--verbose` lists the files; `--json` prints the figures as JSON; `--root <dir>` measures another
// checkout. Uses the TypeScript compiler API the repo already has; no other dependency.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const rootArg = process.argv.indexOf('--root');
// --root <dir>: measure another checkout (docs/live-engine.md shows the tree before a change too)
const ROOT = rootArg > 0 ? resolve(process.argv[rootArg + 1]) : resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const LIVE = join(SRC, 'live');
const rel = (file) => relative(ROOT, file);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = walk(SRC);
const sources = new Map(files.map((f) => [f, ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true)]));

// ---- imports -------------------------------------------------------------------------------

function resolveImport(from, spec) {
  let base;
  if (spec.startsWith('@/')) base = join(SRC, spec.slice(2));
  else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (sources.has(candidate)) return candidate;
  }
  return null;
}

/** file → [{ to, typeOnly }] for imports and re-exports of other files in src/ */
const imports = new Map();
for (const [file, sf] of sources) {
  const edges = [];
  for (const stmt of sf.statements) {
    const isImport = ts.isImportDeclaration(stmt);
    const isExport = ts.isExportDeclaration(stmt) && stmt.moduleSpecifier;
    if (!isImport && !isExport) continue;
    const to = resolveImport(file, stmt.moduleSpecifier.text);
    if (!to) continue;
    let typeOnly;
    if (isImport) {
      const clause = stmt.importClause;
      const named = clause?.namedBindings;
      typeOnly =
        clause?.isTypeOnly === true ||
        (clause !== undefined && !clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly));
    } else {
      const named = stmt.exportClause;
      typeOnly = stmt.isTypeOnly || (named !== undefined && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly));
    }
    edges.push({ to, typeOnly });
  }
  imports.set(file, edges);
}

/** Tarjan's strongly connected components over the files in `nodes` */
function components(nodes, edgesOf) {
  let index = 0;
  const stack = [];
  const info = new Map();
  const out = [];
  function visit(v) {
    info.set(v, { index, low: index, onStack: true });
    index += 1;
    stack.push(v);
    for (const w of edgesOf(v)) {
      if (!info.has(w)) {
        visit(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
    if (info.get(v).low === info.get(v).index) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).onStack = false;
        comp.push(w);
      } while (w !== v);
      out.push(comp);
    }
  }
  for (const v of nodes) if (!info.has(v)) visit(v);
  return out;
}

function cycles(valueOnly) {
  const edgesOf = (f) => imports.get(f).filter((e) => !valueOnly || !e.typeOnly).map((e) => e.to);
  return components(files, edgesOf).filter((c) => c.length > 1 || edgesOf(c[0]).includes(c[0]));
}

function floors(valueOnly = false) {
  const inLive = (f) => f.startsWith(`${LIVE}/`);
  const nodes = files.filter(inLive);
  const edgesOf = (f) => imports.get(f).filter((e) => !valueOnly || !e.typeOnly).map((e) => e.to).filter(inLive);
  // a cycle is one floor (its files stand on each other)
  const comps = components(nodes, edgesOf);
  const compOf = new Map();
  comps.forEach((c, i) => c.forEach((f) => compOf.set(f, i)));
  const memo = new Map();
  const chainOf = new Map();
  function floor(i) {
    if (memo.has(i)) return memo.get(i);
    let best = 0;
    let below = null;
    for (const f of comps[i]) {
      for (const to of edgesOf(f)) {
        const j = compOf.get(to);
        if (j === i) continue;
        const k = floor(j);
        if (k > best) {
          best = k;
          below = j;
        }
      }
    }
    memo.set(i, best + 1);
    chainOf.set(i, below);
    return best + 1;
  }
  let top = 0;
  let topComp = null;
  comps.forEach((_, i) => {
    if (floor(i) > top) {
      top = floor(i);
      topComp = i;
    }
  });
  const chain = [];
  for (let i = topComp; i !== null && i !== undefined; i = chainOf.get(i)) chain.push(comps[i].map((f) => relative(LIVE, f)).join(' ⇄ '));
  const perFile = new Map(nodes.map((f) => [relative(LIVE, f), floor(compOf.get(f))]));
  return { top, chain, perFile };
}

// ---- dashboard_sync callers ----------------------------------------------------------------

function enclosingFunction(node) {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) return { node: n, name: n.name?.getText() ?? '(anonymous)' };
    if (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) {
      const p = n.parent;
      if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) return { node: n, name: p.name.getText() };
      return { node: n, name: '(anonymous)' };
    }
  }
  return null;
}

/** the call's result is what its function returns, untouched */
function isForwarded(call) {
  let n = call;
  while (ts.isAwaitExpression(n.parent) || ts.isParenthesizedExpression(n.parent)) n = n.parent;
  return ts.isReturnStatement(n.parent) || (ts.isArrowFunction(n.parent) && n.parent.body === n);
}

function callsNamed(sf, name) {
  const found = [];
  (function visit(n) {
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const called = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : null;
      if (called === name) found.push(n);
    }
    ts.forEachChild(n, visit);
  })(sf);
  return found;
}

function dashboardSyncCallers() {
  const REQUEST = join(SRC, 'features/metrics/api/sync-dashboard.ts'); // the request's declaration
  const places = new Set();
  for (const [file, sf] of sources) {
    if (file === REQUEST) continue;
    const queue = callsNamed(sf, 'syncDashboard');
    const seen = new Set();
    while (queue.length > 0) {
      const call = queue.shift();
      const fn = enclosingFunction(call);
      if (!fn) continue;
      if (isForwarded(call) && fn.name !== '(anonymous)') {
        if (seen.has(fn.name)) continue;
        seen.add(fn.name);
        queue.push(...callsNamed(sf, fn.name));
      } else places.add(`${rel(file)}: ${fn.name}`);
    }
  }
  return [...places].sort();
}

// ---- mutable bindings ----------------------------------------------------------------------

const isFunctionLike = (n) => ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n);

/** a binding kept between calls: declared at module level, or read or written by a function nested in its own */
function isHeld(declaration) {
  let scope = declaration.parent;
  while (scope && !isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  if (!scope || ts.isSourceFile(scope)) return true;
  const names = [];
  (function collect(n) {
    if (ts.isIdentifier(n)) names.push(n.text);
    else ts.forEachChild(n, collect);
  })(declaration.name);
  let held = false;
  (function visit(n, nested) {
    if (held) return;
    if (nested && ts.isIdentifier(n) && names.includes(n.text)) held = true;
    ts.forEachChild(n, (c) => visit(c, nested || (isFunctionLike(c) && c !== scope)));
  })(scope, false);
  return held;
}

function mutableBindings() {
  const counts = { let: 0, var: 0, field: 0, held: 0 };
  const perFile = new Map();
  for (const [file, sf] of sources) {
    if (!file.startsWith(`${LIVE}/`)) continue;
    let n = 0;
    (function visit(node) {
      if (ts.isVariableDeclarationList(node)) {
        const kind = node.flags & ts.NodeFlags.Let ? 'let' : node.flags & (ts.NodeFlags.Const | ts.NodeFlags.Using) ? null : 'var';
        if (kind) {
          counts[kind] += node.declarations.length;
          counts.held += node.declarations.filter(isHeld).length;
          n += node.declarations.length;
        }
      } else if (ts.isPropertyDeclaration(node) && ts.isClassLike(node.parent)) {
        const readonly = node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
        if (!readonly) {
          counts.field += 1;
          counts.held += 1;
          n += 1;
        }
      }
      ts.forEachChild(node, visit);
    })(sf);
    if (n > 0) perFile.set(rel(file), n);
  }
  return { ...counts, total: counts.let + counts.var + counts.field, files: perFile };
}

// ---- report --------------------------------------------------------------------------------

const callers = dashboardSyncCallers();
const mutable = mutableBindings();
const { top, chain, perFile } = floors();
const valueFloors = floors(true);
const all = cycles(false);
const value = cycles(true);
const verbose = process.argv.includes('--verbose');

if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify({
      dashboardSyncCallers: callers,
      mutableBindings: { total: mutable.total, let: mutable.let, var: mutable.var, classFields: mutable.field, keptBetweenCalls: mutable.held, files: mutable.files.size },
      importFloors: { all: top, valueOnly: valueFloors.top, chain },
      importCycles: { all: all.map((c) => c.map(rel)), valueOnly: value.map((c) => c.map(rel)) },
    }),
  );
  process.exit(0);
}

console.log(`dashboard_sync callers:      ${callers.length}`);
for (const c of callers) console.log(`  ${c}`);
console.log(`mutable bindings, src/live:  ${mutable.total} in ${mutable.files.size} files (let ${mutable.let}, var ${mutable.var}, class fields ${mutable.field}); kept between calls: ${mutable.held}`);
if (verbose) for (const [f, n] of [...mutable.files].sort((a, b) => b[1] - a[1])) console.log(`  ${n}\t${f}`);
console.log(`import floors, src/live:     ${top} (value imports only: ${valueFloors.top})`);
console.log(`  ${chain.join(' → ')}`);
if (verbose) for (const [f, n] of [...perFile].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) console.log(`  floor ${n}\t${f}`);
console.log(`import cycles, src/:         ${all.length} (value imports only: ${value.length})`);
for (const c of all) console.log(`  ${c.map(rel).join(' ⇄ ')}`);
