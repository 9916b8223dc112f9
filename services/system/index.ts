export { buildSystem, startSystem, type System, type SystemComponents, type RunningSystem } from './start-system.ts';
export { demoMeterSpecs } from './demo-simulators.ts';
