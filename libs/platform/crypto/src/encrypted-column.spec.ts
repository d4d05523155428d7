import { randomBytes } from 'node:crypto';
import { getMetadataArgsStorage } from 'typeorm';
import { EncryptedColumn, sealedValueTransformer } from './encrypted-column.decorator';
import { CryptoError, SealedValueFormatError } from './errors';
import { SealedValue } from './sealed-value';

class ConnectorCredential {
  @EncryptedColumn()
  clientSecret!: SealedValue;

  @EncryptedColumn({ type: 'nvarchar', nullable: true, name: 'refresh_token' })
  refreshToken!: SealedValue | null;
}

const sealed = new SealedValue(
  { provider: 'local', keyId: 'kek-a', algorithm: 'A256GCM', bytes: randomBytes(60) },
  randomBytes(12),
  randomBytes(24),
  randomBytes(16),
);

function columnOptions(propertyName: string) {
  const column = getMetadataArgsStorage().columns.find(
    (c) => c.target === ConnectorCredential && c.propertyName === propertyName,
  );
  if (!column) throw new Error(`no column metadata for ${propertyName}`);
  return column.options;
}

describe('EncryptedColumn', () => {
  it('registers a text column with the sealed-value transformer by default', () => {
    const options = columnOptions('clientSecret');

    expect(options.type).toBe('text');
    expect(options.length).toBeUndefined();
    expect(options.transformer).toBe(sealedValueTransformer);
  });

  it('registers nvarchar(MAX) for SQL Server and passes common options through', () => {
    const options = columnOptions('refreshToken');

    expect(options).toMatchObject({ type: 'nvarchar', length: 'MAX', nullable: true, name: 'refresh_token' });
    expect(options.transformer).toBe(sealedValueTransformer);
  });

  it('refuses a property declared as string', () => {
    expect(() => {
      class Mistaken {
        @EncryptedColumn()
        clientSecret!: string;
      }
      return Mistaken;
    }).toThrow('Mistaken.clientSecret is declared as string; an encrypted column must be typed SealedValue');
  });

  it('does not let plaintext be assigned at compile time', () => {
    const row = new ConnectorCredential();
    // @ts-expect-error a plaintext string is not a SealedValue; tsc fails here if that ever changes.
    row.clientSecret = 'plaintext-secret';

    expect(() => sealedValueTransformer.to(row.clientSecret)).toThrow(CryptoError);
  });
});

describe('sealedValueTransformer', () => {
  it('writes a SealedValue as its text form and reads it back', () => {
    const stored = sealedValueTransformer.to(sealed) as string;

    expect(stored).toBe(sealed.toString());
    expect((sealedValueTransformer.from(stored) as SealedValue).toString()).toBe(stored);
  });

  it('passes null and undefined through both ways', () => {
    expect(sealedValueTransformer.to(null)).toBeNull();
    expect(sealedValueTransformer.to(undefined)).toBeUndefined();
    expect(sealedValueTransformer.from(null)).toBeNull();
  });

  it.each([
    ['plaintext-secret'],
    [Buffer.from('plaintext-secret')],
    [{ toString: () => 'plaintext-secret' }],
  ])('refuses to store %p, without echoing it', (value) => {
    expect(() => sealedValueTransformer.to(value)).toThrow('an encrypted column accepts only a SealedValue');
    try {
      sealedValueTransformer.to(value);
    } catch (error) {
      expect((error as Error).message).not.toContain('plaintext-secret');
    }
  });

  it('refuses corrupt stored text with a format error that does not echo it', () => {
    expect(() => sealedValueTransformer.from('plaintext-secret')).toThrow(SealedValueFormatError);
  });

  it('refuses a non-text database value', () => {
    expect(() => sealedValueTransformer.from(42)).toThrow('the database returned number');
  });
});
