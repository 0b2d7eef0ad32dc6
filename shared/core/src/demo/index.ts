export { type DemoKnobs, demoVariables, SIMULATED_FAILURE, withDemoKnobs } from './demo-knobs';
