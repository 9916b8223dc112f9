/**
 * The pure entries of the tree (developer guide: pure entries import nothing that opens a
 * socket, a file or a database). One list, checked two ways: test/unit/architecture.test.ts
 * loads each in a fresh process; test/unit/pure-entries.test.ts reads their source.
 */
export const PURE_ENTRIES = [
  'lib/domain/index.ts',
  'lib/load-curve/index.ts',
  'lib/meter-maps/index.ts',
  'services/rules/core/index.ts',
  'services/reports/core/index.ts',
  'services/forecast/core/index.ts',
  'services/orderly/core/index.ts',
  'services/outages/core/index.ts',
  'services/advice/core/index.ts',
];
