import type { Route } from '../http/route';

/** Builds one inspection route: `method`, the path after the prefix, the operation after its prefix. */
export type InspectRouteBuilder = (method: string, pattern: string, operation: string, handler: Route['handler']) => Route;

/**
 * Inspection routes of one area share a path prefix (e.g. `/_sandbox/google/gmail/:user`) and an
 * operation prefix (e.g. `inspect.gmail`, which keys faults and stats); they need no auth.
 */
export function inspectRoutes(pathPrefix: string, operationPrefix: string): InspectRouteBuilder {
  return (method, pattern, operation, handler) => ({
    vendor: 'inspect',
    method,
    pattern: `${pathPrefix}${pattern}`,
    operation: `${operationPrefix}.${operation}`,
    handler,
  });
}
