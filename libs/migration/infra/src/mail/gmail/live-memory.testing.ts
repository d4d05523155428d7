import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Live memory for tests that prove streaming: heap and Buffer memory measured right after a full
 * garbage collection, so garbage awaiting collection does not read as held memory.
 */
export function liveMemory(): () => number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
}
