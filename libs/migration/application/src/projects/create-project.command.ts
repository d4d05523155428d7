import type { DeletionPolicy, ExtraLabelPolicy } from '../ports/run.ports';
import type { ControlCaller } from './caller';
import { InvalidControlCommandError, type Violation } from './control-plane.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Workloads this release carries; files, calendars and contacts follow. */
const WORKLOADS = ['mail'] as const;
const DELETION: readonly DeletionPolicy[] = ['keep', 'mirror'];
const EXTRA_LABELS: readonly ExtraLabelPolicy[] = ['categories', 'ignore'];

/** A validated request to create a project. Construction fails on invalid input, naming every field. */
export class CreateProjectCommand {
  private constructor(
    readonly orgId: string,
    readonly name: string,
    readonly sourceConnectorId: string,
    readonly targetConnectorId: string,
    readonly workloads: readonly 'mail'[],
    readonly deletionPolicy: DeletionPolicy,
    readonly extraLabels: ExtraLabelPolicy,
    readonly caller: ControlCaller,
  ) {}

  static create(input: {
    orgId: string;
    name: string;
    sourceConnectorId: string;
    targetConnectorId: string;
    workloads: readonly string[];
    deletionPolicy?: string;
    extraLabels?: string;
    caller: ControlCaller;
  }): CreateProjectCommand {
    const violations: Violation[] = [];
    const name = input.name.trim();
    if (!UUID.test(input.orgId)) violations.push({ field: 'orgId', reason: 'must be a UUID' });
    if (name.length < 1 || name.length > 100)
      violations.push({ field: 'name', reason: 'must be 1-100 characters' });
    else if (/\p{Cc}/u.test(name))
      violations.push({ field: 'name', reason: 'must not contain control characters' });
    if (!UUID.test(input.sourceConnectorId))
      violations.push({ field: 'sourceConnectorId', reason: 'must be a UUID' });
    if (!UUID.test(input.targetConnectorId))
      violations.push({ field: 'targetConnectorId', reason: 'must be a UUID' });
    else if (input.sourceConnectorId.toLowerCase() === input.targetConnectorId.toLowerCase()) {
      violations.push({ field: 'targetConnectorId', reason: 'must be another connector than the source' });
    }
    const workloads = [...new Set(input.workloads)];
    if (workloads.length === 0) violations.push({ field: 'workloads', reason: 'name at least one workload' });
    if (workloads.length !== input.workloads.length)
      violations.push({ field: 'workloads', reason: 'must not repeat a workload' });
    if (workloads.some((w) => !(WORKLOADS as readonly string[]).includes(w)))
      violations.push({ field: 'workloads', reason: `only ${WORKLOADS.join(', ')} in this release` });
    const deletionPolicy = (input.deletionPolicy || 'keep') as DeletionPolicy;
    if (!DELETION.includes(deletionPolicy))
      violations.push({ field: 'deletionPolicy', reason: `must be one of ${DELETION.join(', ')}` });
    const extraLabels = (input.extraLabels || 'categories') as ExtraLabelPolicy;
    if (!EXTRA_LABELS.includes(extraLabels))
      violations.push({ field: 'extraLabels', reason: `must be one of ${EXTRA_LABELS.join(', ')}` });
    if (violations.length > 0) throw new InvalidControlCommandError(violations);
    return new CreateProjectCommand(
      input.orgId.toLowerCase(),
      name,
      input.sourceConnectorId.toLowerCase(),
      input.targetConnectorId.toLowerCase(),
      workloads as 'mail'[],
      deletionPolicy,
      extraLabels,
      input.caller,
    );
  }
}
