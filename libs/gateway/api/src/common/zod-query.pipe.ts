import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates one query parameter against a zod schema, answering 400 with a message naming the
 * parameter and what it must be (like the path pipes), never its value. A repeated parameter arrives
 * as an array, which the schema refuses like any other wrong type.
 */
export class ZodQueryPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly name: string,
    private readonly schema: S,
    private readonly expected: string,
  ) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value);
    if (!parsed.success) throw new BadRequestException(`query parameter ${this.name} must be ${this.expected}`);
    return parsed.data;
  }
}
