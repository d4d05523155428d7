import { CursorExpiredError, type MessageToWrite } from '@ferry/migration/application';
import { DEFAULT_STATE } from '@ferry/migration/domain';
import type { MimeScanResult } from '../mime/mime-scan';
import {
  fileAttachmentBody,
  fileAttachmentBytes,
  graphCreateBody,
  graphMessageJson,
  type HeldAttachment,
} from './graph-message.builder';
import { decodeCursor, decodePageState, encodeCursor, encodePageState } from './graph-page.token';
import { FERRY_COMPLETE, FERRY_ITEM_KEY, propertyValue } from './graph-properties';
import { summaryOf } from './graph-summary.mapper';

const scan = (lines: [string, string][], over: Partial<MimeScanResult> = {}): MimeScanResult => ({
  headers: new Map(),
  headerLines: lines.map(([key, line]) => ({ key, line })),
  text: 'plain',
  html: undefined,
  attachments: 0,
  sha256: 'x',
  bytes: 1,
  cutBodies: 0,
  ...over,
});
const message = (over: Partial<MessageToWrite> = {}): MessageToWrite => ({
  key: 'fy1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  placement: {
    path: ['A'],
    role: null,
    extraLabels: ['Label'],
    state: { ...DEFAULT_STATE, read: true, flagged: true },
  },
  receivedAt: Date.parse('2025-01-02T03:04:05Z'),
  size: 0,
  openMime: () => Promise.reject(new Error('not read here')),
  ...over,
});
const props = (json: Record<string, unknown>) =>
  json['singleValueExtendedProperties'] as { id: string; value: string }[];

describe('graph mail message JSON, summaries and tokens', () => {
  it('makes a received, not drafted, message with its dates, header block, state and key', () => {
    const json = graphMessageJson(
      scan([
        ['date', 'Date: Wed, 01 Jan 2025 10:00:00 +0100'],
        ['subject', 'Subject: hi'],
      ]),
      message(),
      true,
    );
    expect(props(json)).toEqual(
      expect.arrayContaining([
        { id: 'Integer 0x0E07', value: '1' },
        { id: 'SystemTime 0x0E06', value: '2025-01-02T03:04:05.000Z' },
        { id: 'SystemTime 0x0039', value: '2025-01-01T09:00:00.000Z' },
        { id: 'String 0x007D', value: 'Date: Wed, 01 Jan 2025 10:00:00 +0100\r\nSubject: hi\r\n' },
        { id: FERRY_ITEM_KEY, value: 'fy1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
        { id: FERRY_COMPLETE, value: '1' },
      ]),
    );
    expect(json).toMatchObject({
      isRead: true,
      flag: { flagStatus: 'flagged' },
      importance: 'normal',
      categories: ['Label'],
      body: { contentType: 'text', content: 'plain' },
    });
  });

  it('keeps a draft a draft, prefers HTML, uses the received time for a Date it cannot read, and marks a partial copy incomplete', () => {
    const state = { ...DEFAULT_STATE, draft: true };
    const json = graphMessageJson(
      scan([['date', 'Date: not a date']], { html: '<p>x</p>' }),
      message({ placement: { path: [], role: 'drafts', extraLabels: [], state } }),
      false,
    );
    expect(props(json)).toContainEqual({ id: 'Integer 0x0E07', value: '8' });
    expect(props(json)).toContainEqual({ id: 'SystemTime 0x0039', value: '2025-01-02T03:04:05.000Z' });
    expect(props(json).some((p) => p.id === FERRY_COMPLETE)).toBe(false);
    expect(json['body']).toEqual({ contentType: 'html', content: '<p>x</p>' });
  });

  it('splices held attachments into the create body as fileAttachments, sized exactly', () => {
    const held: HeldAttachment[] = [
      {
        info: {
          index: 0,
          filename: 'données €.pdf',
          contentType: 'application/pdf',
          contentId: undefined,
          inline: false,
        },
        content: Buffer.from([0, 1, 2, 250, 251]),
      },
      {
        info: { index: 1, filename: undefined, contentType: 'image/png', contentId: 'logo@x', inline: true },
        content: Buffer.alloc(0),
      },
      {
        info: {
          index: 2,
          filename: ' "quoted" ',
          contentType: 'message/rfc822',
          contentId: undefined,
          inline: false,
        },
        content: Buffer.from('ab'),
      },
    ];
    const json = graphMessageJson(scan([['subject', 'Subject: é']]), message(), true);
    const body = graphCreateBody(JSON.stringify(json), held);
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    expect(parsed).toEqual({
      ...json,
      attachments: [
        {
          '@odata.type': '#microsoft.graph.fileAttachment',
          name: 'données €.pdf',
          contentType: 'application/pdf',
          isInline: false,
          contentBytes: 'AAEC+vs=',
        },
        {
          '@odata.type': '#microsoft.graph.fileAttachment',
          name: 'attachment',
          contentType: 'image/png',
          isInline: true,
          contentId: 'logo@x',
          contentBytes: '',
        },
        {
          '@odata.type': '#microsoft.graph.fileAttachment',
          name: '"quoted"',
          contentType: 'message/rfc822',
          isInline: false,
          contentBytes: 'YWI=',
        },
      ],
    });
    expect(graphCreateBody(JSON.stringify(json), []).toString('utf8')).toBe(JSON.stringify(json));
    for (const a of held) {
      const one = fileAttachmentBody(a);
      expect(one.length).toBe(fileAttachmentBytes(a));
      expect(JSON.parse(one.toString('utf8'))).toMatchObject({ contentBytes: a.content.toString('base64') });
    }
  });

  it('reads summaries, with the MAPI properties Graph echoes in its own spelling', () => {
    const s = summaryOf({
      id: 'm1',
      parentFolderId: 'f1',
      isRead: true,
      flag: { flagStatus: 'flagged' },
      importance: 'high',
      changeKey: 'ck',
      receivedDateTime: '2025-01-02T03:04:05Z',
      singleValueExtendedProperties: [
        { id: 'Integer 0xe08', value: '12345' },
        { id: 'Integer 0x1081', value: '103' },
      ],
    });
    expect(s).toEqual({
      sourceId: 'm1',
      folderIds: ['f1'],
      state: { read: true, flagged: true, answered: true, draft: false, importance: 'high' },
      changeStamp: 'ck',
      size: 12345,
      receivedAt: Date.parse('2025-01-02T03:04:05Z'),
    });
    expect(
      propertyValue(
        {
          singleValueExtendedProperties: [
            { id: 'String {1D1BD01D-A9A0-44E7-991F-5A1D2AD9C92B} Name FerryComplete', value: '1' },
          ],
        },
        FERRY_COMPLETE,
      ),
    ).toBe('1');
  });

  it('round-trips page tokens and cursors, and sends a cursor it did not write to enumeration', () => {
    const state = { r: ['f1', 'f2'], l: 'https://graph.example/v1.0/x', c: { f0: '?$deltatoken=t' } };
    expect(decodePageState(encodePageState(state))).toEqual(state);
    expect(decodeCursor(encodeCursor({ f1: '?$deltatoken=a' }))).toEqual({ f1: '?$deltatoken=a' });
    expect(() => decodeCursor('gmail-history-123')).toThrow(CursorExpiredError);
    expect(() => decodePageState('bm90IGpzb24')).toThrow(/malformed/);
  });
});
