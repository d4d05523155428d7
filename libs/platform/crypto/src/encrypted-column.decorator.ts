import { Column, type ColumnOptions, type ValueTransformer } from 'typeorm';
import { CryptoError } from './errors';
import { SealedValue } from './sealed-value';

/** Column types for sealed text: `text` (PostgreSQL) or `nvarchar` (SQL Server, always `nvarchar(MAX)`). */
export type EncryptedColumnType = 'text' | 'nvarchar';

/** Options for `EncryptedColumn`; type, length and transformer are fixed by the decorator. */
export interface EncryptedColumnOptions extends Pick<
  ColumnOptions,
  'name' | 'nullable' | 'comment' | 'select' | 'update' | 'insert'
> {
  /** Default `text`. */
  readonly type?: EncryptedColumnType;
}

/**
 * Maps `SealedValue` to its text form and back. Anything else written to the column (a plaintext string
 * above all) is refused, so plaintext can never reach the database through it.
 */
export const sealedValueTransformer = {
  to(value: unknown): string | null | undefined {
    if (value === null || value === undefined) return value;
    if (value instanceof SealedValue) return value.toString();
    throw new CryptoError(
      `an encrypted column accepts only a SealedValue (got ${describe(value)}); seal the value with EnvelopeCipher first`,
    );
  },
  from(value: unknown): SealedValue | null | undefined {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'string') {
      throw new CryptoError(`an encrypted column holds text, but the database returned ${describe(value)}`);
    }
    return SealedValue.parse(value);
  },
} satisfies ValueTransformer;

/**
 * Declares a column holding a `SealedValue`: `@EncryptedColumn() clientSecret!: SealedValue`. The
 * transformer cannot encrypt (transformers are synchronous and see no row), so the repository seals and
 * opens with the owning row's identity as encryption context.
 */
export function EncryptedColumn(options: EncryptedColumnOptions = {}): PropertyDecorator {
  return (target: object, propertyKey: string | symbol) => {
    const declared = designType(target, propertyKey);
    if (declared === String || declared === Buffer) {
      throw new CryptoError(
        `${target.constructor.name}.${String(propertyKey)} is declared as ${declared === String ? 'string' : 'Buffer'}; an encrypted column must be typed SealedValue`,
      );
    }
    const { type = 'text', ...rest } = options;
    const column: ColumnOptions = {
      ...rest,
      type,
      ...(type === 'nvarchar' ? { length: 'MAX' } : {}),
      transformer: sealedValueTransformer,
    };
    Column(column)(target, propertyKey);
  };
}

// reflect-metadata is loaded by the application (Nest and TypeORM need it); tolerate its absence.
function designType(target: object, propertyKey: string | symbol): unknown {
  const reflect = Reflect as unknown as {
    getMetadata?: (key: string, t: object, p: string | symbol) => unknown;
  };
  return reflect.getMetadata?.('design:type', target, propertyKey);
}

function describe(value: unknown): string {
  return value === null
    ? 'null'
    : typeof value === 'object'
      ? (value.constructor?.name ?? 'object')
      : typeof value;
}
