import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../identity/principal';
import type { Vendor } from './vendor-error';

/** What a route handler sees: the parsed request, its path parameters and (after auth) its caller. */
export interface SandboxRequest {
  readonly raw: IncomingMessage;
  readonly method: string;
  readonly url: URL;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly requestId: string;
  readonly vendor: Vendor;
  /** The route's operation name, e.g. `graph.messages.list`; keys throttling, faults and stats. */
  readonly operation: string;
  principal?: Principal;
  /** Set by an injected `stale-delta` fault: the handler answers as if the request's token expired. */
  staleDelta?: boolean;
}

export type RouteHandler = (req: SandboxRequest, res: ServerResponse) => Promise<void> | void;
