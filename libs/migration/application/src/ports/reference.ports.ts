/**
 * The reference store's record of one migrated item: ids, stamps, a hash and a date. Nothing of the
 * content, no subject, no address.
 */
export interface ItemReference {
  readonly projectId: string;
  readonly mappingId: string;
  readonly sourceId: string;
  readonly targetId: string;
  /** Source folder/label id the copy was placed from (for move detection). */
  readonly folderId: string;
  readonly changeStamp: string;
  /** SHA-256 hex of the source MIME. */
  readonly contentHash: string;
  /** Received time, epoch ms. */
  readonly receivedAt: number;
}

/** Per-mapping references, written by workers once the target accepted an item. */
export interface ReferenceStore {
  /** References for these source ids (missing ones are absent from the map). */
  get(projectId: string, mappingId: string, sourceIds: readonly string[]): Promise<Map<string, ItemReference>>;
  /** Inserts or replaces references (upsert on project, mapping, source id). */
  put(references: readonly ItemReference[]): Promise<void>;
  /** Removes references (a mirrored deletion). */
  remove(projectId: string, mappingId: string, sourceIds: readonly string[]): Promise<void>;
  /**
   * Walks every reference of a mapping in source-id order, a page at a time (the fallback delta that
   * compares an enumeration with what was copied).
   */
  page(projectId: string, mappingId: string, afterSourceId: string, limit: number): Promise<ItemReference[]>;
}
