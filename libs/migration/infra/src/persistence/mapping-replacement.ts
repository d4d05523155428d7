/** A mapping row as stored (id and both addresses). */
export interface StoredMappingRow {
  readonly id: string;
  readonly sourceAddress: string;
  readonly targetAddress: string;
}

/** A mapping row as imported. */
export interface MappingRowInput {
  readonly sourceAddress: string;
  readonly targetAddress: string;
}

/** A kept row whose stored spelling changes. */
export interface MappingRowUpdate {
  readonly id: string;
  readonly sourceAddress: string;
  readonly targetAddress: string;
  /**
   * The row now points at another target mailbox: its references, target folders and cursor describe
   * copies in the old one, so they are dropped and the next pass copies everything again.
   */
  readonly retargeted: boolean;
}

/** What replacing a project's mapping changes, row by row. */
export interface MappingReplacement {
  readonly inserts: readonly MappingRowInput[];
  readonly updates: readonly MappingRowUpdate[];
  /** Ids of rows whose source address is no longer in the mapping. */
  readonly removals: readonly string[];
}

/** Two imported rows name the same source mailbox. The message names row positions, never addresses. */
export class DuplicateSourceAddressError extends Error {
  constructor(
    readonly first: number,
    readonly second: number,
  ) {
    super(`mapping rows ${first + 1} and ${second + 1} have the same source address`);
    this.name = 'DuplicateSourceAddressError';
  }
}

/** Mail addresses name one mailbox whatever their case, so rows are matched case-insensitively. */
function addressKey(address: string): string {
  return address.toLowerCase();
}

/**
 * Compares the stored mapping with the imported one: a row keeps its id while its source address is in
 * both (compared without case), so references and history stay attached to it.
 * @throws DuplicateSourceAddressError when two imported rows name the same source mailbox.
 */
export function planMappingReplacement(
  stored: readonly StoredMappingRow[],
  rows: readonly MappingRowInput[],
): MappingReplacement {
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const key = addressKey(row.sourceAddress);
    const first = seen.get(key);
    if (first !== undefined) throw new DuplicateSourceAddressError(first, index);
    seen.set(key, index);
  });
  const bySource = new Map(stored.map((s) => [addressKey(s.sourceAddress), s] as const));
  const inserts: MappingRowInput[] = [];
  const updates: MappingRowUpdate[] = [];
  for (const row of rows) {
    const kept = bySource.get(addressKey(row.sourceAddress));
    if (!kept) {
      inserts.push(row);
      continue;
    }
    bySource.delete(addressKey(row.sourceAddress));
    if (kept.sourceAddress === row.sourceAddress && kept.targetAddress === row.targetAddress) continue;
    updates.push({
      id: kept.id,
      ...row,
      retargeted: addressKey(kept.targetAddress) !== addressKey(row.targetAddress),
    });
  }
  return { inserts, updates, removals: [...bySource.values()].map((s) => s.id) };
}
