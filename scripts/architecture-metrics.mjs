#!/usr/bin/env node
// The closing numbers of issue 13 (one owner per concept), measured on the source tree:
//   1. app-to-app imports (an app importing another app's package or files);
//   2. modules that write Run.status (a Prisma write to the Run model whose `data` sets `status`, or raw SQL
//      `UPDATE "Run" … "status"`). A write in packages/db is storage: it counts for the modules that can call it. If
//      the db module is reachable from the package's index (or imported by another module of packages/db), anyone can,
//      and the db module itself counts as a writer. If it is only an entry point of packages/db's package.json
//      `exports`, the writers are the production modules that import the function holding the write from that entry
//      point (each counts once, with the storage line beside it); an entry point nobody imports counts the db module.
//   3. Prisma calls outside packages/db (a model delegate call `x.run.findMany(`, or `$queryRaw`/`$executeRaw`/
//      `$transaction`), in apps and in other packages;
//   4. the longest function (lines from its first to its last line) in packages/experiment/src/runner.ts and
//      apps/worker/src/*.ts.
// Production code only: tests (*.test.ts), benchmarks (bench/), test harnesses (testing/) and generated code are left
// out. Usage: node scripts/architecture-metrics.mjs [--json] [--root DIR]   (npm run metrics:architecture)
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const rootArg = process.argv.indexOf('--root');
const ROOT = rootArg > 0 ? process.argv[rootArg + 1] : join(fileURLToPath(new URL('.', import.meta.url)), '..');
const APPS = { api: '@driftprune/api', worker: '@driftprune/worker', web: '@driftprune/web', cli: 'driftprune' };
const SKIP_DIRS = new Set(['node_modules', 'dist', '.next', 'generated', 'bench', 'testing', '.turbo']);
const isProduction = (f) => /\.(ts|tsx|mts)$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.generated.ts');

function walk(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!SKIP_DIRS.has(name)) out = out.concat(walk(p));
    } else if (isProduction(p)) out.push(p);
  }
  return out;
}
const rel = (p) => relative(ROOT, p).split(sep).join('/');
const sourceFiles = (top) => readdirSync(join(ROOT, top)).flatMap((w) => walk(join(ROOT, top, w)));

// Model delegates, read from the Prisma schema (model Run → run).
const schema = readFileSync(join(ROOT, 'prisma/schema.prisma'), 'utf8');
const delegates = [...schema.matchAll(/^model\s+(\w+)\s*\{/gm)].map((m) => m[1][0].toLowerCase() + m[1].slice(1));
const METHODS = ['findMany', 'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'delete', 'deleteMany', 'upsert', 'count', 'aggregate', 'groupBy'];
const DELEGATE_CALL = new RegExp(`\\.\\s*(${delegates.join('|')})\\s*\\.\\s*(${METHODS.join('|')})\\s*\\(`, 'g');
const RAW_CALL = /\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe|transaction)\b/g;
const RUN_WRITE = /\.\s*run\s*\.\s*(update|updateMany|updateManyAndReturn|upsert)\s*\(/g;

/** The text of a call's arguments, from the `(` that ends `match` to its matching `)`. */
function argumentsAt(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

function lineOf(text, index) {
  return text.slice(0, index).split('\n').length;
}

// 1. app-to-app imports
function appToAppImports() {
  const hits = [];
  for (const [app] of Object.entries(APPS)) {
    const others = Object.entries(APPS).filter(([k]) => k !== app);
    // all files of the app, tests included: the border holds for them too
    const files = walkAll(join(ROOT, 'apps', app));
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2];
        const other = others.find(([k, name]) => spec === name || spec.startsWith(name + '/') || new RegExp(`(^|/)apps/${k}(/|$)`).test(spec) || (spec.startsWith('.') && rel(join(f, '..', spec)).startsWith(`apps/${k}/`)));
        if (other) hits.push(`${rel(f)}:${lineOf(text, m.index)} → ${spec}`);
      }
    }
  }
  return hits;
}
function walkAll(dir) {
  let out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!['node_modules', 'dist', '.next', 'generated'].includes(name)) out = out.concat(walkAll(p));
    } else if (/\.(ts|tsx|mts|js|mjs)$/.test(p) && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// 2. and 3.
function prismaScan() {
  const calls = [];
  const statusWriters = new Map();
  for (const f of [...sourceFiles('apps'), ...sourceFiles('packages')]) {
    const r = rel(f);
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(DELEGATE_CALL)) calls.push({ file: r, line: lineOf(text, m.index), call: `${m[1]}.${m[2]}` });
    for (const m of text.matchAll(RAW_CALL)) calls.push({ file: r, line: lineOf(text, m.index), call: `$${m[1]}` });
    for (const m of text.matchAll(RUN_WRITE)) {
      const args = argumentsAt(text, m.index + m[0].length - 1);
      const data = args.indexOf('data:');
      if (data >= 0 && /\bstatus\b/.test(args.slice(data))) statusWriters.set(r, [...(statusWriters.get(r) ?? []), lineOf(text, m.index)]);
    }
    for (const m of text.matchAll(/UPDATE\s+"Run"[\s\S]{0,400}?"status"/g)) statusWriters.set(r, [...(statusWriters.get(r) ?? []), lineOf(text, m.index)]);
  }
  return { calls, statusWriters };
}

/** Relative imports and re-exports of a module, resolved to files (`./x.js` → x.ts). */
function relativeDeps(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(/(?:import|export)\b[^'";]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const spec = (m[1] ?? m[2]).replace(/\.js$/, '');
    const base = join(file, '..', spec);
    const hit = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((c) => existsSync(c));
    if (hit) out.push(hit);
  }
  return out;
}

/** The names a module imports from `spec` (local alias → imported name); '*' for a namespace import or `export *`. */
function importedNames(text, spec) {
  const names = new Map();
  const q = spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  for (const m of text.matchAll(new RegExp(`(import|export)\\s+(type\\s+)?([^'";]*?)\\s+from\\s*['"]${q}['"]`, 'g'))) {
    if (m[2]) continue; // a type-only import calls nothing
    const clause = m[3];
    if (/\*/.test(clause)) names.set('*', '*');
    const braces = clause.match(/\{([^}]*)\}/);
    for (const part of braces ? braces[1].split(',') : []) {
      const t = part.trim();
      if (!t || t.startsWith('type ')) continue;
      const [imported, local] = t.split(/\s+as\s+/);
      names.set((local ?? imported).trim(), imported.trim());
    }
  }
  return names;
}

/** Attributes the status writes found in packages/db to the modules that can call them (see 2. above). */
function attributeStorageWrites(statusWriters) {
  const dbRoot = join(ROOT, 'packages/db');
  const storage = {};
  const writers = new Map();
  const dbFiles = [...statusWriters.keys()].filter((f) => f.startsWith('packages/db/'));
  for (const [f, lines] of statusWriters) if (!f.startsWith('packages/db/')) writers.set(f, { lines });
  if (!dbFiles.length) return { writers, storage };
  const index = join(dbRoot, 'src/index.ts');
  const reachable = new Set();
  const stack = existsSync(index) ? [index] : [];
  while (stack.length) {
    const f = stack.pop();
    if (reachable.has(f)) continue;
    reachable.add(f);
    stack.push(...relativeDeps(f));
  }
  const dbProduction = walk(join(dbRoot, 'src'));
  const pkgPath = join(dbRoot, 'package.json');
  const exportsMap = existsSync(pkgPath) ? (JSON.parse(readFileSync(pkgPath, 'utf8')).exports ?? {}) : {};
  const others = [...sourceFiles('apps'), ...sourceFiles('packages')].filter((f) => !rel(f).startsWith('packages/db/'));
  for (const dbFile of dbFiles) {
    const abs = join(ROOT, dbFile);
    const text = readFileSync(abs, 'utf8');
    const lines = statusWriters.get(dbFile);
    // the exported function that holds each write: the last `export … function NAME` above it
    const functionsAt = [...new Set(lines.map((line) => {
      const before = text.split('\n').slice(0, line).join('\n');
      const decls = [...before.matchAll(/export\s+(?:async\s+)?function\s+(\w+)/g)];
      return decls.length ? decls[decls.length - 1][1] : null;
    }))];
    const entries = Object.entries(typeof exportsMap === 'string' ? { '.': exportsMap } : exportsMap)
      .filter(([, target]) => typeof target === 'string' && join(dbRoot, target) === abs)
      .map(([key]) => `@driftprune/db${key === '.' ? '' : key.slice(1)}`);
    const importedInDb = dbProduction.some((f) => f !== abs && relativeDeps(f).includes(abs));
    const callers = [];
    if (!reachable.has(abs) && !importedInDb && !functionsAt.includes(null)) {
      for (const f of others) {
        const t = readFileSync(f, 'utf8');
        for (const entry of entries) {
          const names = importedNames(t, entry);
          const locals = [...names].filter(([, imported]) => imported === '*' || functionsAt.includes(imported)).map(([local]) => local);
          if (!locals.length) continue;
          const callLines = locals.flatMap((l) => (l === '*' ? [] : [...t.matchAll(new RegExp(`\\b${l}\\s*\\(`, 'g'))].map((m) => lineOf(t, m.index))));
          callers.push({ file: rel(f), lines: callLines.length ? callLines : [lineOf(t, t.indexOf(entry))] });
        }
      }
    }
    const publicWrite = reachable.has(abs) || importedInDb || functionsAt.includes(null) || !callers.length;
    storage[dbFile] = { lines, functions: functionsAt, entries, public: publicWrite, callers: publicWrite ? [] : callers.map((c) => c.file) };
    if (publicWrite) writers.set(dbFile, { lines });
    else for (const c of callers) writers.set(c.file, { lines: c.lines, through: `${dbFile}:${lines.join(',')}` });
  }
  return { writers, storage };
}

// 4. longest functions
function functions(file) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out = [];
  const nameOf = (n) => {
    if (n.name && ts.isIdentifier(n.name)) return n.name.text;
    if (n.name) return n.name.getText(sf);
    const p = n.parent;
    if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
    if (p && ts.isPropertyAssignment(p)) return p.name.getText(sf);
    if (ts.isConstructorDeclaration(n)) return 'constructor';
    return '(anonymous)';
  };
  const visit = (n) => {
    if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n)) {
      const start = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
      const end = sf.getLineAndCharacterOfPosition(n.getEnd()).line + 1;
      out.push({ file: rel(file), name: nameOf(n), start, lines: end - start + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out.sort((a, b) => b.lines - a.lines);
}

const imports = appToAppImports();
const { calls, statusWriters } = prismaScan();
const { writers: runStatusWriters, storage: runStatusStorage } = attributeStorageWrites(statusWriters);
const outsideDb = calls.filter((c) => !c.file.startsWith('packages/db/'));
const byTop = (pred) => outsideDb.filter((c) => pred(c.file)).length;
const perFile = {};
for (const c of outsideDb) perFile[c.file] = (perFile[c.file] ?? 0) + 1;
const runner = functions(join(ROOT, 'packages/experiment/src/runner.ts'));
const workerDir = join(ROOT, 'apps/worker/src');
const worker = readdirSync(workerDir).filter((f) => isProduction(f)).flatMap((f) => functions(join(workerDir, f))).sort((a, b) => b.lines - a.lines);

const result = {
  appToAppImports: imports.length,
  runStatusWriters: [...runStatusWriters.keys()],
  runStatusStorage,
  prismaCallsOutsideDb: { total: outsideDb.length, apps: byTop((f) => f.startsWith('apps/')), packages: byTop((f) => f.startsWith('packages/')), perFile },
  prismaCallsInDb: calls.length - outsideDb.length,
  longestFunction: { runner: runner[0], worker: worker[0], workerTop5: worker.slice(0, 5) },
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const fn = (f) => `${f.name} (${f.file}:${f.start}) ${f.lines} lines`;
  console.log(`app-to-app imports:                ${imports.length}${imports.length ? '\n  ' + imports.join('\n  ') : ''}`);
  console.log(`modules that write Run.status:     ${runStatusWriters.size}  ${[...runStatusWriters].map(([f, w]) => `${f}:${w.lines.join(',')}${w.through ? ` (storage half: ${w.through})` : ''}`).join('  ')}`);
  console.log(`Prisma calls outside packages/db:  ${outsideDb.length} (apps ${result.prismaCallsOutsideDb.apps}, other packages ${result.prismaCallsOutsideDb.packages}); in packages/db: ${result.prismaCallsInDb}`);
  for (const [f, n] of Object.entries(perFile).sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(3)}  ${f}`);
  console.log(`longest function, runner.ts:       ${fn(runner[0])}`);
  console.log(`longest function, apps/worker/src: ${fn(worker[0])}`);
  for (const f of worker.slice(1, 5)) console.log(`                                   ${fn(f)}`);
}
