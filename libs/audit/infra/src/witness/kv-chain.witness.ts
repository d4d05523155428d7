import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ChainWitness } from '@ferry/audit/application';
import type { SignedChainHead } from '@ferry/audit/domain';
import { SignedChainHeadSchema } from '@ferry/contracts';
import type { MessagingClient } from '@ferry/platform/messaging';
import { type KV, StorageType } from 'nats';

/** The bucket's name before the installation prefix. */
export const AUDIT_HEADS_BUCKET = 'audit-heads';
/** Compare-and-set attempts when another replica moved a key meanwhile. */
const ATTEMPTS = 5;

/** The KV bucket name under the installation prefix, e.g. `FERRY1_audit-heads`. */
export function auditHeadsBucketName(messaging: MessagingClient): string {
  return messaging.naming.stream(AUDIT_HEADS_BUCKET);
}

/** The key of an organisation's entry: `head.<org>` or `floor.<org>`, `platform` for the installation chain. */
export function witnessKey(kind: 'head' | 'floor', orgId: string): string {
  return `${kind}.${orgId || 'platform'}`;
}

function encodeHead(h: SignedChainHead): Uint8Array {
  return toBinary(
    SignedChainHeadSchema,
    create(SignedChainHeadSchema, { orgId: h.orgId, sequence: h.sequence, hash: h.hash, at: timestampFromDate(h.at), keyId: h.keyId, signature: h.signature }),
  );
}

function decodeHead(bytes: Uint8Array): SignedChainHead {
  const m = fromBinary(SignedChainHeadSchema, bytes);
  return { orgId: m.orgId, sequence: m.sequence, hash: m.hash, at: m.at ? timestampDate(m.at) : new Date(Number.NaN), keyId: m.keyId, signature: m.signature };
}

/** Opens (creating if missing) the witness bucket: one revision per key, file storage; NATS 2.9 features only. */
export async function openAuditHeadsBucket(messaging: MessagingClient, replicas = 1): Promise<KV> {
  const nc = await messaging.ready();
  return nc.jetstream().views.kv(auditHeadsBucketName(messaging), {
    history: 1,
    replicas,
    storage: StorageType.File,
    maxValueSize: 1024,
    description: 'Ferry audit: newest signed chain head and purge floor per organisation',
  });
}

/**
 * The witness in NATS KV, outside the database the chain lives in. Entries only move forward: an
 * update is a compare-and-set on the key's revision, and a head older than the stored one (another
 * replica's batch committed later but witnessed first) is dropped.
 */
export class KvChainWitness implements ChainWitness {
  private bucket: Promise<KV> | undefined;
  /** Last known revision and sequence per key, so the common update is one round trip. */
  private readonly known = new Map<string, { revision: number; sequence: bigint }>();

  constructor(
    private readonly messaging: MessagingClient,
    private readonly replicas = 1,
  ) {}

  private kv(): Promise<KV> {
    this.bucket ??= openAuditHeadsBucket(this.messaging, this.replicas).catch((err: unknown) => {
      this.bucket = undefined;
      throw err;
    });
    return this.bucket;
  }

  head(orgId: string): Promise<SignedChainHead | undefined> {
    return this.read(witnessKey('head', orgId));
  }

  floor(orgId: string): Promise<SignedChainHead | undefined> {
    return this.read(witnessKey('floor', orgId));
  }

  advanceHead(head: SignedChainHead): Promise<void> {
    return this.advance(witnessKey('head', head.orgId), head);
  }

  advanceFloor(floor: SignedChainHead): Promise<void> {
    return this.advance(witnessKey('floor', floor.orgId), floor);
  }

  private async read(key: string): Promise<SignedChainHead | undefined> {
    const entry = await (await this.kv()).get(key);
    return entry && entry.operation === 'PUT' && entry.value.length > 0 ? decodeHead(entry.value) : undefined;
  }

  private async advance(key: string, value: SignedChainHead): Promise<void> {
    const kv = await this.kv();
    const data = encodeHead(value);
    for (let attempt = 1; ; attempt += 1) {
      try {
        let known = this.known.get(key);
        if (!known) {
          const entry = await kv.get(key);
          if (!entry || entry.operation !== 'PUT') {
            this.known.set(key, { revision: await kv.create(key, data), sequence: value.sequence });
            return;
          }
          known = { revision: entry.revision, sequence: decodeHead(entry.value).sequence };
          this.known.set(key, known);
        }
        if (known.sequence >= value.sequence) return;
        this.known.set(key, { revision: await kv.update(key, data, known.revision), sequence: value.sequence });
        return;
      } catch (err) {
        // Another writer moved the key: read it again and retry.
        this.known.delete(key);
        if (attempt >= ATTEMPTS) throw err;
      }
    }
  }
}
