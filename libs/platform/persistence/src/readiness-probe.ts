/** Result of one readiness check. */
export interface ReadinessResult {
  readonly up: boolean;
  /** Why it is down, safe to show on a health endpoint (no credentials). */
  readonly detail?: string;
}

/**
 * A dependency the service needs before it can take traffic. Declared here structurally so the
 * health library can consume probes without persistence depending on it.
 */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<ReadinessResult>;
}
