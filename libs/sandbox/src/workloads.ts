import { gmailWorkload } from './google/gmail/gmail.workload';
import { googleCalendarWorkload } from './google/calendar/google-calendar.workload';
import { googleDirectoryWorkload } from './google/directory/google-directory.workload';
import { googleDriveWorkload } from './google/drive/google-drive.workload';
import { googlePeopleWorkload } from './google/people/google-people.workload';
import { graphBatchWorkload } from './graph/batch/graph-batch.workload';
import { graphCalendarWorkload } from './graph/calendar/graph-calendar.workload';
import { graphContactsWorkload } from './graph/contacts/graph-contacts.workload';
import { graphDirectoryWorkload } from './graph/directory/graph-directory.workload';
import { graphDriveWorkload } from './graph/drive/graph-drive.workload';
import { graphMailWorkload } from './graph/mail/graph-mail.workload';
import type { WorkloadFactory } from './sandbox-context';

/** Every emulated API family, in route-registration order. */
export const WORKLOADS: readonly WorkloadFactory[] = [
  graphDirectoryWorkload,
  graphMailWorkload,
  graphCalendarWorkload,
  graphContactsWorkload,
  graphDriveWorkload,
  graphBatchWorkload,
  googleDirectoryWorkload,
  gmailWorkload,
  googleCalendarWorkload,
  googleDriveWorkload,
  googlePeopleWorkload,
];
