/** A body-parser failure as the client should see it: a status and a reason that never quotes the body. */
export interface BodyParserFailure {
  readonly statusCode: number;
  readonly message: string;
}

/** The body-parser error types Ferry answers itself; any other type falls back to its status. */
type KnownType =
  | 'entity.parse.failed'
  | 'entity.too.large'
  | 'charset.unsupported'
  | 'encoding.unsupported'
  | 'request.size.invalid'
  | 'request.aborted'
  | 'parameters.too.many'
  | 'querystring.parse.rangeError';

const KNOWN_TYPES: ReadonlySet<string> = new Set<KnownType>([
  'entity.parse.failed',
  'entity.too.large',
  'charset.unsupported',
  'encoding.unsupported',
  'request.size.invalid',
  'request.aborted',
  'parameters.too.many',
  'querystring.parse.rangeError',
]);

interface ParserError {
  readonly type: KnownType;
  readonly status: number;
  readonly message: string;
  readonly body?: unknown;
}

/**
 * The body-parser error behind `error`, if any: the parsers' own errors are http-errors carrying
 * one of the known `type`s, sometimes wrapped as the `cause` of another error.
 */
export function findBodyParserError(error: unknown): ParserError | undefined {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  return [error, cause].find(isParserError);
}

/** Maps a body-parser error to the answer Ferry gives; `bodyLimitBytes` is stated on 413s. */
export function describeBodyParserError(error: ParserError, bodyLimitBytes: number): BodyParserFailure {
  switch (error.type) {
    case 'entity.parse.failed':
      return { statusCode: 400, message: `Malformed JSON body: ${describeJsonSyntaxError(error)}` };
    case 'entity.too.large':
      return { statusCode: 413, message: `Request body exceeds the limit of ${bodyLimitBytes} bytes` };
    case 'charset.unsupported':
      return { statusCode: 415, message: 'Unsupported charset: request bodies must be UTF-8' };
    case 'encoding.unsupported':
      return { statusCode: 415, message: 'Unsupported Content-Encoding for a request body' };
    case 'request.size.invalid':
      return { statusCode: 400, message: 'Request body length does not match Content-Length' };
    case 'request.aborted':
      return { statusCode: 400, message: 'Request aborted before the body was complete' };
    case 'parameters.too.many':
      return { statusCode: 413, message: 'Form body has too many parameters' };
    case 'querystring.parse.rangeError':
      return { statusCode: 400, message: 'Form body is nested too deeply' };
  }
}

/** V8's JSON.parse messages, mapped to fixed wording; the raw message quotes the input, so it is never passed on. */
const JSON_REASONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Unexpected end of JSON input/, 'unexpected end of input'],
  [/Unterminated string/, 'unterminated string'],
  [/Bad control character/, 'control character in a string'],
  [/Bad (escaped character|Unicode escape)/, 'invalid escape sequence'],
  [/Expected (property name|double-quoted property name)/, 'expected a double-quoted property name'],
  [/Expected ':' after property name/, "expected ':' after a property name"],
  [/Expected ',' or '}'/, "expected ',' or '}' after a property value"],
  [/Expected ',' or ']'/, "expected ',' or ']' after an array element"],
  [/Unexpected non-whitespace character after JSON/, 'unexpected data after the JSON value'],
  [/number|Exponent|minus sign/i, 'invalid number'],
  [/Unexpected token/, 'unexpected token'],
];

const POSITION = /\bat position (\d+)/;

/** A reason and, when the parser gave one, the position; nothing copied from the body. */
export function describeJsonSyntaxError(error: {
  readonly message: string;
  readonly body?: unknown;
}): string {
  // body-parser rejects JSON whose top level is not an object or array before V8 sees it.
  if (typeof error.body === 'string' && !/^[\s]*[{[]/.test(error.body) && error.body.trim() !== '') {
    return 'the top-level value must be an object or an array';
  }
  const reason = JSON_REASONS.find(([pattern]) => pattern.test(error.message))?.[1] ?? 'invalid syntax';
  const position = POSITION.exec(error.message)?.[1];
  return position === undefined ? reason : `${reason} at position ${position}`;
}

function isParserError(value: unknown): value is ParserError {
  if (typeof value !== 'object' || value === null) return false;
  const { type, status } = value as { type?: unknown; status?: unknown };
  return typeof type === 'string' && KNOWN_TYPES.has(type) && typeof status === 'number';
}
