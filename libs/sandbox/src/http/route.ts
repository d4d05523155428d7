import type { AuthRequirement } from '../identity/principal';
import type { LimitName } from '../throttle/limits';
import type { RouteHandler, SandboxRequest } from './sandbox-request';
import type { Vendor } from './vendor-error';

/** What one request costs against the throttling budgets, decided once the caller is known. */
export interface ThrottleCharge {
  /** The mailbox/user the request acts on (Graph per-mailbox and Google per-user limits key on it). */
  readonly user?: string;
  /** Quota units (Google) or request count (Graph); defaults to 1. */
  readonly units?: number;
  /** Whether the request uploads content (Graph's per-mailbox upload budget). */
  readonly upload?: boolean;
}

export interface Route {
  readonly vendor: Vendor;
  readonly method: string;
  /** `/v1.0/users/:user/messages/:id`; `:name` matches one segment, `*name` the rest of the path. */
  readonly pattern: string;
  readonly operation: string;
  readonly auth?: AuthRequirement;
  /** The throttling budgets this operation counts against. */
  readonly limits?: readonly LimitName[];
  readonly charge?: (req: SandboxRequest) => ThrottleCharge;
  /**
   * A URL that carries its own credential (upload sessions, signed download links): the handler
   * checks that secret, the server checks no bearer token and charges no throttling budget, since
   * such a request names no app to charge (a simplification). Excludes `auth` and `limits`.
   */
  readonly preAuthenticated?: true;
  readonly handler: RouteHandler;
}

interface CompiledRoute {
  readonly route: Route;
  readonly regex: RegExp;
  readonly names: readonly string[];
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

const escape = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** Compiles path patterns once; matches in registration order, so register specific before generic. */
export class RouteTable {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: readonly Route[]): void {
    for (const route of routes) {
      if (route.preAuthenticated && (route.auth || route.limits)) {
        throw new Error(`route ${route.operation}: a pre-authenticated route declares no auth and no limits`);
      }
      const names: string[] = [];
      const source = route.pattern
        .split('/')
        .map((segment) =>
          segment.replace(/([:*])([A-Za-z][A-Za-z0-9]*)|([^:*]+)/g, (_m, sigil: string, name: string, literal: string) => {
            if (literal !== undefined) return escape(literal);
            names.push(name);
            return sigil === '*' ? '(.*)' : '([^/]+)';
          }),
        )
        .join('/');
      this.routes.push({ route, regex: new RegExp(`^${source}$`), names });
    }
  }

  /** The first route whose pattern matches; `methodMismatch` when only the method differs. */
  match(method: string, path: string): RouteMatch | 'methodMismatch' | undefined {
    let pathMatched = false;
    for (const { route, regex, names } of this.routes) {
      const m = regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1] ?? '');
      });
      return { route, params };
    }
    return pathMatched ? 'methodMismatch' : undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
