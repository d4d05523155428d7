/** The item's pass is not running (paused or scheduled): the queue should offer it again later. */
export class PassNotRunningError extends Error {
  constructor(readonly status: string) {
    super(`pass is ${status}`);
    this.name = 'PassNotRunningError';
  }
}
