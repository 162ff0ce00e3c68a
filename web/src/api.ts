// The one way the app talks to the server: /api/v1 over the same-origin session cookie.
import type {
  AdjudicationQueue,
  ApiToken,
  Agreement,
  AdjudicationTask,
  AuditEvent,
  ImportJob,
  Me,
  Member,
  Page,
  PartialRegions,
  PhotoSet,
  ReadQueue,
  ReadTask,
  Regions,
  ResultRow,
  Role,
  Study,
  StudyDetail,
  StudyRole,
  StudySettings,
  TokenScope,
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

export interface AuditFilters {
  studyId?: string;
  actorId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: string;
  to?: string;
}

export const api = {
  login: (email: string, password: string) =>
    request<{ user: Me }>('/auth/login', {
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
    request<ApiToken & { token: string }>('/auth/tokens', {
      method: 'POST',
      body: { name, scope },
    }),
  revokeToken: (id: string) => request<void>(`/auth/tokens/${id}`, { method: 'DELETE' }),

  users: () => request<User[]>('/users'),
  createUser: (body: { email: string; name: string; password: string; roles: Role[] }) =>
    request<User>('/users', { method: 'POST', body }),
  updateUser: (id: string, body: { name?: string; roles?: Role[]; active?: boolean }) =>
    request<User>(`/users/${id}`, { method: 'PATCH', body }),

  studies: () => request<Study[]>('/studies'),
  study: (id: string) => request<StudyDetail>(`/studies/${id}`),
  createStudy: (body: { code: string; title: string; settings?: StudySettings }) =>
    request<Study>('/studies', { method: 'POST', body }),
  updateStudy: (id: string, body: { title?: string; settings?: StudySettings; reason?: string }) =>
    request<Study>(`/studies/${id}`, { method: 'PATCH', body }),
  members: (studyId: string) => request<Member[]>(`/studies/${studyId}/members`),
  putMember: (studyId: string, userId: string, roles: StudyRole[]) =>
    request<Member>(`/studies/${studyId}/members/${userId}`, { method: 'PUT', body: { roles } }),
  removeMember: (studyId: string, userId: string) =>
    request<void>(`/studies/${studyId}/members/${userId}`, { method: 'DELETE' }),

  photoSets: (
    studyId: string,
    params: { status?: string; subjectCode?: string; cursor?: string | null; limit?: number },
  ) => request<Page<PhotoSet>>(`/studies/${studyId}/photo-sets${query(params)}`),
  photoSet: (id: string) => request<PhotoSet>(`/photo-sets/${id}`),
  photoSetImageUrl: (id: string, view: string, size: 'thumb' | 'display' | 'full') =>
    `${API_BASE}/photo-sets/${id}/images/${view}?size=${size}`,
  uploadPhotoSet: (studyId: string, form: FormData) =>
    request<{ id: string; status: string }>(`/studies/${studyId}/photo-sets`, {
      method: 'POST',
      form,
    }),
  startImport: (studyId: string, form: FormData) =>
    request<{ id: string }>(`/studies/${studyId}/imports`, { method: 'POST', form }),
  importJob: (id: string) => request<ImportJob>(`/imports/${id}`),
  results: (studyId: string) => request<{ items: ResultRow[] }>(`/studies/${studyId}/results`),
  agreement: (studyId: string, scale: 'aa-iga' | 'olsen-s' = 'aa-iga') =>
    request<Agreement>(`/studies/${studyId}/agreement?scale=${scale}`),
  resultsCsvUrl: (studyId: string) => `${API_BASE}/studies/${studyId}/results?format=csv`,

  reads: () => request<ReadQueue>('/reads'),
  nextRead: () => requestOrNull<ReadTask>('/reads/next', { method: 'POST' }),
  read: (id: string) => request<ReadTask>(`/reads/${id}`),
  saveDraft: (id: string, draft: PartialRegions, keepalive = false) =>
    request<void>(`/reads/${id}/draft`, { method: 'PUT', body: draft, keepalive }),
  submitRead: (id: string, scores: Regions, idempotencyKey: string) =>
    request<{ salt: number; submittedAt: string }>(`/reads/${id}/score`, {
      method: 'POST',
      body: scores,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),

  adjudications: () => request<AdjudicationQueue>('/adjudications'),
  nextAdjudication: () =>
    requestOrNull<AdjudicationTask>('/adjudications/next', { method: 'POST' }),
  adjudication: (id: string) => request<AdjudicationTask>(`/adjudications/${id}`),
  decide: (id: string, body: { choice: 'A' | 'B' | 'own'; scores?: Regions; rationale: string }) =>
    request<{ finalSalt: number; decidedAt: string }>(`/adjudications/${id}/decision`, {
      method: 'POST',
      body,
    }),

  audit: (filters: AuditFilters, cursor: string | null, limit = 50) =>
    request<Page<AuditEvent>>(`/audit${query({ ...filters, cursor, limit })}`),
  auditEntity: (type: string, id: string) =>
    request<{ items: AuditEvent[] }>(
      `/audit/entities/${encodeURIComponent(type)}/${encodeURIComponent(id)}`,
    ),
  verifyAudit: () => request<VerifyResult>('/audit/verify'),
  auditExportUrl: (format: 'csv' | 'jsonl') => `${API_BASE}/audit/export?format=${format}`,
};
