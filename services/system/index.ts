export { startSystem, type RunningSystem } from './start-system.ts';
export { demoMeterSpecs } from './demo-simulators.ts';
