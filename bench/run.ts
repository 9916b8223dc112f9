// `npm run bench`: every benchmark of the project in one run, each printing its own figures
// (ratios to a baseline measured in the same run where there is one). Timing lives here, never
// in tests: machines are noisy.
const BENCHES: Array<{ name: string; module: string; entry: string }> = [
  { name: 'simulators', module: './simulators.bench.ts', entry: 'runSimulatorBench' },
  { name: 'ingest', module: './ingest.bench.ts', entry: 'runIngestBench' },
  { name: 'alerts', module: './alerts.bench.ts', entry: 'runAlertsBench' },
  { name: 'api', module: './api.bench.ts', entry: 'runApiBench' },
];

const only = process.argv.slice(2);
const results: Record<string, unknown> = {};
for (const bench of BENCHES) {
  if (only.length > 0 && !only.includes(bench.name)) continue;
  console.log(`\n=== ${bench.name} ===`);
  const mod = (await import(bench.module)) as Record<string, () => Promise<unknown>>;
  const run = mod[bench.entry];
  if (typeof run !== 'function') throw new Error(`${bench.module} does not export ${bench.entry}()`);
  results[bench.name] = await run();
}
console.log('\n=== summary ===');
console.log(JSON.stringify(results, null, 2));
