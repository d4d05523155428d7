import { Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp } from './http-app.factory';
import { listen } from './listen.bootstrap';
import { RecordingLogger } from '@ferry/platform/testing';

@Module({})
class EmptyModule {}

describe('listen', () => {
  let app: NestExpressApplication;
  let logger: RecordingLogger;

  beforeEach(async () => {
    logger = new RecordingLogger();
    app = await createHttpApp(EmptyModule, { logger, bodyLimitBytes: 1024 });
  });

  afterEach(async () => {
    await app.close();
  });

  it('binds the requested host, reports the port it got and logs it', async () => {
    const address = await listen(app, { host: '127.0.0.1', port: 0 });
    expect(address.host).toBe('127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
    const response = await fetch(`http://127.0.0.1:${address.port}/anything`);
    expect(response.status).toBe(404);
    expect(logger.at('log')).toContain(`Listening on 127.0.0.1:${address.port} Http`);
  });

  it.each([-1, 65_536, 80.5, Number.NaN])('rejects port %p with a clear error', async (port) => {
    await expect(listen(app, { host: '127.0.0.1', port })).rejects.toThrow(
      'listen: port must be a whole number from 0 to 65535',
    );
  });

  it('rejects an empty host with a clear error', async () => {
    await expect(listen(app, { host: ' ', port: 0 })).rejects.toThrow(
      'listen: host must be a non-empty interface address',
    );
  });
});
