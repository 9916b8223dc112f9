import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PURE_ENTRIES } from '../support/pure-entries.ts';

// The dependency rules of the layout (README "Layout", conventions.md §1, §3), checked on the
// source itself so a change that breaks one fails here.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_DIRS = ['lib', 'services', 'ingest', 'simulators', 'cli'];

/** Entries that must load nothing that opens a socket, a file or a database. */

/** Packages and builtins that do I/O (sockets, files, databases, processes, logging sinks). */
const IO_MODULE =
  /^node:(net|http|https|http2|tls|dgram|dns|fs|fs\/promises|child_process|cluster|worker_threads)$|\/node_modules\/(pg|pg-[a-z-]+|@electric-sql\/[^/]+|@unni-craftsman\/[^/]+|aedes|mqtt|modbus-serial|fastify|@fastify\/[^/]+|nodemailer|node-cron|pino|prom-client|sparkplug-payload|smtp-server)\//;

function modulesLoadedBy(entry: string): string[] {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/support/list-imports.js'), join(ROOT, entry)],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return JSON.parse(out) as string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return name === 'public' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

/** The area a file belongs to: the folder whose index.ts is its front door. */
function areaOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'services') return parts.slice(0, 2).join('/');
  if (parts[0] === 'lib') {
    if (parts[1] === 'meter-maps' && parts[2] === 'maps') return 'lib/meter-maps/maps';
    return parts.slice(0, 2).join('/');
  }
  return parts[0]!;
}

const FILES = SOURCE_DIRS.flatMap(sourceFiles);

describe('layout rules', () => {
  it.each(PURE_ENTRIES)('%s loads nothing that opens a socket, a file or a database (fresh process)', (entry) => {
    const loaded = modulesLoadedBy(entry);
    expect(loaded.length).toBeGreaterThan(1); // the listing works: the entry and what it imports
    expect(loaded.filter((url) => IO_MODULE.test(url))).toEqual([]);
  });

  it('the I/O entries do pull in I/O (the check above can fail)', () => {
    expect(modulesLoadedBy('lib/db/index.ts').some((url) => IO_MODULE.test(url))).toBe(true);
  });

  it('no area imports another area except through its index.ts', () => {
    const offending = FILES.flatMap((file) =>
      importsOf(file)
        .filter((target) => areaOf(target) !== areaOf(file))
        .filter((target) => target !== `${areaOf(target)}/index.ts`)
        // a service's pure core has its own front door (services/rules/core/index.ts)
        .filter((target) => !/^services\/[a-z-]+\/core\/index\.ts$/.test(target))
        .map((target) => `${file} → ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('the rules core imports nothing of the rules service', () => {
    const core = FILES.filter((f) => f.startsWith('services/rules/core/'));
    const offending = core.flatMap((file) =>
      importsOf(file)
        .filter((t) => !t.startsWith('services/rules/core/') && !t.startsWith('lib/domain/'))
        .map((t) => `${file} → ${t}`),
    );
    expect(offending).toEqual([]);
  });

  it('has no import cycles between source files', () => {
    const graph = new Map(FILES.map((f) => [f, importsOf(f).filter((t) => FILES.includes(t))]));
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
