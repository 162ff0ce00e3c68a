// The one way the app talks to the server: /api/v1 over the same-origin session cookie.
import type { paths } from './openapi-types';
import type {
  AdjudicationQueue,
  AdjudicationTask,
  Agreement,
  AgreementScale,
  ApiToken,
  AuditEvent,
  AuditEventPage,
  CreateStudy,
  CreatedToken,
  CreateUser,
  Decision,
  DecisionResult,
  ImportAccepted,
  ImportJob,
  Me,
  Member,
  PartialRegions,
  PhotoSet,
  PhotoSetPage,
  QueryOf,
  ReadQueue,
  ReadTask,
  Regions,
  Results,
  Study,
  StudyDetail,
  StudyListItem,
  StudyRole,
  SubmittedScore,
  TokenScope,
  UpdateStudy,
  UpdateUser,
  UploadAccepted,
  User,
  VerifyResult,
} from './types';

export const API_BASE = '/api/v1';

/** A failed call as the user should see it: the server's message and its request id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    readonly requestId: string | null,
  ) {
    super(messages.join('; ') || `Request failed (${status})`);
    this.name = 'ApiError';
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever an authenticated call answers 401: the session has ended. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  keepalive?: boolean;
  /** Login answers 401 for bad credentials; that is not an expired session. */
  anonymous?: boolean;
}

async function toApiError(response: Response): Promise<ApiError> {
  let messages: string[] = [];
  let requestId = response.headers.get('X-Request-Id');
  try {
    const body = (await response.json()) as { message?: unknown; requestId?: unknown };
    if (Array.isArray(body.message)) messages = body.message.map(String);
    else if (typeof body.message === 'string') messages = [body.message];
    if (typeof body.requestId === 'string' && body.requestId) requestId = body.requestId;
  } catch {
    messages = [response.statusText || `Request failed (${response.status})`];
  }
  return new ApiError(response.status, messages, requestId);
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(API_BASE + path, {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers,
    body,
    keepalive: options.keepalive,
  });
  if (!response.ok) {
    if (response.status === 401 && !options.anonymous) {
      unauthorizedListeners.forEach((listener) => listener());
    }
    throw await toApiError(response);
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return undefined as T;
  return (await response.json()) as T;
}

/** Like request, but a 204 means "nothing waiting" and comes back as null. */
async function requestOrNull<T>(path: string, options: RequestOptions): Promise<T | null> {
  const result = await request<T | undefined>(path, options);
  return result ?? null;
}

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** GET /audit's filters; paging and order are the page's business. */
export type AuditFilters = Omit<
  QueryOf<paths['/api/v1/audit']['get']>,
  'cursor' | 'limit' | 'order'
>;
type PhotoSetQuery = QueryOf<paths['/api/v1/studies/{id}/photo-sets']['get']>;
type AuditExportFormat = NonNullable<QueryOf<paths['/api/v1/audit/export']['get']>['format']>;
type ImageSize = NonNullable<
  QueryOf<paths['/api/v1/photo-sets/{id}/images/{view}']['get']>['size']
>;

export const api = {
  login: (email: string, password: string) =>
    request<{ user: User }>('/auth/login', {
      method: 'POST',
      body: { email, password },
      anonymous: true,
    }),
  logout: () => request<void>('/auth/logout', { method: 'POST', anonymous: true }),
  me: () => request<Me>('/auth/me', { anonymous: true }),

  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('/auth/password', { method: 'POST', body: { currentPassword, newPassword } }),
  tokens: () => request<ApiToken[]>('/auth/tokens'),
  createToken: (name: string, scope: TokenScope) =>
    request<CreatedToken>('/auth/tokens', {
      method: 'POST',
      body: { name, scope },
    }),
  revokeToken: (id: string) => request<void>(`/auth/tokens/${id}`, { method: 'DELETE' }),

  users: () => request<User[]>('/users'),
  createUser: (body: CreateUser) => request<User>('/users', { method: 'POST', body }),
  updateUser: (id: string, body: UpdateUser) =>
    request<User>(`/users/${id}`, { method: 'PATCH', body }),

  studies: () => request<StudyListItem[]>('/studies'),
  study: (id: string) => request<StudyDetail>(`/studies/${id}`),
  createStudy: (body: CreateStudy) => request<Study>('/studies', { method: 'POST', body }),
  updateStudy: (id: string, body: UpdateStudy) =>
    request<Study>(`/studies/${id}`, { method: 'PATCH', body }),
  members: (studyId: string) => request<Member[]>(`/studies/${studyId}/members`),
  putMember: (studyId: string, userId: string, roles: StudyRole[]) =>
    request<Member>(`/studies/${studyId}/members/${userId}`, { method: 'PUT', body: { roles } }),
  removeMember: (studyId: string, userId: string) =>
    request<void>(`/studies/${studyId}/members/${userId}`, { method: 'DELETE' }),

  photoSets: (
    studyId: string,
    params: Omit<PhotoSetQuery, 'cursor'> & { cursor?: string | null },
  ) => request<PhotoSetPage>(`/studies/${studyId}/photo-sets${query(params)}`),
  photoSet: (id: string) => request<PhotoSet>(`/photo-sets/${id}`),
  photoSetImageUrl: (id: string, view: string, size: ImageSize) =>
    `${API_BASE}/photo-sets/${id}/images/${view}?size=${size}`,
  uploadPhotoSet: (studyId: string, form: FormData) =>
    request<UploadAccepted>(`/studies/${studyId}/photo-sets`, {
      method: 'POST',
      form,
    }),
  startImport: (studyId: string, form: FormData) =>
    request<ImportAccepted>(`/studies/${studyId}/imports`, { method: 'POST', form }),
  importJob: (id: string) => request<ImportJob>(`/imports/${id}`),
  results: (studyId: string) => request<Results>(`/studies/${studyId}/results`),
  agreement: (studyId: string, scale: AgreementScale = 'aa-iga') =>
    request<Agreement>(`/studies/${studyId}/agreement?scale=${scale}`),
  resultsCsvUrl: (studyId: string) => `${API_BASE}/studies/${studyId}/results?format=csv`,

  reads: () => request<ReadQueue>('/reads'),
  nextRead: () => requestOrNull<ReadTask>('/reads/next', { method: 'POST' }),
  read: (id: string) => request<ReadTask>(`/reads/${id}`),
  saveDraft: (id: string, draft: PartialRegions, keepalive = false) =>
    request<void>(`/reads/${id}/draft`, { method: 'PUT', body: draft, keepalive }),
  submitRead: (id: string, scores: Regions, idempotencyKey: string) =>
    request<SubmittedScore>(`/reads/${id}/score`, {
      method: 'POST',
      body: scores,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),

  adjudications: () => request<AdjudicationQueue>('/adjudications'),
  nextAdjudication: () =>
    requestOrNull<AdjudicationTask>('/adjudications/next', { method: 'POST' }),
  adjudication: (id: string) => request<AdjudicationTask>(`/adjudications/${id}`),
  decide: (id: string, body: Decision) =>
    request<DecisionResult>(`/adjudications/${id}/decision`, {
      method: 'POST',
      body,
    }),

  audit: (filters: AuditFilters, cursor: string | null, limit = 50) =>
    request<AuditEventPage>(`/audit${query({ ...filters, cursor, limit })}`),
  auditEntity: async (type: string, id: string) => {
    // The timeline is paged by the server (100 events unless asked); the page shows all of it.
    const path = `/audit/entities/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
    const items: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const page: AuditEventPage = await request<AuditEventPage>(
        path + query({ cursor, limit: 1000 }),
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return { items };
  },
  verifyAudit: () => request<VerifyResult>('/audit/verify'),
  auditExportUrl: (format: AuditExportFormat) => `${API_BASE}/audit/export?format=${format}`,
};
