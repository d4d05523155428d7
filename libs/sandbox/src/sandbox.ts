import { ContentRetention } from './content/content-source';
import { FaultInjector } from './faults/fault-injector';
import { RouteTable } from './http/route';
import { SandboxServer } from './http/sandbox-server';
import { Clock } from './identity/clock';
import { entraRoutes } from './identity/entra.routes';
import { googleOAuthRoutes } from './identity/google-oauth.routes';
import { TokenService } from './identity/token-service';
import { coreInspectRoutes } from './inspect/core-inspect.routes';
import type { SandboxContext, Workload, WorkloadFactory } from './sandbox-context';
import { parseScenario, type Scenario, type ScenarioInput } from './scenario/scenario.schema';
import { Directory } from './state/directory';
import { seedDirectory, type SeededCredentials } from './state/directory.seeder';
import { ensureSandboxCa } from './tls/certificate-authority';
import { ThrottleGovernor } from './throttle/throttle-governor';
import { WORKLOADS } from './workloads';

export interface SandboxOptions {
  readonly scenario?: ScenarioInput;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Where the CA lives (created on first start, reused after). */
  readonly stateDir: string;
  /** Replaces the built-in workload list (tests of one workload). */
  readonly workloads?: readonly WorkloadFactory[];
}

/** The runner's first stdout line: every base URL and the seeded credentials. */
export interface SandboxEndpoints {
  readonly graph: string;
  readonly entraAuthority: string;
  readonly googleRoot: string;
  readonly googleTokenUri: string;
  readonly inspect: string;
  readonly ca: string;
  readonly microsoft: SeededCredentials['microsoft'];
  readonly google: SeededCredentials['google'];
}

export interface Sandbox {
  readonly endpoints: SandboxEndpoints;
  readonly context: SandboxContext;
  readonly workloads: readonly Workload[];
  close(): Promise<void>;
}

/** Starts both clouds on one loopback HTTPS port, seeded from the scenario. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const scenario: Scenario = parseScenario(options.scenario ?? { name: 'default' });
  let origin = '';
  const clock = new Clock();
  const throttle = new ThrottleGovernor(clock);
  throttle.enabled = scenario.throttle.enabled;
  throttle.setOverrides(scenario.throttle.overrides);
  const [ca, tokens] = await Promise.all([ensureSandboxCa(options.stateDir), TokenService.create(clock, () => origin)]);
  const faults = new FaultInjector(scenario.seed);
  faults.baseline = scenario.latency;
  const ctx: SandboxContext = {
    scenario,
    directory: new Directory(),
    clock,
    tokens,
    throttle,
    faults,
    retention: new ContentRetention(scenario.retainContentBytes),
    origin: () => origin,
    // `server` exists before any request can arrive, so the late binding is safe.
    dispatch: (method, path, headers, body) => server.dispatch(method, path, headers, body),
  };
  const routes = new RouteTable();
  const server = new SandboxServer(ctx, routes);
  const workloads = (options.workloads ?? WORKLOADS).map((factory) => factory(ctx));
  const port = await server.listen(ca, options.port ?? 0, '127.0.0.1');
  origin = `https://127.0.0.1:${port}`;
  const credentials = await seedDirectory(ctx.directory, scenario, origin);
  for (const w of workloads) w.seed();
  routes.add(...coreInspectRoutes(ctx, server.stats, () => workloads));
  for (const w of workloads) routes.add(...w.routes());
  routes.add(...entraRoutes(ctx), ...googleOAuthRoutes(ctx));
  return {
    endpoints: {
      graph: `${origin}/v1.0`,
      entraAuthority: origin,
      googleRoot: `${origin}/`,
      googleTokenUri: `${origin}/token`,
      inspect: `${origin}/_sandbox`,
      ca: ca.caPath,
      microsoft: credentials.microsoft,
      google: credentials.google,
    },
    context: ctx,
    workloads,
    close: () => server.close(),
  };
}
