import type { SourceFolder, SystemFolder } from './mail-item';

/** A source folder for specs: an id, its path, and a role or state-only flag when it has one. */
export const sourceFolder = (
  id: string,
  path: string[],
  role: SystemFolder | null = null,
  stateOnly = false,
): SourceFolder => ({
  id,
  path,
  role,
  ...(stateOnly ? { stateOnly } : {}),
});
