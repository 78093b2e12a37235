/**
 * The UI's one door to the server: same origin, the key from session storage as a bearer token,
 * errors as `ApiError` carrying the server's message, and server-sent events read from a fetch
 * body (EventSource cannot send an Authorization header).
 */
import type { ErrorBody, Job } from '../../src/server/api-types.js';

const KEY_STORAGE = 'hangjia.apiKey';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

export function authHeaders(): Record<string, string> {
  const key = storedKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

async function failure(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as ErrorBody;
    return new ApiError(response.status, body.error.code, body.error.message);
  } catch {
    return new ApiError(response.status, null, `${response.status} ${response.statusText}`);
  }
}

/** Calls the API; JSON in and out. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw await failure(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** GETs a text resource (a report's HTML) with the key, which an iframe's own request could not send. */
export async function apiText(path: string): Promise<string> {
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok) throw await failure(response);
  return response.text();
}

/** POSTs `body` and hands each server-sent event to `onEvent` as it arrives. */
export async function streamEvents(path: string, body: unknown | undefined, onEvent: (event: string, data: unknown) => void, signal?: AbortSignal): Promise<void> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...authHeaders(), accept: 'text/event-stream', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  });
  if (!response.ok || !response.body) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n/g, '\n');
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) onEvent(event, JSON.parse(data.join('\n')));
    }
  }
}

/** Follows a job's progress stream until it completes or fails; returns its last state. */
export async function followJob(id: string, onUpdate: (job: Job) => void): Promise<Job> {
  let last: Job | undefined;
  await streamEvents(`/api/jobs/${encodeURIComponent(id)}/events`, undefined, (_event, data) => {
    last = data as Job;
    onUpdate(last);
  });
  if (!last) throw new ApiError(0, null, `Job ${id} sent no state.`);
  return last;
}

/**
 * Uploads files in one multipart request, reporting bytes sent per file (XMLHttpRequest, because
 * fetch cannot report upload progress). Files go in order, so the bytes sent so far tell which
 * files are done.
 */
export function uploadFiles(path: string, files: File[], onProgress: (sentPerFile: number[]) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append('files', file, file.name);
    const request = new XMLHttpRequest();
    request.open('POST', path);
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      let remaining = event.loaded;
      onProgress(
        files.map((file) => {
          const sent = Math.min(file.size, Math.max(0, remaining));
          remaining -= file.size;
          return file.size === 0 ? 1 : sent / file.size;
        }),
      );
    };
    request.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status >= 200 && request.status < 300) {
        onProgress(files.map(() => 1));
        resolve(body);
      } else {
        const error = (body as ErrorBody | undefined)?.error;
        reject(new ApiError(request.status, error?.code ?? null, error?.message ?? `${request.status} ${request.statusText}`));
      }
    };
    request.onerror = () => reject(new ApiError(0, null, 'The upload could not reach the server.'));
    request.send(form);
  });
}
