import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PURE_ENTRIES } from '../support/pure-entries.ts';

// "Pure entries import nothing that opens a socket, file or database" (developer guide): follow
// every import of each pure entry through the source files it reaches (static, re-exports and
// dynamic imports, found by the TypeScript parser rather than a regular expression) and list
// the packages and Node built-ins they pull in; also look for the globals that do I/O or read
// the clock without an import.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What a pure entry may import: zod validates; it opens nothing. */
const ALLOWED_PACKAGES = new Set(['zod']);

/** I/O, environment and clock globals a pure file must not touch (times are arguments). */
const FORBIDDEN_GLOBALS: readonly [RegExp, string][] = [
  [/\bfetch\s*\(/, 'fetch('],
  [/\bWebSocket\b/, 'WebSocket'],
  [/\bprocess\s*\./, 'process.'],
  [/\bDate\.now\s*\(/, 'Date.now('],
  [/\bnew Date\(\s*\)/, 'new Date()'],
  [/\bperformance\s*\.\s*now\b/, 'performance.now'],
  [/\brequire\s*\(/, 'require('],
];

/** The one Clock's home: its system implementation reads the wall clock so nothing else does. */
const CLOCK_HOME = 'lib/domain/clock.ts';

interface Reach {
  packages: Set<string>;
  files: string[];
  globals: string[];
}

function reach(entry: string): Reach {
  const packages = new Set<string>();
  const files: string[] = [];
  const globals: string[] = [];
  const visit = (file: string) => {
    if (files.includes(file)) return;
    files.push(file);
    const source = readFileSync(file, 'utf8');
    for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
      if (fileName.startsWith('.')) visit(resolve(dirname(file), fileName));
      else packages.add(fileName);
    }
    // comments mention these words freely; code is what counts
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    if (relative(ROOT, file) === CLOCK_HOME) return;
    for (const [re, name] of FORBIDDEN_GLOBALS) if (re.test(code)) globals.push(`${relative(ROOT, file)}: ${name}`);
  };
  visit(resolve(ROOT, entry));
  return { packages, files, globals };
}

describe('pure entries reach no I/O (developer guide: pure entries import nothing that opens a socket, file or database)', () => {
  it('covers every services/*/core entry', () => {
    const coreEntries = readdirSync(resolve(ROOT, 'services'))
      .map((area) => `services/${area}/core/index.ts`)
      .filter((entry) => existsSync(resolve(ROOT, entry)));
    expect(PURE_ENTRIES).toEqual(expect.arrayContaining(coreEntries));
  });

  for (const entry of PURE_ENTRIES) {
    it(`${entry} imports no package but zod, no Node built-in, and touches no I/O or clock global`, () => {
      const { packages, globals } = reach(entry);
      expect([...packages].filter((p) => !ALLOWED_PACKAGES.has(p))).toEqual([]);
      expect(globals).toEqual([]);
    });
  }

  it('the pure entries reach no adapter: no file under lib/db, lib/mqtt, lib/reference-data or ingest', () => {
    for (const entry of PURE_ENTRIES) {
      const adapters = reach(entry)
        .files.map((f) => relative(ROOT, f))
        .filter((f) => /^(lib\/(db|mqtt|reference-data|process)|ingest|simulators)\//.test(f));
      expect(adapters, entry).toEqual([]);
    }
  });

  it('sees what it is looking for: the loaders read the file system', () => {
    expect(reach('lib/reference-data/index.ts').packages).toContain('node:fs');
    expect(reach('lib/db/index.ts').packages).toContain('pg');
  });
});
