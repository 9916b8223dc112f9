import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool, readMigrations, startEmbeddedTimescale } from '../../lib/db/index.ts';
import { getFreePort } from '../support/free-port.ts';
import { type KamProcess, ROOT, spawnKam, waitForHttp } from '../support/kam-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'kam-e2e-'));
const running: KamProcess[] = [];
const LATEST_SCHEMA = readMigrations().at(-1)!.version;

afterAll(() => {
  for (const p of running) p.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startKam(): Promise<{ kam: KamProcess; base: string }> {
  const port = await getFreePort();
  const kam = spawnKam(['start'], { PORT: String(port), KAM_DATA_DIR: dataDir, KAM_MQTT_PORT: '0', KAM_DEMO: 'false' });
  running.push(kam);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/healthz`, 45_000, () => kam.child.exitCode === null);
  return { kam, base };
}

async function stopWithCtrlC(kam: KamProcess): Promise<number | null> {
  kam.child.kill('SIGINT');
  return kam.exited;
}

describe('kam start (embedded stack)', () => {
  it('comes up migrated with the demo fleet, then stops cleanly on Ctrl-C', async () => {
    const { kam, base } = await startKam();
    const status = (await (await fetch(`${base}/status`)).json()) as { fleet: Record<string, unknown> };
    expect(status.fleet).toMatchObject({
      schemaVersion: LATEST_SCHEMA,
      managers: 3,
      accounts: 8,
      meters: 15,
      readings: 0,
    });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await stopWithCtrlC(kam)).toBe(0);
    expect(kam.output()).toMatch(/embedded TimescaleDB stopped/);
    // the lock is released only after the database closed its files
    expect(existsSync(join(dataDir, 'kam.lock'))).toBe(false);
  });

  it('leaves a data folder that reopens intact, and reuses it on the next start', async () => {
    // Reopen the folder directly: the hypertable insert path must work after reopen (LOAD 'timescaledb').
    const embedded = await startEmbeddedTimescale({ dataDir });
    const db = createPool(embedded.url, { max: 1 });
    const { rows } = await db.query<{ id: number }>("SELECT id FROM meters WHERE code = 'polar-main'");
    await db.query('INSERT INTO readings (meter_id, ts, power_kw) VALUES ($1, now(), 812.5)', [rows[0]!.id]);
    await db.end();
    await embedded.stop();

    const { kam, base } = await startKam();
    const status = (await (await fetch(`${base}/status`)).json()) as { fleet: Record<string, unknown> };
    expect(status.fleet).toMatchObject({ schemaVersion: LATEST_SCHEMA, meters: 15, readings: 1 });
    expect(kam.output()).not.toMatch(/migration applied/);
    expect(await stopWithCtrlC(kam)).toBe(0);
  });

  it('refuses a second process on the same data folder', async () => {
    const { kam } = await startKam();
    const second = spawnKam(['start'], {
      PORT: String(await getFreePort()),
      KAM_DATA_DIR: dataDir,
      KAM_MQTT_PORT: '0',
      KAM_DEMO: 'false',
    });
    running.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/DB_DATA_DIR_LOCKED/);
    expect(await stopWithCtrlC(kam)).toBe(0);
  });

  it('stops when `npm start` itself gets SIGINT, as a script or supervisor sends it', async () => {
    const port = await getFreePort();
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), KAM_DATA_DIR: dataDir, KAM_MQTT_PORT: '0', KAM_DEMO: 'false' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 45_000, () => npm.exitCode === null);
    npm.kill('SIGINT');
    expect(await exited).toBe(0);
    // the embedded database released the folder, so the system really stopped
    expect(existsSync(join(dataDir, 'kam.lock'))).toBe(false);
  });

  it('stops at start-up with the bad variable named', async () => {
    const kam = spawnKam(['start'], { PORT: 'http', KAM_DATA_DIR: dataDir });
    expect(await kam.exited).toBe(2);
    expect(kam.output()).toMatch(/PORT: .*port/);
  });
});
