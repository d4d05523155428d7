import { describeJsonSyntaxError } from './body-parser-error.mapper';

/** What body-parser passes on for `body`: V8's message and the text it parsed. */
function parseFailure(body: string): { message: string; body: string } {
  try {
    JSON.parse(body);
  } catch (error) {
    return { message: (error as Error).message, body };
  }
  throw new Error(`expected ${body} to be malformed`);
}

describe('describeJsonSyntaxError', () => {
  it.each([
    ['{"password": "hunter2",}', 'expected a double-quoted property name at position 23'],
    ['{"password" "hunter2"}', "expected ':' after a property name at position 12"],
    ['{"password": "hunter2" "x"}', "expected ',' or '}' after a property value at position 23"],
    ['["hunter2" "x"]', "expected ',' or ']' after an array element at position 11"],
    ['{"password": "hunter2"', "expected ',' or '}' after a property value at position 22"],
    ['{"password": "hunter2', 'unterminated string at position 21'],
    ['{"a": 1} hunter2', 'unexpected data after the JSON value at position 9'],
    ['{"a": hunter2}', 'unexpected token'],
    ['{"a": -}', 'invalid number at position 7'],
  ])('describes %s as "%s"', (body, expected) => {
    expect(describeJsonSyntaxError(parseFailure(body))).toBe(expected);
  });

  it('never repeats any part of the body', () => {
    const bodies = [
      '{"k": hunter2}',
      '[hunter2]',
      '{"hunter2" hunter2}',
      '{"a": "hunter2\u0001"}',
      '{"a": tru hunter2}',
    ];
    for (const body of bodies) {
      expect(describeJsonSyntaxError(parseFailure(body))).not.toContain('hunter2');
    }
  });

  it('explains a top-level value that is not an object or array', () => {
    expect(describeJsonSyntaxError({ message: 'Unexpected token', body: '"hunter2"' })).toBe(
      'the top-level value must be an object or an array',
    );
  });
});
