import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lib/domain/index.ts';
import { loadConfig } from '../../../../lib/config/index.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('runs embedded with documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.mqttUrl).toBeUndefined();
    expect(config.http.port).toBe(8080);
    expect(config.dataDir).toMatch(/[/\\]data$/);
    expect(config.logLevel).toBe('info');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the variable and what it expects for a bad PORT', () => {
    const problems = problemsOf({ PORT: 'eighty' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PORT: .*port/);
  });

  it('rejects a port above 65535', () => {
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT: .*65535/);
  });

  it('lists every bad variable at once', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://x', MQTT_URL: 'http://broker', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'MQTT_URL']);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).http.port).toBe(8080);
  });

  it('reads a JSON config file and lets the environment win over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kam-config-'));
    const file = join(dir, 'kam.json');
    writeFileSync(file, JSON.stringify({ PORT: 9000, LOG_LEVEL: 'debug', MQTT_URL: 'mqtt://127.0.0.1:1883' }));
    const config = loadConfig({ KAM_CONFIG: file, LOG_LEVEL: 'warn' });
    expect(config.http.port).toBe(9000);
    expect(config.logLevel).toBe('warn');
    expect(config.mqttUrl).toBe('mqtt://127.0.0.1:1883');
  });

  it('names KAM_CONFIG when the file is missing or not JSON', () => {
    expect(problemsOf({ KAM_CONFIG: '/nonexistent/kam.json' })[0]).toMatch(/^KAM_CONFIG: cannot read/);
    const dir = mkdtempSync(join(tmpdir(), 'kam-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(problemsOf({ KAM_CONFIG: join(dir, 'bad.json') })[0]).toMatch(/^KAM_CONFIG: .* not a JSON object/);
  });
});
