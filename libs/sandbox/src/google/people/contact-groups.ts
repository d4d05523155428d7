import type { people_v1 } from 'googleapis';
import type { UserContacts } from './contacts.store';

/** The system groups every account has (contactGroups.list returns them with SYSTEM_CONTACT_GROUP). */
export const SYSTEM_GROUPS: readonly { readonly id: string; readonly formattedName: string }[] = [
  { id: 'myContacts', formattedName: 'My Contacts' },
  { id: 'starred', formattedName: 'Starred' },
  { id: 'friends', formattedName: 'Friends' },
  { id: 'family', formattedName: 'Family' },
  { id: 'coworkers', formattedName: 'Coworkers' },
  { id: 'chatBuddies', formattedName: 'Chat contacts' },
  { id: 'all', formattedName: 'All Contacts' },
  { id: 'blocked', formattedName: 'Blocked' },
];

export const GROUP_IDS: ReadonlySet<string> = new Set(SYSTEM_GROUPS.map((g) => g.id));

/** A system group with its live member count. Simplified: no user-created groups. */
export function groupResource(user: UserContacts, group: (typeof SYSTEM_GROUPS)[number]): people_v1.Schema$ContactGroup {
  let members = 0;
  let updated = 0;
  for (const c of user.contacts.values()) {
    if (c.deleted) continue;
    if (group.id === 'all' || c.data.memberships?.some((m) => m.contactGroupMembership?.contactGroupId === group.id)) members++;
    updated = Math.max(updated, c.updatedMs);
  }
  return {
    resourceName: `contactGroups/${group.id}`,
    etag: `${group.id}:${members}:${updated}`,
    metadata: { updateTime: new Date(updated).toISOString() },
    groupType: 'SYSTEM_CONTACT_GROUP',
    name: group.id,
    formattedName: group.formattedName,
    memberCount: members,
  };
}
