import type { ItemReference } from '@ferry/migration/application';
import type { ItemRefEntity } from './item-ref.entity';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * A reference's row. The hash is SHA-256 hex, or '' when the worker found its earlier copy on the
 * target without reading the source (stored as NULL: char(64) would pad it); anything else is refused.
 */
export function toRefRow(ref: ItemReference): ItemRefEntity {
  if (ref.contentHash !== '' && !SHA256_HEX.test(ref.contentHash))
    throw new Error('a reference content hash must be SHA-256 hex or empty');
  return {
    projectId: ref.projectId,
    mappingId: ref.mappingId,
    sourceId: ref.sourceId,
    targetId: ref.targetId,
    folderId: ref.folderId,
    changeStamp: ref.changeStamp,
    contentHash: ref.contentHash === '' ? null : ref.contentHash.toLowerCase(),
    receivedAt: new Date(ref.receivedAt),
  };
}

export function toReference(row: ItemRefEntity): ItemReference {
  return {
    projectId: row.projectId,
    mappingId: row.mappingId,
    sourceId: row.sourceId,
    targetId: row.targetId,
    folderId: row.folderId,
    changeStamp: row.changeStamp,
    contentHash: row.contentHash ?? '',
    receivedAt: new Date(row.receivedAt).getTime(),
  };
}
