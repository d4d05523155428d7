// Variables test tooling sets for itself; never a service setting, so never a typo.
const IGNORED_PREFIXES = ['FERRY_TEST_'];

/**
 * Names of `FERRY_*` variables in `env` that are not in `known`, each as a warning sentence with a
 * "did you mean" suggestion when a known name is one or two edits away. Only names are reported.
 */
export function unknownFerryVariables(
  env: Readonly<Record<string, unknown>>,
  known: readonly string[],
): string[] {
  const knownSet = new Set(known);
  return Object.keys(env)
    .filter((name) => name.startsWith('FERRY_') && !knownSet.has(name))
    .filter((name) => !IGNORED_PREFIXES.some((prefix) => name.startsWith(prefix)))
    .sort()
    .map((name) => {
      const suggestion = closest(name, known);
      return suggestion
        ? `${name} is not a setting of this service (did you mean ${suggestion}?)`
        : `${name} is not a setting of this service`;
    });
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Levenshtein distance with adjacent transpositions (so REGOIN -> REGION is one edit). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[rows - 1]![cols - 1]!;
}
