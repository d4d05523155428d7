import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from '@bufbuild/protobuf';

/** Largest payload decoded off the bus; NATS's own default max_payload is 1 MiB. */
export const MAX_DECODE_BYTES = 8 * 1024 * 1024;

/** Decodes a payload, refusing unknown-shaped or oversized input with a message naming the type only. */
export function decode<T extends DescMessage>(schema: T, data: Uint8Array): MessageShape<T> {
  if (data.byteLength > MAX_DECODE_BYTES) {
    throw new Error(`payload of ${data.byteLength} bytes exceeds ${MAX_DECODE_BYTES} for ${schema.typeName}`);
  }
  try {
    return fromBinary(schema, data);
  } catch {
    throw new Error(`payload did not decode as ${schema.typeName}`);
  }
}

export function encode<T extends DescMessage>(schema: T, message: MessageShape<T>): Uint8Array {
  return toBinary(schema, create(schema, message));
}
