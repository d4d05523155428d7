import { MemoryScopeLedgerStore } from './memory-scope-ledger.store';
import { SharedThrottleGovernor } from './shared-throttle.governor';
import type { ThrottleGovernorOptions } from './throttle-governor.options';

/**
 * The same governor with its state in this process's memory: for single-process tools (the demo,
 * a benchmark driver, a CLI) where no other worker shares the budgets.
 */
export function createLocalThrottleGovernor(options: ThrottleGovernorOptions = {}): SharedThrottleGovernor {
  return new SharedThrottleGovernor(new MemoryScopeLedgerStore(), options);
}
