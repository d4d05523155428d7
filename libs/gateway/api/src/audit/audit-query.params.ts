import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type AuditEventFilterSchema, Outcome } from '@ferry/contracts';
import type { Request } from 'express';
import { z } from 'zod';

/** What the gateway forwards as `QueryAuditEventsRequest.filter`. */
export type AuditFilter = Omit<MessageInitShape<typeof AuditEventFilterSchema>, '$typeName'>;

/**
 * Longest value of a text parameter the gateway forwards. The audit service applies the exact rules
 * (actor and target id at most 256 characters, action 128, target type 64, allowed characters) and
 * its violations come back as a 400 naming the parameter.
 */
export const MAX_PARAM_CHARS = 512;

/** An instant with its offset, to the millisecond (`2026-06-30T08:00:00.250Z`), or a date (its UTC midnight). */
const Time = z.union([
  z.iso
    .datetime({ offset: true })
    .refine((v) => !/\.\d{4,}/.test(v))
    .transform((v) => new Date(v)),
  z.iso.date().transform((v) => new Date(`${v}T00:00:00Z`)),
]);
const Text = z.string().min(1).max(MAX_PARAM_CHARS);
const OUTCOMES = { success: Outcome.SUCCESS, failure: Outcome.FAILURE, denied: Outcome.DENIED } as const;
const OutcomeParam = z.enum(['success', 'failure', 'denied']);

/** One query parameter: absent, or given once and valid; a 400 naming it (never its value) otherwise. */
function parse<S extends z.ZodType>(query: Request['query'], name: string, schema: S, expected: string): z.infer<S> | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequestException(`query parameter ${name} must be ${expected}, given once`);
  return parsed.data;
}

/**
 * The filter of `?from=&to=&actor=&action=&target=&outcome=` (each optional, each at most once):
 * `from` inclusive and `to` exclusive (ISO-8601 instants with an offset, or dates), `actor` an actor
 * id, `action` an action or a prefix on dotted boundaries, `target` `type` or `type:id`, `outcome`
 * success, failure or denied.
 */
export function auditFilterOf(query: Request['query']): AuditFilter {
  const text = `1-${MAX_PARAM_CHARS} characters`;
  const from = parse(query, 'from', Time, 'an ISO 8601 date-time with an offset (at most millisecond precision) or a date, e.g. 2026-06-30T00:00:00Z');
  const to = parse(query, 'to', Time, 'an ISO 8601 date-time with an offset (at most millisecond precision) or a date, e.g. 2026-07-01');
  const actor = parse(query, 'actor', Text, text);
  const action = parse(query, 'action', Text, text);
  const target = parse(query, 'target', Text, `type or type:id, ${text}`);
  const outcome = parse(query, 'outcome', OutcomeParam, 'success, failure or denied');
  const split = target?.indexOf(':') ?? -1;
  const targetType = target === undefined ? undefined : split < 0 ? target : target.slice(0, split);
  const targetId = target === undefined || split < 0 ? undefined : target.slice(split + 1);
  // proto3 strings have no presence: an empty part would read as "no filter", so it is refused here.
  if (targetType === '' || targetId === '') throw new BadRequestException('query parameter target must be type or type:id, with neither part empty');
  return {
    ...(from ? { from: timestampFromDate(from) } : {}),
    ...(to ? { to: timestampFromDate(to) } : {}),
    ...(actor ? { actorId: actor } : {}),
    ...(action ? { action } : {}),
    ...(targetType ? { targetType } : {}),
    ...(targetId ? { targetId } : {}),
    ...(outcome ? { outcome: OUTCOMES[outcome] } : {}),
  };
}

/** `@AuditFilterQuery()`: the route's audit filter, from its query string (see auditFilterOf). */
export const AuditFilterQuery = createParamDecorator((_: unknown, ctx: ExecutionContext): AuditFilter => auditFilterOf(ctx.switchToHttp().getRequest<Request>().query));

/** `?limit=`: 1-500 records per page (checked by the audit service); absent for its default of 100. */
export function limitOf(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'string' || !/^[1-9]\d{0,3}$/.test(value)) throw new BadRequestException('query parameter limit must be an integer 1-500, given once');
  return Number(value);
}

/** `?cursor=`: the opaque next cursor of the previous page. */
export function cursorOf(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) throw new BadRequestException('query parameter cursor must be the nextCursor of the previous page, given once');
  return value;
}
