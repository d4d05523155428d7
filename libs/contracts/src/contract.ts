import type { DescMessage } from '@bufbuild/protobuf';

/** A core-NATS request/reply subject with its protobuf request and response types. */
export interface RpcContract<Req extends DescMessage = DescMessage, Res extends DescMessage = DescMessage> {
  readonly kind: 'rpc';
  /** Subject relative to the installation prefix, e.g. `connectors.v1.rpc.create`. */
  readonly subject: string;
  readonly request: Req;
  readonly response: Res;
}

/** How a JetStream stream keeps messages. */
export type StreamRetention = 'limits' | 'workqueue' | 'interest';

/** A JetStream stream declared in code; the messaging library creates or updates it on start-up. */
export interface StreamContract {
  /** Stream name relative to the installation prefix, upper-case, e.g. `AUDIT`. */
  readonly name: string;
  /** Subject filters the stream captures, relative to the installation prefix. */
  readonly subjects: readonly string[];
  readonly retention: StreamRetention;
  /** Maximum age of a message in milliseconds; 0 keeps messages until other limits apply. */
  readonly maxAgeMs: number;
  /** Window in which a repeated Nats-Msg-Id is dropped as a duplicate, in milliseconds. */
  readonly duplicateWindowMs: number;
  readonly description: string;
}

/** A durable JetStream subject family: `prefix.<token>...` in a declared stream, carrying one message type. */
export interface EventContract<T extends DescMessage = DescMessage, P extends readonly string[] = readonly string[]> {
  readonly kind: 'event';
  readonly stream: StreamContract;
  readonly schema: T;
  /** Fixed leading tokens, e.g. `audit.v1.events`. */
  readonly base: string;
  /** Names of the variable tokens that follow `base`, in order, e.g. `['region', 'org']`. */
  readonly params: P;
}

export type EventParams<P extends readonly string[]> = { readonly [K in P[number]]: string };

const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Checks one subject token. Tokens come from ids and region names; refusing `.`, `*`, `>` and spaces
 * stops a crafted id from widening a subscription or escaping its tenant's subject.
 */
export function subjectToken(value: string, name = 'token'): string {
  if (!TOKEN.test(value)) {
    throw new Error(`invalid subject ${name}: must be 1-128 characters of A-Z a-z 0-9 _ -`);
  }
  return value;
}

/** The concrete subject (relative to the installation prefix) for one event. */
export function eventSubject<P extends readonly string[]>(
  contract: EventContract<DescMessage, P>,
  params: EventParams<P>,
): string {
  const tokens = contract.params.map((p: P[number]) => subjectToken(params[p], p));
  return [contract.base, ...tokens].join('.');
}

/** A filter matching the whole family, or the part of it fixed by the leading params given. */
export function eventFilter<P extends readonly string[]>(
  contract: EventContract<DescMessage, P>,
  leading: Partial<EventParams<P>> = {},
): string {
  const tokens: string[] = [];
  for (const p of contract.params as readonly P[number][]) {
    const v = leading[p];
    if (v === undefined) break;
    tokens.push(subjectToken(v, p));
  }
  return [contract.base, ...tokens, '>'].join('.');
}
