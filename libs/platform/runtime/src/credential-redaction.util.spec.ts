import { redactCredentials } from './credential-redaction.util';

describe('redactCredentials', () => {
  it.each([
    [
      'connect postgres://ferry:s3cret@db:5432/app failed',
      'connect postgres://[redacted]@db:5432/app failed',
    ],
    ['nats://tok3n@nats:4222 closed', 'nats://[redacted]@nats:4222 closed'],
    [
      'Server=sql;User Id=sa;Password=s3cret;Encrypt=true',
      'Server=sql;User Id=sa;Password=[redacted];Encrypt=true',
    ],
    ['GET /cb?code=1&token=abc.def', 'GET /cb?code=1&token=[redacted]'],
    ['api_key: AKIA123 rejected', 'api_key: [redacted] rejected'],
  ])('masks %s', (input, expected) => {
    expect(redactCredentials(input)).toBe(expected);
  });

  it('leaves messages without credentials alone', () => {
    const message = 'connect ECONNREFUSED 127.0.0.1:5432 (https://db.internal/health)';
    expect(redactCredentials(message)).toBe(message);
  });
});
