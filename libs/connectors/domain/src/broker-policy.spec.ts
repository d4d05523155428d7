import { BROKER_POLICY, brokerGrantOf } from './broker-policy';

describe('broker policy', () => {
  it('grants migration every workload but free/busy, all three kinds and IMAP logins', () => {
    expect(brokerGrantOf('migration')).toEqual({
      workloads: ['mail', 'calendar', 'contacts', 'files', 'directory'],
      kinds: ['microsoft-365', 'google-workspace', 'imap'],
      imapLogin: true,
    });
  });

  it('grants free/busy only availability and the directory, and no IMAP', () => {
    expect(brokerGrantOf('freebusy')).toEqual({
      workloads: ['freebusy', 'directory'],
      kinds: ['microsoft-365', 'google-workspace'],
      imapLogin: false,
    });
  });

  it('grants mail routing only mail and the directory, and no IMAP', () => {
    expect(brokerGrantOf('mailrouting')).toEqual({
      workloads: ['mail', 'directory'],
      kinds: ['microsoft-365', 'google-workspace'],
      imapLogin: false,
    });
  });

  it.each(['gateway', 'identity', 'connectors', 'Migration', ' migration', ''])(
    'grants the unlisted service %j nothing',
    (service) => {
      expect(brokerGrantOf(service)).toBeUndefined();
    },
  );

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])(
    'grants the inherited property name %j nothing',
    (service) => {
      expect(brokerGrantOf(service)).toBeUndefined();
    },
  );

  it('only IMAP-capable grants list the imap kind', () => {
    for (const [service, grant] of Object.entries(BROKER_POLICY)) {
      expect([service, grant.kinds.includes('imap')]).toEqual([service, grant.imapLogin]);
    }
  });
});
