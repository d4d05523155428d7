import type { ScenarioInput } from '../../scenario/scenario.schema';

/** The graph-mail contract specs' scenario: `mail` for the first tenant, a small second tenant for isolation. */
export const mailScenario = (mail: Record<string, unknown>, users = 3): ScenarioInput => ({
  name: 'graph-mail-test',
  seed: 'graph-mail-spec',
  throttle: { enabled: true, overrides: [] },
  microsoft: { tenants: [{ domain: 'contoso.example', users, workloads: { mail } }, { domain: 'other.example', users: 1, workloads: { mail: { messagesPerUser: 2 } } }] },
  google: { tenants: [{ domain: 'fabrikam.example', users: 0 }] },
});
