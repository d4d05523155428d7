export { SandboxAccess, testMailbox } from './sandbox-access';
export { RecordingGovernor } from './unlimited.governor';
