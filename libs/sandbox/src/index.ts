export { startSandbox, type Sandbox, type SandboxEndpoints, type SandboxOptions } from './sandbox';
export type { SandboxContext, Workload, WorkloadFactory } from './sandbox-context';
export { parseScenario, type Scenario, type ScenarioInput } from './scenario/scenario.schema';
export { DEFAULT_LIMITS, type LimitName, type LimitOverride, type LimitSpec } from './throttle/limits';
export type { FaultRuleInput } from './faults/fault-rules';
export { ensureSandboxCa, type SandboxCa } from './tls/certificate-authority';
export { signInAsBrowser } from './testing/browser-sign-in';
export { startTestSandbox } from './testing/test-sandbox';
export { googleAccessToken } from './testing/google-token';
