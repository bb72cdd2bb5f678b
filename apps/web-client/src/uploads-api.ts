import { describeHttpProblem, retryAfterSeconds, type Problem } from './http-problems';

/**
 * The 202 of `POST /uploads`, or its 503 with `outcome: "unknown"`: the stream may have taken
 * the event (`unconfirmed`), so the upload is followed like an accepted one until the api
 * says whether it was stored.
 */
export interface AcceptedUpload {
  id: string;
  file_key: string;
  unconfirmed?: boolean;
}

/** `GET /uploads/:id` (the fields the page shows). */
export interface UploadStatus {
  id: string;
  file_key: string;
  status: 'pending' | 'stored' | 'failed' | 'deleted';
  size: number;
  content_type: string;
  original_name?: string;
  failure_reason?: string;
  unconfirmed_since?: string;
}

/** One upload in `GET /uploads`. */
export interface ListedUpload {
  id: string;
  file_key: string;
  original_name?: string;
  size: number;
  content_type: string;
  status: 'pending' | 'stored' | 'failed';
  accepted_at: string;
  updated_at: string;
}

/** A page of `GET /uploads`: `next` is the cursor of the following page, null on the last. */
export interface UploadListPage {
  items: ListedUpload[];
  next: string | null;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; problem: Problem };

/** The api's upload routes, called with the signed-in user's access token (same origin). */
export class UploadsApi {
  constructor(private readonly maxBytes: number) {}

  /**
   * `POST /uploads` with the raw file as the body, through XMLHttpRequest because fetch cannot
   * report upload progress. Files over the inline threshold are staged by the api itself.
   */
  upload(file: File, accessToken: string, onProgress: (sent: number, total: number) => void): Promise<Outcome<AcceptedUpload>> {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      // The name goes in the query: a header cannot carry every character a file name can.
      xhr.open('POST', `/uploads?filename=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('Authorization', `Bearer ${accessToken}`);
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.responseType = 'json';
      xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
      xhr.onload = () => {
        const body = xhr.response as (Partial<AcceptedUpload> & { outcome?: string }) | null;
        const named = typeof body?.id === 'string' && typeof body.file_key === 'string';
        if (xhr.status === 202 && named) {
          resolve({ ok: true, value: { id: body.id!, file_key: body.file_key! } });
        } else if (xhr.status === 503 && named && body?.outcome === 'unknown') {
          resolve({ ok: true, value: { id: body.id!, file_key: body.file_key!, unconfirmed: true } });
        } else {
          resolve(this.failure(xhr.status, xhr.getResponseHeader('Retry-After'), 'The upload'));
        }
      };
      // No answer at all: network trouble, or the api closing the connection on an over-size body.
      xhr.onerror = () => resolve(this.failure(file.size > this.maxBytes ? 413 : 0, null, 'The upload'));
      xhr.send(file);
    });
  }

  async status(id: string, accessToken: string): Promise<Outcome<UploadStatus>> {
    const response = await this.get(`/uploads/${encodeURIComponent(id)}`, accessToken, 'application/json');
    if (!response.ok) return this.failure(response.status, response.headers.get('Retry-After'), 'Checking the status');
    return { ok: true, value: (await response.json()) as UploadStatus };
  }

  /** A page of the user's uploads, newest first; `cursor` is the previous page's `next`. */
  async list(limit: number, cursor: string | null, accessToken: string): Promise<Outcome<UploadListPage>> {
    const query = new URLSearchParams({ limit: String(limit), ...(cursor === null ? {} : { cursor }) });
    const response = await this.get(`/uploads?${query}`, accessToken, 'application/json');
    if (!response.ok) return this.failure(response.status, response.headers.get('Retry-After'), 'Listing your uploads');
    return { ok: true, value: (await response.json()) as UploadListPage };
  }

  /** `DELETE /uploads/:id`: 202 once the deletion is on its way; 404 and 409 mean it is gone already. */
  async remove(id: string, accessToken: string): Promise<Outcome<'requested' | 'gone'>> {
    let response: Response;
    try {
      response = await fetch(`/uploads/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { Authorization: `Bearer ${accessToken}` } });
    } catch {
      response = Response.error();
    }
    if (response.status === 202) return { ok: true, value: 'requested' };
    if (response.status === 404 || response.status === 409) return { ok: true, value: 'gone' };
    return this.failure(response.status, response.headers.get('Retry-After'), 'The deletion');
  }

  /** The stored bytes, fetched with the token (a plain link could not carry it). */
  async content(id: string, accessToken: string): Promise<Outcome<Blob>> {
    const response = await this.get(`/uploads/${encodeURIComponent(id)}/content`, accessToken, '*/*');
    if (!response.ok) return this.failure(response.status, response.headers.get('Retry-After'), 'The download');
    return { ok: true, value: await response.blob() };
  }

  private async get(path: string, accessToken: string, accept: string): Promise<Response> {
    try {
      return await fetch(path, { headers: { Authorization: `Bearer ${accessToken}`, Accept: accept }, cache: 'no-store' });
    } catch {
      return Response.error();
    }
  }

  private failure(status: number, retryAfter: string | null, action: string): { ok: false; status: number; problem: Problem } {
    return {
      ok: false,
      status,
      problem: describeHttpProblem(status, { action, retryAfter: retryAfterSeconds(retryAfter), maxBytes: this.maxBytes }),
    };
  }
}
