/** The one scope the Gmail adapters ask the broker for: read, import, relabel and trash (not delete). */
export const GMAIL_MODIFY_SCOPE = 'https://www.googleapis.com/auth/gmail.modify';

/**
 * Quota units per Gmail method, from developers.google.com/gmail/api/reference/quota ("Per-method
 * quota usage"), charged to the governor so its budget matches Google's per-user 15,000 units a
 * minute. A resumable upload's chunk PUTs are charged as imports: Google does not document them and
 * the sandbox charges each one as a `messages.import` call.
 */
export const GMAIL_UNITS = {
  'users.getProfile': 1,
  'labels.list': 1,
  'labels.create': 5,
  'messages.list': 5,
  'messages.get': 5,
  'messages.modify': 5,
  'messages.trash': 5,
  'messages.import': 25,
  'history.list': 2,
} as const;

/** A Gmail API method the adapters call (also the name errors give for it). */
export type GmailMethod = keyof typeof GMAIL_UNITS;
