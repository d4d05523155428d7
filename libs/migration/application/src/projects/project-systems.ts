import type { MailSystem } from '@ferry/migration/domain';
import type { ProjectSystems } from '../ports/run.ports';

/** The pairs the mail engine carries: Google <-> Microsoft either way, IMAP into either. */
const SUPPORTED: readonly ProjectSystems[] = [
  { source: 'google', target: 'microsoft' },
  { source: 'microsoft', target: 'google' },
  { source: 'imap', target: 'google' },
  { source: 'imap', target: 'microsoft' },
];

/** Whether a project may read from `source` and write to `target`. */
export function isSupportedPair(source: MailSystem, target: MailSystem): boolean {
  return SUPPORTED.some((p) => p.source === source && p.target === target);
}

/** The pairs in words, for a refusal that tells the operator what would work. */
export function supportedPairs(): string {
  return SUPPORTED.map((p) => `${p.source} -> ${p.target}`).join(', ');
}
