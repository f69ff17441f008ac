import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { parseWith } from '../../src/shared/validate.js';

/** The message a value gets from the service's validation, as a 400 body carries it. */
function messageFor(schema: z.ZodMiniType, value: unknown): string {
  try {
    parseWith(schema, value, 'body');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the value passed');
}

describe("validation messages come from Flowflare's short map of zod's issues", () => {
  it('names the field and says what was wrong, for each kind of issue', () => {
    const shape = z.strictObject({
      name: z.string().check(z.maxLength(3)),
      tags: z.array(z.string()).check(z.minLength(1)),
      code: z.string().check(z.regex(/^[a-z]+$/)),
      step: z.number().check(z.multipleOf(5)),
      exact: z.string().check(z.length(2)),
      more: z.number().check(z.gt(0)),
      kind: z.enum(['a', 'b']),
      one: z.literal('x'),
      mail: z.email(),
    });
    const good = { name: 'abc', tags: ['t'], code: 'abc', step: 10, exact: 'ab', more: 1, kind: 'a', one: 'x', mail: 'a@b.example' };
    expect(shape.safeParse(good).success).toBe(true);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'abcd' }, 'name: must have at most 3 characters'],
      [{ tags: [] }, 'tags: must have at least 1 item'],
      [{ name: 'abcdefgh' }, 'name: must have at most 3 characters'],
      [{ code: 'ABC' }, 'code: must match /^[a-z]+$/'],
      [{ step: 7 }, 'step: must be a multiple of 5'],
      [{ exact: 'abc' }, 'exact: must have exactly 2 characters'],
      [{ more: 0 }, 'more: must be more than 0'],
      [{ kind: 'c' }, 'kind: expected one of "a" | "b"'],
      [{ one: 'y' }, 'one: expected "x"'],
      [{ mail: 'nope' }, 'mail: must be a valid email'],
      [{ name: 5 }, 'name: expected string, received number'],
      [{ tags: null }, 'tags: expected array, received null'],
    ];
    for (const [change, message] of cases) expect(messageFor(shape, { ...good, ...change })).toBe(`body: ${message}`);
  });
});
