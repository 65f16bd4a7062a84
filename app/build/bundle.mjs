/**
 * The second step of `npm run build` (after tsc, the type checker and
 * compiler): bundles the two programs logmill starts, the CLI and the worker
 * process, each into one CommonJS file in dist/bundle/, and puts small
 * entry files where tsc put the programs (dist/app/cli.js, the `bin`;
 * dist/app/workers/worker.js, what app/workers/process.ts forks).
 *
 * Why: a small `logmill analyze` spent most of its start-up in Node's ESM
 * loader, resolving, reading and compiling ~190 modules one by one (see the
 * README's cold-start section). One CommonJS file is read and compiled once;
 * a module reached only through `await import()` (a command's code, DuckDB,
 * chokidar) is wrapped by esbuild and runs only when that import runs, and
 * an external package's require() moves into that wrapper with it.
 *
 * What stays true as in the unbundled build:
 *  - Plugin code never runs in the main process: ffi-rs is external and the
 *    build fails if the CLI bundle could load it (only app/plugins/native.ts
 *    touches ffi-rs, and only the worker reaches it).
 *  - `import.meta.url` means the module's own place: each bundled file's
 *    `import.meta.url` becomes the URL of the file it was bundled from
 *    (dist/app/..., node_modules/...), relative to the bundle, so paths
 *    derived from it (plugins/ beside logmill, the worker entry, contract/,
 *    yargs' package.json lookup) resolve as before, wherever the package is
 *    installed.
 *  - Native packages (ffi-rs, DuckDB) stay external: node_modules is shipped.
 */
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = path.join(root, 'dist');
const outdir = path.join(dist, 'bundle');
/** Marks the entry files this script writes, so a bundle is never made of them (tsc must run first). */
const STUB_MARK = '// logmill entry: loads the bundle made by app/build/bundle.mjs';

/** The programs: their tsc output (the bundle's input, replaced by an entry file) and their bundle. */
const PROGRAMS = [
  { name: 'cli', entry: path.join(dist, 'app', 'cli.js'), shebang: true },
  { name: 'worker', entry: path.join(dist, 'app', 'workers', 'worker.js'), shebang: false },
];

/** Packages with native code: loaded from node_modules at run time, never bundled. */
const EXTERNAL = ['ffi-rs', '@duckdb/node-api'];

const BUNDLE_URL = '__logmill_bundle_url';
/** Set by train(): an entry file writes its bundle's code cache when the run ends. */
const TRAIN_ENV = 'LOGMILL_WRITE_CODE_CACHE';

/** Every bundled module's `import.meta.url` is the URL of the file it came from, relative to the bundle. */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(m?js|cjs)$/ }, (args) => {
      let src = readFileSync(args.path, 'utf8');
      if (args.path.endsWith(path.join('yargs', 'lib', 'platform-shims', 'esm.mjs'))) src = lazyYargsHelp(src, args.path);
      if (!src.includes('import.meta.url')) return undefined;
      const rel = path.relative(outdir, args.path).split(path.sep).join('/');
      return { contents: src.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, ${BUNDLE_URL}).href`), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

/**
 * Node built-ins that a small run does not use, loaded when first called:
 * child_process (with net and dgram: ~10 ms of a small analyze, used only
 * to fork a worker) and zlib (.gz inputs). Only logmill's own imports go
 * through this, with the names they import; a new name fails the build
 * ("No matching export"): add it here.
 */
const LAZY_BUILTINS = {
  'node:child_process': { functions: ['fork'] },
  'node:zlib': { functions: ['createInflateRaw', 'crc32', 'gunzipSync'], objects: ['constants'] },
};

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    const app = path.join(dist, 'app') + path.sep;
    build.onResolve({ filter: /^node:(child_process|zlib)$/ }, (args) => (args.importer.startsWith(app) ? { path: args.path, namespace: 'lazy-builtin' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const spec = LAZY_BUILTINS[args.path];
      const lines = ['let real;', `const load = () => (real ??= require(${JSON.stringify(args.path)}));`];
      for (const f of spec.functions) lines.push(`export function ${f}(...args) { return load().${f}(...args); }`);
      for (const o of spec.objects ?? []) lines.push(`export const ${o} = new Proxy({}, { get: (_, key) => load().${o}[key] });`);
      return { contents: lines.join('\n'), loader: 'js', resolveDir: root };
    });
  },
};

/**
 * yargs' Node shim imports cliui and string-width (help-text layout) at its
 * top, and their module bodies build Unicode-property regular expressions
 * and Intl.Segmenters: about a tenth of a small command's start-up, for a
 * help text that is rendered only on `--help`. Here they are required when
 * first used (esbuild runs a require()d module's body on the first call),
 * and node:assert when one of yargs' internal assertions fails.
 */
function lazyYargsHelp(src, file) {
  const edits = [
    ["import { notStrictEqual, strictEqual } from 'assert'\n", ''],
    // yargs asserts on every parse; node:assert (and its colour and diff helpers) loads only when one fails.
    ['    notStrictEqual,\n    strictEqual\n', "    notStrictEqual: (a, b, m) => { if (Object.is(a, b)) require('node:assert').notStrictEqual(a, b, m) },\n    strictEqual: (a, b, m) => { if (!Object.is(a, b)) require('node:assert').strictEqual(a, b, m) },\n"],
    ["import cliui from 'cliui'\n", ''],
    ["import stringWidth from 'string-width';\n", ''],
    ['  cliui,\n', "  get cliui() { return require('cliui').default },\n"],
    ['  stringWidth,\n', "  get stringWidth() { return require('string-width').default },\n"],
    // The shim's own `require` (createRequire) would shadow esbuild's: rename it.
    ['const require = createRequire(', 'const requireFromShim = createRequire('],
    ['  require,\n', '  require: requireFromShim,\n'],
  ];
  for (const [from, to] of edits) {
    if (!src.includes(from)) throw new Error(`${file}: expected "${from.trim()}" (yargs changed: update lazyYargsHelp in app/build/bundle.mjs)`);
    src = src.replace(from, to);
  }
  return src;
}

for (const p of PROGRAMS) {
  if (readFileSync(p.entry, 'utf8').includes(STUB_MARK)) {
    throw new Error(`${path.relative(root, p.entry)} is already a bundle entry: run tsc first (npm run build does both)`);
  }
}

rmSync(outdir, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: Object.fromEntries(PROGRAMS.map((p) => [p.name, p.entry])),
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  plugins: [lazyBuiltins, ownUrl],
  define: { 'import.meta.url': BUNDLE_URL },
  banner: { js: `const ${BUNDLE_URL} = require('node:url').pathToFileURL(__filename).href;` },
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  // yargs' config `extends` (apply-extends.js) uses import.meta.resolve; logmill has no config files.
  logOverride: { 'empty-import-meta': 'silent' },
});

checkIsolation(result.metafile);

for (const p of PROGRAMS) {
  const bundle = path.join(outdir, `${p.name}.cjs`);
  // The hashbang tsc kept would be a syntax error inside the loader's function wrapper; `//` keeps the line numbers.
  const code = readFileSync(bundle, 'utf8').replace(/^#!/, '//');
  writeFileSync(bundle, code);
  const cache = `${bundle}.${createHash('sha256').update(code).digest('hex').slice(0, 16)}.v8cache`;
  writeFileSync(p.entry, entryFile(p, bundle, cache));
  rmSync(`${p.entry}.map`, { force: true });
}
train();

/**
 * The entry file: compiles the bundle with the V8 code cache that train()
 * made for this very bundle (its name carries the bundle's hash; V8 itself
 * refuses a cache from another Node or other V8 flags, and the bundle is
 * then compiled as usual), wrapped and run as Node runs a CommonJS module.
 */
function entryFile(p, bundle, cache) {
  const rel = (f) => JSON.stringify('./' + path.relative(path.dirname(p.entry), f).split(path.sep).join('/'));
  return `${p.shebang ? '#!/usr/bin/env node\n' : ''}${STUB_MARK}
// (${p.name}: ${path.relative(root, bundle)} with its code cache; see app/build/bundle.mjs)
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const file = fileURLToPath(new URL(${rel(bundle)}, import.meta.url));
const cacheFile = fileURLToPath(new URL(${rel(cache)}, import.meta.url));
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // no cache (being trained, or removed): compile as usual
}
const script = new Script('(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})', { filename: file, cachedData });
if (process.env.${TRAIN_ENV} === '1') {
  // Training (app/build/bundle.mjs): what this run compiled, added to the cache it loaded; written at exit,
  // and by a worker after each message it sends (workers end killed).
  const write = () => {
    writeFileSync(cacheFile + '.tmp', script.createCachedData());
    renameSync(cacheFile + '.tmp', cacheFile);
  };
  process.on('exit', write);
  const send = process.send?.bind(process);
  if (send) process.send = (...args) => { const sent = send(...args); write(); return sent; };
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
`;
}

/**
 * Makes the code caches: runs the built CLI as a user would, `analyze` on a
 * small text log (the CLI's cache: start-up, settings, the analysis in
 * process, the report), `parse` on it (its records are formatted in a worker
 * process: the worker's cache) and `plugins`, each run adding what it
 * compiled to the cache the previous one left. A cache holds the functions these runs
 * compiled; others compile when first called, as without a cache. Also the
 * build's smoke test: a bundle that cannot run these fails the build.
 */
function train() {
  const tmp = mkdtempSync(path.join(tmpdir(), 'logmill-bundle-'));
  try {
    const log = path.join(tmp, 'app.log');
    const lines = [];
    for (let i = 0; i < 40; i++) {
      const t = new Date(Date.UTC(2026, 10, 23, 5, 54, i)).toISOString();
      lines.push(`${t} ${['INFO', 'WARN', 'ERROR', 'DEBUG'][i % 4]} [worker-${i % 3}] Db - request ${i} from 10.0.0.${i} took ${i * 7} ms`);
    }
    writeFileSync(log, lines.join('\n') + '\n');
    const noPlugins = path.join(tmp, 'plugins');
    mkdirSync(noPlugins);
    const env = { ...process.env, [TRAIN_ENV]: '1', XDG_CACHE_HOME: tmp, XDG_CONFIG_HOME: tmp, LOGMILL_PLUGINS: '', NO_COLOR: '1' };
    for (const args of [['analyze', log], ['parse', log], ['plugins']]) {
      const res = spawnSync(process.execPath, [PROGRAMS[0].entry, ...args, '--plugins', noPlugins], { env, cwd: tmp, encoding: 'utf8' });
      if (res.status !== 0) throw new Error(`the bundled CLI failed \`logmill ${args[0]}\` on a small log (exit ${res.status ?? res.signal}):\n${res.stderr}`);
    }
    for (const p of PROGRAMS) {
      if (!readdirSync(outdir).some((f) => f.startsWith(`${p.name}.cjs.`) && f.endsWith('.v8cache'))) throw new Error(`no code cache was written for ${p.name}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The CLI bundle must not be able to load ffi-rs (the isolation guarantee):
 * ffi-rs may appear only in the worker bundle.
 */
function checkIsolation(metafile) {
  for (const [out, info] of Object.entries(metafile.outputs)) {
    const native = info.imports.filter((i) => i.path === 'ffi-rs');
    if (native.length > 0 && !out.endsWith('worker.cjs')) {
      throw new Error(`${out} imports ffi-rs: plugin code would be loadable in the main process (only the worker may reach app/plugins/native.ts)`);
    }
  }
}
