import { google, type gmail_v1 } from 'googleapis';
import type { ScenarioInput } from '../../scenario/scenario.schema';
import { startGoogleKit, type GoogleKit } from '../../testing/google-test-kit';
import { gmailWorkload } from './gmail.workload';

export const FULL_SCOPE = 'https://mail.google.com/';
export const GMAIL_SCOPE = (name: string): string => `https://www.googleapis.com/auth/gmail.${name}`;

/** The Google kit with the Gmail workload only; `inspect` paths follow `/_sandbox/google/gmail/`. */
export interface GmailFixture extends GoogleKit {
  /** A `google.gmail` client acting as `user` with `scopes` (domain-wide delegation). */
  client(user: string, scopes?: readonly string[]): Promise<gmail_v1.Gmail>;
}

export async function startGmailFixture(
  gmail: Record<string, unknown>,
  users = 3,
  extra: Partial<ScenarioInput> = {},
): Promise<GmailFixture> {
  const kit = await startGoogleKit(
    {
      name: 'gmail-contract',
      seed: 'gmail-tests',
      google: { tenants: [{ domain: 'fabrikam.example', users, workloads: { gmail } }] },
      ...extra,
    },
    [gmailWorkload],
    { scopes: [FULL_SCOPE], inspectArea: '/google/gmail/' },
  );
  return {
    ...kit,
    client: async (user, scopes) =>
      google.gmail({ version: 'v1', auth: await kit.auth(user, scopes), rootUrl: kit.sandbox.endpoints.googleRoot }),
  };
}
