export { type MemoryMessage, MemoryMailSystem, type MemoryOperation } from './memory-mail.system';
export { MemoryRunStore } from './memory-run.store';
export { MemoryWorkPublisher, type QueuedWork } from './memory-work.publisher';
export { SandboxAccess, testMailbox } from './sandbox-access';
export { RecordingGovernor } from './unlimited.governor';
export { MemoryProjectRepository } from './memory-project.repository';
export { MemoryWorkQueue, type QueuedPlan } from './memory-work.queue';
