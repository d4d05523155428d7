import { z } from 'zod';
import { VendorError } from '../http/vendor-error';
import { parseInspectBody } from './inspect-body';

const schema = z.object({ name: z.string().max(5), tags: z.array(z.string()).default([]) });

function rejection(value: unknown): VendorError {
  try {
    parseInspectBody(schema, value);
  } catch (e) {
    if (e instanceof VendorError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('parseInspectBody', () => {
  it('returns the parsed body with defaults applied', () => {
    expect(parseInspectBody(schema, { name: 'a' })).toEqual({ name: 'a', tags: [] });
  });

  it('answers 400 naming every offending field path, never its value', () => {
    const e = rejection({ name: 'secret-value', tags: [7] });
    expect(e.status).toBe(400);
    const message = (e.body as { error: string }).error;
    expect(message).toMatch(/^name: .+; tags\.0: .+$/);
    expect(message).not.toContain('secret-value');
  });

  it('names the body itself when it is not an object', () => {
    expect((rejection('text').body as { error: string }).error).toMatch(/^\(body\): /);
  });
});
