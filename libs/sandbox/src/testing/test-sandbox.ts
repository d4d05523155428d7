import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox';

/**
 * Starts a sandbox for a test, in the CA directory that `scripts/test/jest-project.mjs` created and
 * made this process trust (NODE_EXTRA_CA_CERTS); fails loudly when run outside that runner.
 */
export async function startTestSandbox(options: Omit<SandboxOptions, 'stateDir'> = {}): Promise<Sandbox> {
  const stateDir = process.env['FERRY_SANDBOX_DIR'];
  if (!stateDir || !process.env['NODE_EXTRA_CA_CERTS']) {
    throw new Error('sandbox tests need FERRY_SANDBOX_DIR and NODE_EXTRA_CA_CERTS: run them through scripts/test/jest-project.mjs (npm test)');
  }
  return startSandbox({ ...options, stateDir });
}

/** fetch against the sandbox, returning status, headers and parsed JSON (or text). */
export async function call(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body, text };
}
