import { setFlagsFromString } from 'node:v8';

/**
 * The worker role's default V8 heap growth between full collections, in percent
 * (FERRY_WORKER_HEAP_GROWING_PERCENT): 0, V8's own. 35 keeps a worker under 256 MiB RSS in the
 * 100k-message memory benchmark (243 MiB, against 317) for about a third more CPU per message (see
 * charts/README.md), so it is the operator's choice where memory is dearer than CPU.
 */
export const DEFAULT_HEAP_GROWING_PERCENT = 0;

/**
 * Makes V8 run a full collection once the heap has grown `percent` % over what survived the last one,
 * instead of its own factor (up to several times on a busy heap). A worker allocates much per message
 * (MIME, parsed parts, request bodies) of which little survives (13 MB of live heap mid-pass); with
 * V8's growth that garbage, and the Buffers only it keeps alive (external memory), put a worker at
 * ~317 MiB RSS in the 100k-message memory benchmark. Collecting sooner costs CPU. It is not a cap: the
 * heap still grows as far as live data needs, so a large message never runs out of heap. 0 keeps V8's
 * default.
 *
 * V8 reads the flag each time it sizes the next collection's limit, so setting it once the process
 * runs takes effect (measured by scripts/bench/migration-memory.mjs).
 */
export function tuneWorkerHeap(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) throw new RangeError(`heap growing percent must be an integer from 0 to 1000, not ${percent}`);
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
