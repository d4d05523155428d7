import { randomUUID } from 'node:crypto';
import type { ContentSource, ContentRetention } from '../../content/content-source';
import { ChunkQueue } from './chunk-queue';
import type { ConflictBehavior } from './drive-api';
import type { Actor } from './drive.store';
import { QuickXorHash } from './quick-xor-hash';

/**
 * How long an upload session lives without activity. OneDrive does not document a figure (its
 * examples show a few days); each fragment extends it, as the uploadSession resource describes.
 */
export const UPLOAD_SESSION_TTL_MS = 48 * 3600_000;

export interface UploadSession {
  readonly id: string;
  readonly tenantId: string;
  readonly driveId: string;
  readonly parentId: string;
  readonly name: string;
  /** The file an update session replaces (addressed by id). */
  readonly targetId?: string;
  readonly behavior: ConflictBehavior;
  readonly description?: string;
  readonly by: Actor;
  /** From `item.fileSize`, or the first fragment's Content-Range total. */
  size?: number;
  received: number;
  expiresAt: number;
  readonly hash: QuickXorHash;
  readonly queue: ChunkQueue;
  /** The collected content, settled once the last byte has been queued. */
  readonly content: Promise<ContentSource>;
}

export type NewSession = Omit<UploadSession, 'id' | 'received' | 'expiresAt' | 'hash' | 'queue' | 'content'>;

/** Open upload sessions; fragments stream into the content retention as they arrive. */
export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  constructor(
    private readonly retention: ContentRetention,
    private readonly now: () => number,
  ) {}

  open(n: NewSession): UploadSession {
    const queue = new ChunkQueue();
    const content = this.retention.collect(queue);
    // A cancelled or expired session rejects its collection; nobody awaits it then.
    content.catch(() => undefined);
    const session: UploadSession = { ...n, id: randomUUID(), received: 0, expiresAt: this.now() + UPLOAD_SESSION_TTL_MS, hash: new QuickXorHash(), queue, content };
    this.sessions.set(session.id, session);
    return session;
  }

  /** A live session; an expired one is discarded on sight. */
  get(id: string): UploadSession | undefined {
    const s = this.sessions.get(id);
    if (s && s.expiresAt <= this.now()) {
      this.close(s, 'expired');
      return undefined;
    }
    return s;
  }

  accept(s: UploadSession, chunk: Buffer): void {
    s.hash.update(chunk);
    s.queue.push(chunk);
    s.received += chunk.length;
    s.expiresAt = this.now() + UPLOAD_SESSION_TTL_MS;
  }

  close(s: UploadSession, reason: 'completed' | 'cancelled' | 'expired'): void {
    this.sessions.delete(s.id);
    if (reason === 'completed') s.queue.end();
    else s.queue.fail(new Error(`upload session ${reason}`));
  }

  get size(): number {
    return this.sessions.size;
  }
}
