import type { ProbeResult, ReadinessProbe } from '../readiness-probe.interface';

/** A probe whose answer the test chooses, counting how often it is asked. */
export class FakeProbe implements ReadinessProbe {
  calls = 0;

  constructor(
    readonly name: string,
    private answer: () => Promise<ProbeResult>,
  ) {}

  /** Always up. */
  static up(name: string): FakeProbe {
    return new FakeProbe(name, () => Promise.resolve({ up: true }));
  }

  /** Always down, with the given detail. */
  static down(name: string, detail?: string): FakeProbe {
    return new FakeProbe(name, () => Promise.resolve({ up: false, detail }));
  }

  /** Rejects with the given error. */
  static throwing(name: string, error: Error): FakeProbe {
    return new FakeProbe(name, () => Promise.reject(error));
  }

  /** Never settles. */
  static hanging(name: string): FakeProbe {
    return new FakeProbe(name, () => new Promise<ProbeResult>(() => undefined));
  }

  /** Changes the answer from now on. */
  answerWith(answer: () => Promise<ProbeResult>): void {
    this.answer = answer;
  }

  check(): Promise<ProbeResult> {
    this.calls += 1;
    return this.answer();
  }
}
