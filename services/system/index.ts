export { startSystem, type RunningSystem } from './start-system.ts';
