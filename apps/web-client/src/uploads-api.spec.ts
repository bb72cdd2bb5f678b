import { UploadsApi } from './uploads-api';

/** Answers every request with one status, body and Retry-After, as the api would. */
function answerWith(status: number, body: unknown, retryAfter: string | null = null): void {
  class AnsweringXhr {
    status = 0;
    response: unknown = null;
    responseType = '';
    upload: { onprogress?: unknown } = {};
    onload?: () => void;
    onerror?: () => void;
    open(): void {}
    setRequestHeader(): void {}
    getResponseHeader(name: string): string | null {
      return name.toLowerCase() === 'retry-after' ? retryAfter : null;
    }
    send(): void {
      this.status = status;
      this.response = body;
      queueMicrotask(() => this.onload?.());
    }
  }
  (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = AnsweringXhr;
}

describe('UploadsApi.upload', () => {
  const api = new UploadsApi(1024 * 1024);
  const file = { name: 'a.txt', type: 'text/plain', size: 3 } as File;
  afterEach(() => delete (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest);

  it('takes a 202 as accepted', async () => {
    answerWith(202, { id: 'u1', file_key: 'uploads/u1.txt' });
    await expect(api.upload(file, 't', () => undefined)).resolves.toEqual({ ok: true, value: { id: 'u1', file_key: 'uploads/u1.txt' } });
  });

  it('follows an upload the api could not confirm (503 naming it, outcome unknown) instead of dropping it', async () => {
    answerWith(503, { statusCode: 503, outcome: 'unknown', id: 'u2', file_key: 'uploads/u2.txt' }, '1');
    await expect(api.upload(file, 't', () => undefined)).resolves.toEqual({
      ok: true,
      value: { id: 'u2', file_key: 'uploads/u2.txt', unconfirmed: true },
    });
  });

  it('takes a plain 503 as "try again"', async () => {
    answerWith(503, { statusCode: 503, message: 'The event stream is unavailable; retry shortly' }, '2');
    const outcome = await api.upload(file, 't', () => undefined);
    expect(outcome).toMatchObject({ ok: false, status: 503, problem: { remedy: 'retry', retryAfterSeconds: 2 } });
  });
});
