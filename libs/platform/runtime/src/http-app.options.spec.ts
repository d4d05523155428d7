import { Module } from '@nestjs/common';
import { createHttpApp } from './http-app.factory';
import { RecordingLogger } from '@ferry/platform/testing';

@Module({})
class EmptyModule {}

describe('createHttpApp options', () => {
  const logger = new RecordingLogger();

  it.each([0, -1, 1.5, Number.NaN])(
    'rejects bodyLimitBytes %p with a clear error',
    async (bodyLimitBytes) => {
      await expect(createHttpApp(EmptyModule, { logger, bodyLimitBytes })).rejects.toThrow(
        /createHttpApp: bodyLimitBytes must be a positive whole number/,
      );
    },
  );

  it('rejects a text body type that is not an exact media type', async () => {
    await expect(
      createHttpApp(EmptyModule, { logger, bodyLimitBytes: 10, textBodyTypes: ['text/*'] }),
    ).rejects.toThrow(
      'createHttpApp: textBodyTypes entries must be exact media types like "text/xml"; got "text/*"',
    );
  });

  it('rejects a non-positive request timeout', async () => {
    await expect(
      createHttpApp(EmptyModule, { logger, bodyLimitBytes: 10, requestTimeoutMs: 0 }),
    ).rejects.toThrow(/requestTimeoutMs must be a positive whole number/);
  });
});
