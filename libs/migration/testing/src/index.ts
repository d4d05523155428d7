export { SandboxAccess, testMailbox } from './sandbox-access';
export { RecordingGovernor } from './unlimited.governor';
export { MemoryProjectRepository } from './memory-project.repository';
export { MemoryWorkQueue, type QueuedPlan } from './memory-work.queue';
