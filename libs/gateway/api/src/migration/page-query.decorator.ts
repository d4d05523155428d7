import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ZodQueryPipe } from '../common/zod-query.pipe';
import { LimitQuery, OffsetQuery } from './migration.dto';

/** A page of a list: rows to skip and rows to answer. */
export interface Page {
  readonly offset: number;
  readonly limit: number;
}

const offsetPipe = new ZodQueryPipe('offset', OffsetQuery, 'a whole number');
const limitPipe = new ZodQueryPipe('limit', LimitQuery, 'a whole number from 1 to 1000');

/** `?offset=` (default 0) and `?limit=` (1-1000, default 100), each given once; 400 naming the parameter otherwise. */
export const PageQuery = createParamDecorator((_: unknown, ctx: ExecutionContext): Page => {
  const query = ctx.switchToHttp().getRequest<Request>().query;
  return { offset: offsetPipe.transform(query['offset']), limit: limitPipe.transform(query['limit']) };
});
