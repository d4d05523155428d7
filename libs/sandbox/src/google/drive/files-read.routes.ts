import { Readable } from 'node:stream';
import { parseRange, sendJson, sendStream } from '../../http/respond';
import type { Route } from '../../http/route';
import type { SandboxRequest } from '../../http/sandbox-request';
import { VendorError } from '../../http/vendor-error';
import { googleError } from '../../http/vendor-errors';
import { googlePage } from '../paging';
import { applyFields, parseFields, type FieldMask } from '../partial-response';
import {
  boolParam,
  badRequest,
  checkMask,
  DRIVE_SCOPES,
  driveRoute,
  fieldsOf,
  invalidParam,
  visibleFile,
  type DriveCaller,
} from './drive-http';
import { driveFileId } from './drive-ids';
import { evaluate, parseQuery, requiredParent, type QueryNode, type QueryView } from './drive-query';
import { EXPORT_FORMATS, FILE_DEFAULT_FIELDS, FILE_FIELDS, fileResource } from './drive-file.resource';
import { isFolder, isGoogleNative, type DriveFile } from './drive.model';
import { atLeast, type DriveTenantStore } from './drive.store';
import type { DriveState } from './drive.state';

const LIST_FIELDS = new Set(['kind', 'nextPageToken', 'incompleteSearch', 'files']);
const LIST_DEFAULT_FIELDS = parseFields('kind,nextPageToken,incompleteSearch,files(kind,id,name,mimeType)');
const CORPORA = new Set(['user', 'drive', 'domain', 'allDrives']);
const SORT_KEYS = new Set([
  'createdTime',
  'folder',
  'modifiedByMeTime',
  'modifiedTime',
  'name',
  'name_natural',
  'quotaBytesUsed',
  'recency',
  'sharedWithMeTime',
  'starred',
  'viewedByMeTime',
]);

/** What `q` sees of a file, from the viewer's side. */
function queryView(store: DriveTenantStore, user: string, f: DriveFile): QueryView {
  // The ACL walk is only worth doing for queries that name writers or readers.
  let acl: { writers: string[]; readers: string[] } | undefined;
  const aclOf = () => {
    if (!acl) {
      acl = { writers: [], readers: [] };
      for (const { permission: p } of store.effectivePermissions(f)) {
        if (!p.emailAddress) continue;
        acl.readers.push(p.emailAddress);
        if (atLeast(p.role, 'writer')) acl.writers.push(p.emailAddress);
      }
    }
    return acl;
  };
  return {
    name: f.name,
    mimeType: f.mimeType,
    ...(f.description !== undefined ? { description: f.description } : {}),
    modifiedTime: f.modifiedTime,
    createdTime: f.createdTime,
    trashed: f.trashed,
    starred: f.starred,
    parents: f.parents,
    owners: f.owner ? [f.owner] : [],
    get writers() {
      return aclOf().writers;
    },
    get readers() {
      return aclOf().readers;
    },
    sharedWithMe: f.owner !== undefined && f.owner !== user,
    properties: f.properties,
    appProperties: f.appProperties,
  };
}

function sorter(orderBy: string | null): ((a: DriveFile, b: DriveFile) => number) | undefined {
  if (!orderBy) return undefined;
  const keys = orderBy.split(',').map((part) => {
    const [key = '', dir, extra] = part.trim().split(/\s+/);
    if (!SORT_KEYS.has(key) || extra !== undefined || (dir !== undefined && dir !== 'desc' && dir !== 'asc'))
      throw invalidParam('orderBy', `Invalid value for orderBy: ${part.trim().slice(0, 40)}`);
    return { key, sign: dir === 'desc' ? -1 : 1 };
  });
  const value = (f: DriveFile, key: string): string | number => {
    switch (key) {
      case 'folder':
        return isFolder(f) ? 0 : 1;
      case 'name':
      case 'name_natural':
        return f.name.toLowerCase();
      case 'createdTime':
        return f.createdTime;
      case 'quotaBytesUsed':
        return f.content?.size ?? 0;
      case 'starred':
        return f.starred ? 0 : 1;
      default:
        return f.modifiedTime;
    }
  };
  return (a, b) => {
    for (const { key, sign } of keys) {
      const x = value(a, key);
      const y = value(b, key);
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return 0;
  };
}

/** files.list's corpus: which items are candidates before `q`. */
function corpusFilter(caller: DriveCaller, req: SandboxRequest): (f: DriveFile) => boolean {
  const { store, user } = caller;
  const driveId = req.query.get('driveId') ?? req.query.get('teamDriveId');
  const corpora = req.query.get('corpora') ?? (driveId ? 'drive' : 'user');
  if (!CORPORA.has(corpora)) throw invalidParam('corpora');
  const allDrives = boolParam(req, 'includeItemsFromAllDrives') || boolParam(req, 'includeTeamDriveItems');
  const supports = boolParam(req, 'supportsAllDrives') || boolParam(req, 'supportsTeamDrives');
  if ((corpora === 'drive') !== (driveId !== null))
    throw badRequest(
      'The driveId parameter must be specified if and only if corpora is set to drive.',
      'driveId',
    );
  if ((driveId || corpora === 'allDrives') && !(allDrives && supports)) {
    throw badRequest(
      'The includeItemsFromAllDrives parameter must be set to true when driveId is specified or corpora is allDrives, and supportsAllDrives must be true.',
      'includeItemsFromAllDrives',
    );
  }
  if (driveId) {
    const root = store.get(driveId);
    if (!root?.isRoot || store.roleOf(user, root) === undefined)
      throw googleError(404, 'notFound', `Shared drive not found: ${driveId}`, {
        location: 'driveId',
        locationType: 'parameter',
      });
    return (f) => f.driveId === driveId;
  }
  return corpora === 'allDrives' ? () => true : (f) => f.driveId === undefined;
}

/** The `files(...)` part of a list mask, to decide which per-file fields are worth computing. */
const filesMask = (mask: FieldMask | undefined): FieldMask | true | undefined =>
  mask ? (mask.has('*') ? true : mask.get('files')) : FILE_DEFAULT_FIELDS;

const EXPORT_LIMIT = 10 * 1024 * 1024;

/** The simplified export of a Google-native document: deterministic text, wrapped for HTML. */
function exportBytes(file: DriveFile, mimeType: string): Buffer {
  const text = `${file.name}\n\nSeeded Google document ${file.id}, version ${file.version}.\n`;
  if (mimeType === 'text/html')
    return Buffer.from(
      `<html><head><meta charset="utf-8"><title>${file.name.replace(/[<&>]/g, '')}</title></head><body><p>${text.replace(/[<&>]/g, '')}</p></body></html>`,
    );
  return Buffer.from(text);
}

/** files.list, files.get (metadata and `alt=media` with ranges), files.export, files.generateIds. */
export function fileReadRoutes(state: DriveState): Route[] {
  const list = async (req: SandboxRequest, res: Parameters<Route['handler']>[1]): Promise<void> => {
    const caller = state.caller(req);
    const { store, user } = caller;
    const q = req.query.get('q');
    const tree: QueryNode | undefined = q ? parseQuery(q) : undefined;
    const inCorpus = corpusFilter(caller, req);
    const mask = fieldsOf(req);
    checkMask(mask, LIST_FIELDS, { files: FILE_FIELDS });
    const sort = sorter(req.query.get('orderBy'));
    const aliases = { me: user, root: store.root(user).id };
    const parent = tree ? requiredParent(tree) : undefined;
    const candidates =
      parent === undefined ? [...store.all()] : store.children(parent === 'root' ? aliases.root : parent);
    let items = candidates.filter(
      (f) =>
        inCorpus(f) &&
        store.roleOf(user, f) !== undefined &&
        (!tree || evaluate(tree, queryView(store, user, f), aliases)),
    );
    if (sort) items = items.sort(sort);
    const { page, nextPageToken } = googlePage(items, req, 'pageSize', 100, 1000);
    const perFile = filesMask(mask);
    const files = await Promise.all(page.map((f) => fileResource(store, user, f, perFile)));
    const body = {
      kind: 'drive#fileList',
      incompleteSearch: false,
      files,
      ...(nextPageToken ? { nextPageToken } : {}),
    };
    sendJson(res, 200, applyFields(body, mask ?? LIST_DEFAULT_FIELDS));
  };

  const download = async (
    req: SandboxRequest,
    res: Parameters<Route['handler']>[1],
    caller: DriveCaller,
    file: DriveFile,
  ): Promise<void> => {
    if (!caller.principal.scopes.some((s) => (DRIVE_SCOPES.content as readonly string[]).includes(s)))
      throw googleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
    if (isFolder(file) || isGoogleNative(file) || !file.content) {
      throw googleError(
        403,
        'fileNotDownloadable',
        'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
        { location: 'alt', locationType: 'parameter' },
      );
    }
    const content = file.content;
    if (!content.readable)
      throw googleError(
        403,
        'cannotDownloadFile',
        "The sandbox kept only this upload's digest (over the retention budget), so its bytes cannot be served.",
      );
    const headers: Record<string, string> = {
      'content-type': file.mimeType,
      'accept-ranges': 'bytes',
      'cache-control': 'private, max-age=0',
      etag: `"${file.id}/${file.version}"`,
    };
    const range = parseRange(req.raw.headers.range, content.size);
    if (range === 'unsatisfiable') {
      throw new VendorError(
        416,
        {
          error: {
            code: 416,
            message: 'Request range not satisfiable',
            errors: [
              {
                message: 'Request range not satisfiable',
                domain: 'global',
                reason: 'requestedRangeNotSatisfiable',
              },
            ],
          },
        },
        { 'content-range': `bytes */${content.size}` },
      );
    }
    if (range) {
      await sendStream(res, 206, content.open(range.start, range.end), {
        ...headers,
        'content-length': String(range.end - range.start + 1),
        'content-range': `bytes ${range.start}-${range.end}/${content.size}`,
      });
      return;
    }
    await sendStream(res, 200, content.size > 0 ? content.open() : Readable.from([]), {
      ...headers,
      'content-length': String(content.size),
    });
  };

  return [
    driveRoute('GET', '/drive/v3/files', 'files.list', DRIVE_SCOPES.read, list),
    driveRoute('GET', '/drive/v3/files/generateIds', 'files.generateIds', DRIVE_SCOPES.write, (req, res) => {
      const { store } = state.caller(req);
      const raw = req.query.get('count') ?? '10';
      const count = Number(raw);
      if (!Number.isInteger(count) || count < 1 || count > 1000)
        throw invalidParam(
          'count',
          `Invalid value '${raw.slice(0, 20)}'. Values must be within the range: [1, 1000]`,
        );
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const id = driveFileId(`${store.newFileId()}/generated`);
        store.generatedIds.add(id);
        ids.push(id);
      }
      sendJson(
        res,
        200,
        applyFields(
          { kind: 'drive#generatedIds', space: req.query.get('space') ?? 'drive', ids },
          fieldsOf(req) ?? true,
        ),
      );
    }),
    driveRoute('GET', '/drive/v3/files/:fileId', 'files.get', DRIVE_SCOPES.read, async (req, res) => {
      const caller = state.caller(req);
      const file = visibleFile(caller, req, req.params['fileId']);
      const alt = req.query.get('alt') ?? 'json';
      if (alt === 'media') return download(req, res, caller, file);
      if (alt !== 'json') throw invalidParam('alt');
      const mask = fieldsOf(req);
      checkMask(mask, FILE_FIELDS);
      sendJson(
        res,
        200,
        applyFields(
          await fileResource(caller.store, caller.user, file, mask ?? FILE_DEFAULT_FIELDS),
          mask ?? FILE_DEFAULT_FIELDS,
        ),
      );
    }),
    driveRoute(
      'GET',
      '/drive/v3/files/:fileId/export',
      'files.export',
      DRIVE_SCOPES.content,
      async (req, res) => {
        const caller = state.caller(req);
        const file = visibleFile(caller, req, req.params['fileId']);
        const mimeType = req.query.get('mimeType');
        if (!mimeType)
          throw googleError(400, 'required', 'Required parameter: mimeType', {
            location: 'mimeType',
            locationType: 'parameter',
          });
        const formats = EXPORT_FORMATS[file.mimeType];
        if (!formats)
          throw googleError(403, 'fileNotExportable', 'Export only supports Docs Editors files.', {
            location: 'fileId',
            locationType: 'parameter',
          });
        if (!formats.includes(mimeType))
          throw badRequest('The requested conversion is not supported.', 'convertTo');
        // Simplified: every format carries the same deterministic text (HTML wraps it).
        const bytes = exportBytes(file, mimeType);
        if (bytes.length > EXPORT_LIMIT)
          throw googleError(403, 'exportSizeLimitExceeded', 'This file is too large to be exported.');
        await sendStream(res, 200, Readable.from([bytes]), {
          'content-type': mimeType,
          'content-length': String(bytes.length),
        });
      },
    ),
  ];
}
