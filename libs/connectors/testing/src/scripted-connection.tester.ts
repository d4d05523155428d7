import type { ConnectionTester, CredentialAccess, UserLoginSample } from '@ferry/connectors/application';
import type { Connector } from '@ferry/connectors/domain';
import { type ConnectionFinding, type ConnectionReport, reportOf } from '@ferry/providers/core';

/** A ConnectionTester that answers with `findings` (all ok unless a test says otherwise) and keeps what it was asked. */
export class ScriptedConnectionTester implements ConnectionTester {
  readonly calls: {
    connector: Connector;
    userLogins: readonly UserLoginSample[];
    sampleMailbox: string | null;
  }[] = [];
  findings: ConnectionFinding[] = [
    { check: 'credentials', status: 'ok', detail: 'the credentials were accepted' },
  ];

  async test(
    connector: Connector,
    _credentials: CredentialAccess,
    userLogins: readonly UserLoginSample[],
    sampleMailbox: string | null,
  ): Promise<ConnectionReport> {
    this.calls.push({ connector, userLogins, sampleMailbox });
    return reportOf(this.findings);
  }
}
