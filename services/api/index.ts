// Public entry of the HTTP API and dashboard (conventions.md §1).
export { buildApi, routeTableOf, type ApiDeps, type RouteEntry } from './app.ts';
export type { LiveEventBus, LiveReading, LiveAlertChange } from './live-stream.ts';
export { ensureDemoUsers, formatDemoCredentials, type DemoCredential } from './auth/demo-users.ts';
export { ROLES, type Role, type RouteRoles } from './auth/roles.ts';
export { ApiError, type ApiErrorCode } from './errors.ts';
export { upsertUser, deleteExpiredSessions, type NewUser, type UserInfo } from './auth/auth-repository.ts';
export { hashPassword, generatePassword, PASSWORD_MIN_LENGTH } from './auth/password.ts';
