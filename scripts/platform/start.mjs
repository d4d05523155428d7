#!/usr/bin/env node
// `npm start`: the whole platform on this machine, until Ctrl-C.
import { startPlatform } from './supervisor.mjs';

const platform = await startPlatform().catch((err) => {
  console.error(`ferry: ${err.message}`);
  process.exit(1);
});
console.log(`\x1b[1mferry\x1b[0m ready: gateway at ${platform.urls.gateway}/api/v1 (Ctrl-C stops everything)`);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\x1b[1mferry\x1b[0m stopping...');
    platform.stop().then(() => process.exit(0));
  });
}
