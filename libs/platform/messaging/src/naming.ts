import { subjectToken } from '@ferry/contracts';

/**
 * Applies the installation prefix to subjects, stream names and durable names, so one NATS server
 * can hold several isolated installations (and every test run its own).
 */
export class Naming {
  readonly prefix: string;

  constructor(prefix = '') {
    if (prefix !== '' && !/^[a-z0-9_-]{1,32}$/.test(prefix)) {
      throw new Error('invalid NATS prefix: use 1-32 characters of a-z 0-9 _ -');
    }
    this.prefix = prefix;
  }

  subject(relative: string): string {
    return this.prefix ? `${this.prefix}.${relative}` : relative;
  }

  /** Strips the prefix from a received subject. */
  relative(subject: string): string {
    return this.prefix && subject.startsWith(`${this.prefix}.`) ? subject.slice(this.prefix.length + 1) : subject;
  }

  stream(name: string): string {
    return this.prefix ? `${this.prefix.toUpperCase().replace(/-/g, '_')}_${name}` : name;
  }

  durable(name: string): string {
    subjectToken(name, 'durable name');
    return name;
  }
}
