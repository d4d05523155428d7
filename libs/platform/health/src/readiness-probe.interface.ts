/** One answer from a readiness probe. */
export interface ProbeResult {
  readonly up: boolean;
  /** Short human reason, e.g. "reconnecting"; shown on /health/ready, so never a connection string. */
  readonly detail?: string;
}

/**
 * A dependency the service needs before it can take traffic (its NATS connection, its database).
 * Implemented structurally: a library can provide one without importing this one.
 */
export interface ReadinessProbe {
  /** Key in the readiness response: lowercase letters, digits, `-`, `_`, `.`; starts with a letter. */
  readonly name: string;
  check(): Promise<ProbeResult>;
}

/** Something that owns a probe and exposes it as `.probe`, e.g. a messaging client. */
export interface ProbeHolder {
  readonly probe: ReadinessProbe;
}

const PROBE_NAME = /^[a-z][a-z0-9_.-]{0,62}$/;

/** True when `value` has the shape of a ReadinessProbe. */
export function isReadinessProbe(value: unknown): value is ReadinessProbe {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ReadinessProbe>;
  return typeof candidate.name === 'string' && typeof candidate.check === 'function';
}

/**
 * Checks a probe's shape and name.
 * @throws Error naming what is wrong.
 */
export function assertReadinessProbe(value: unknown, source: string): asserts value is ReadinessProbe {
  if (!isReadinessProbe(value)) {
    throw new Error(
      `${source} is not a readiness probe: expected { name: string; check(): Promise<ProbeResult> }`,
    );
  }
  if (!PROBE_NAME.test(value.name)) {
    throw new Error(
      `${source} has an invalid readiness probe name ${JSON.stringify(value.name.slice(0, 80))}: ` +
        "use 1-63 lowercase letters, digits, '-', '_' or '.', starting with a letter",
    );
  }
}
