// The operator's KEK rotation (services/connectors/README.md, "KEK rotation"): moves every connector
// secret's data key to the current key-encryption key without decrypting a payload. Progress goes to
// stderr, the final JSON summary to stdout. Exit: 0 done, 1 failed, 3 incomplete (run again), 64 usage,
// 78 configuration.
import { parseArgs } from 'node:util';
import {
  CONNECTORS_ENTITIES,
  CONNECTORS_MIGRATIONS,
  type KekRotationProgress,
  type KekRotationReport,
  rotateKek,
} from '@ferry/connectors/infra';
import { EXIT_CONFIG, loadConfigOrExit } from '@ferry/platform/config';
import {
  AzureKeyVaultKeyProvider,
  createKeyProvider,
  EnvelopeCipher,
  type KeyProvider,
  KeyProviderError,
  KeyringError,
  LocalKeyFileProvider,
  readKeyProviderConfig,
} from '@ferry/platform/crypto';
import {
  createServiceDataSource,
  parseDatabaseUrl,
  type PersistenceLogger,
} from '@ferry/platform/persistence';
import { configSchema } from './config';

const EXIT = { done: 0, failed: 1, incomplete: 3, usage: 64 } as const;
const TARGET_PREFIX = 'FERRY_KEK_TARGET_';
const TARGET_VARIABLES = ['FILE', 'CREATE_IF_MISSING', 'AZURE_KEY_ID', 'AZURE_ALGORITHM'].map(
  (v) => `${TARGET_PREFIX}${v}`,
);
const USAGE = `usage: rotate-kek [--no-new-key] [--to local|azure-keyvault] [--batch-size <n>]
  (no option)     local keyring: add a new active key, then re-wrap every secret with it;
                  Azure Key Vault: re-wrap every secret with the key's current version
  --no-new-key    only finish re-wrapping with the key already active (e.g. after an interrupted run)
  --to <provider> re-wrap with the provider configured by FERRY_KEK_TARGET_FILE, or
                  FERRY_KEK_TARGET_AZURE_KEY_ID [and FERRY_KEK_TARGET_AZURE_ALGORITHM]
  --batch-size    rows per batch (default 200)
Needs DATABASE_URL and the service's FERRY_KEK_* settings. See services/connectors/README.md.`;

/** Only what rotation reads; the rest of the service's environment may be present and is not checked. */
const rotationSchema = configSchema.pick({
  DATABASE_URL: true,
  FERRY_KEK_PROVIDER: true,
  FERRY_KEK_FILE: true,
  FERRY_KEK_CREATE_IF_MISSING: true,
  FERRY_KEK_AZURE_KEY_ID: true,
  FERRY_KEK_AZURE_ALGORITHM: true,
});

class UsageError extends Error {}

interface Arguments {
  readonly newKey: boolean;
  readonly to: 'local' | 'azure-keyvault' | undefined;
  readonly batchSize: number | undefined;
}

const say = (line: string) => process.stderr.write(`rotate-kek: ${line}\n`);

function parseArguments(argv: string[]): Arguments | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'no-new-key': { type: 'boolean' },
        to: { type: 'string' },
        'batch-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error: unknown) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.help) return 'help';
  const to = parsed.to;
  if (to !== undefined && to !== 'local' && to !== 'azure-keyvault') {
    throw new UsageError('--to must be local or azure-keyvault');
  }
  const batch = parsed['batch-size'];
  if (batch !== undefined && !/^[1-9]\d{0,4}$/.test(batch)) {
    throw new UsageError('--batch-size must be a whole number from 1 to 99999');
  }
  return { newKey: !parsed['no-new-key'], to, batchSize: batch === undefined ? undefined : Number(batch) };
}

/** The service's own provider; a local keyring must already exist: rotating a fresh one would help nobody. */
async function openSource(): Promise<KeyProvider> {
  const config = readKeyProviderConfig(process.env);
  return createKeyProvider(config.provider === 'local' ? { ...config, createIfMissing: false } : config);
}

/** The provider data keys move to: another one (`--to`), or the service's own after its key is renewed. */
async function prepareTarget(
  args: Arguments,
  source: KeyProvider,
): Promise<{ target: KeyProvider; newKeyId?: string }> {
  if (args.to) {
    if (args.to === 'local' && !process.env[`${TARGET_PREFIX}FILE`]) {
      throw new KeyProviderError('misconfigured', `${TARGET_PREFIX}FILE is required with --to local`);
    }
    const config = readKeyProviderConfig(
      { ...process.env, [`${TARGET_PREFIX}PROVIDER`]: args.to },
      { prefix: TARGET_PREFIX },
    );
    return { target: await createKeyProvider(config) };
  }
  if (source instanceof LocalKeyFileProvider && args.newKey) {
    const newKeyId = await source.rotate();
    say(`added key ${newKeyId} to ${source.path} and made it active: back up this keyring now`);
    return { target: source, newKeyId };
  }
  // The job cannot create Key Vault key versions (the service's role cannot): it uses the newest one.
  if (source instanceof AzureKeyVaultKeyProvider) await source.refreshActiveKey();
  return { target: source };
}

function exitCodeOf(report: KekRotationReport): number {
  if (report.failed > 0) return EXIT.failed;
  return report.interrupted || report.remaining > 0 ? EXIT.incomplete : EXIT.done;
}

/** What the summary printed on failure can still tell: the key created and the totals so far. */
interface RunState {
  newKeyId?: string;
  progress?: KekRotationProgress;
}

async function rotate(args: Arguments, databaseUrl: string, state: RunState): Promise<number> {
  const logger: PersistenceLogger = { log: () => undefined, warn: (m) => say(m), error: (m) => say(m) };
  const db = createServiceDataSource({
    url: databaseUrl,
    service: 'connectors',
    entities: CONNECTORS_ENTITIES,
    migrations: CONNECTORS_MIGRATIONS,
    logger,
    poolMax: 9,
    applicationName: 'ferry-connectors-rotate-kek',
  });
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130);
    say(
      `${signal}: stopping after the rows in flight (safe to run again later; ${signal} again exits at once)`,
    );
    stop.abort();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    // The database is checked before a new key is added, so a bad DATABASE_URL leaves the keyring alone.
    await db.initialize();
    if (await db.showMigrations()) {
      throw new Error(
        'the connectors schema is behind this version: start the connectors service of this version first',
      );
    }
    const source = await openSource();
    const { target, newKeyId } = await prepareTarget(args, source);
    if (newKeyId) state.newKeyId = newKeyId;
    say(`re-wrapping every data key not yet on ${target.kind}:${target.activeKeyId()}`);
    const report = await rotateKek({
      db,
      cipher: new EnvelopeCipher(source),
      target,
      signal: stop.signal,
      ...(args.batchSize === undefined ? {} : { batchSize: args.batchSize }),
      onProgress: (p) => {
        state.progress = p;
        say(
          `batch ${p.batches}: ${p.examined} read, ${p.rewrapped} re-wrapped, ${p.skippedChanged} changed meanwhile, ${p.failed} failed`,
        );
      },
    });
    const code = exitCodeOf(report);
    process.stdout.write(
      `${JSON.stringify({ ok: code === EXIT.done, newKeyId: state.newKeyId, ...report }, null, 2)}\n`,
    );
    if (report.remaining > 0)
      say(
        `${report.remaining} secrets are not on ${report.targetKey} yet: see services/connectors/README.md`,
      );
    return code;
  } finally {
    process.removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal);
    if (db.isInitialized) await db.destroy();
  }
}

async function main(): Promise<number> {
  let args: Arguments | 'help';
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error: unknown) {
    process.stderr.write(`rotate-kek: ${(error as Error).message}\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.done;
  }
  const knownVariables = [...Object.keys(configSchema.shape), ...TARGET_VARIABLES];
  const { config, warnings } = loadConfigOrExit(rotationSchema, process.env, { knownVariables });
  warnings.forEach(say);
  const state: RunState = {};
  try {
    return await rotate(args, config.DATABASE_URL, state);
  } catch (error: unknown) {
    const message = safeMessage(error, config.DATABASE_URL);
    say(`failed: ${message}`);
    process.stdout.write(`${JSON.stringify({ ok: false, error: message, ...state }, null, 2)}\n`);
    const misconfigured =
      error instanceof KeyringError ||
      (error instanceof KeyProviderError && error.reason === 'misconfigured');
    return misconfigured ? EXIT_CONFIG : EXIT.failed;
  }
}

// Ferry's errors carry no secret; a driver's message is passed on with the database password cut out.
function safeMessage(error: unknown, databaseUrl: string): string {
  const message = error instanceof Error ? error.message : 'unexpected failure';
  let password: string | undefined;
  try {
    password = parseDatabaseUrl(databaseUrl).password;
  } catch {
    password = undefined;
  }
  return password ? message.split(password).join('***') : message;
}

void main().then(
  (code) => process.exit(code),
  () => process.exit(EXIT.failed),
);
