import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// "Pure entries import nothing that opens a socket, file or database" (developer guide): follow
// every relative import of these entries and list the packages they reach.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IMPORT_RE =
  /^\s*(?:import|export)\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\}|[\w$]+(?:\s*,\s*\{[^}]*\})?)\s+from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

function packagesReached(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(resolve(ROOT, entry));
  return packages;
}

describe('pure entries reach no I/O', () => {
  for (const entry of ['lib/domain/calendar/index.ts', 'lib/domain/tariff/index.ts', 'services/reports/core/index.ts'])
    it(`${entry} imports only zod`, () => {
      expect([...packagesReached(entry)]).toEqual(['zod']);
    });

  it('the loaders are where the file system is read', () => {
    expect(packagesReached('lib/reference-data/index.ts')).toContain('node:fs');
  });
});
