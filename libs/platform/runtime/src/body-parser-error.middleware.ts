import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { describeBodyParserError, findBodyParserError } from './body-parser-error.mapper';

type ErrorMiddleware = (
  error: unknown,
  request: unknown,
  response: unknown,
  next: (error?: unknown) => void,
) => void;

/**
 * Express error middleware mounted right after the body parsers: turns their failures into
 * HttpExceptions with Ferry's wording before Nest's exception layer, which would otherwise pass
 * the parser's message (quoting the body) to the client.
 */
export function translateBodyParserErrors(bodyLimitBytes: number): ErrorMiddleware {
  return (error, _request, _response, next) => {
    const parserError = findBodyParserError(error);
    if (!parserError) return next(error);
    // A text type may have its own limit: body-parser's 413 carries the limit it applied.
    const applied = (parserError as { limit?: unknown }).limit;
    const { statusCode, message } = describeBodyParserError(parserError, typeof applied === 'number' ? applied : bodyLimitBytes);
    next(new HttpException({ statusCode, error: STATUS_CODES[statusCode], message }, statusCode));
  };
}
