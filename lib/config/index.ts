// Public entry of the configuration: one zod schema over the environment and KAM_CONFIG, parsed once.
export { loadConfig, configSchema, NOTIFY_ENV_VARS, type Config, type NotifyEnvVar } from './config.ts';
export { ConfigError } from '../domain/index.ts';
