import { describeHttpProblem, formatBytes, type Problem } from './http-problems';
import type { AcceptedUpload, UploadsApi, UploadStatus } from './uploads-api';

/** What an upload needs from the page around it. */
export interface UploadContext {
  api: UploadsApi;
  /** The api's limit per file (UPLOAD_MAX_BYTES): larger files are refused before sending a byte. */
  maxBytes: number;
  /** A valid access token (refreshed when needed); rejects when signed out. */
  accessToken: () => Promise<string>;
  /** Says something through the page's polite live region (screen readers). */
  announce: (text: string) => void;
  /** Runs `task` when one of the few upload slots is free (uploads share the connection). */
  withSlot: <T>(task: () => Promise<T>) => Promise<T>;
  onSignInNeeded: (message: string) => void;
}

type State = 'queued' | 'uploading' | 'pending' | 'stored' | 'failed' | 'error';

/** Polling `GET /uploads/:id`: quick at first (small files are stored within a second), then slower. */
const FIRST_POLL_MS = 400;
const MAX_POLL_MS = 5_000;

/**
 * One chosen file, from upload through "stored" to download, and its row in the list
 * (`data-state` on the row says where it is; the text says it in words).
 */
export class UploadItem {
  readonly element: HTMLLIElement;
  private readonly progress: HTMLProgressElement;
  private readonly stateText: HTMLParagraphElement;
  private readonly keyText: HTMLParagraphElement;
  private readonly retryButton: HTMLButtonElement;
  private readonly downloadButton: HTMLButtonElement;
  private accepted?: AcceptedUpload;
  private stopped = false;

  constructor(
    private readonly file: File,
    private readonly context: UploadContext,
  ) {
    this.element = document.createElement('li');
    this.element.className = 'upload';
    const head = append(this.element, 'div', 'upload-head');
    append(head, 'span', 'upload-name').textContent = file.name;
    append(head, 'span', 'upload-size').textContent = formatBytes(file.size);
    this.progress = append(this.element, 'progress', 'upload-progress');
    this.progress.max = Math.max(file.size, 1);
    this.progress.value = 0;
    this.progress.setAttribute('aria-label', `Upload progress of ${file.name}`);
    this.stateText = append(this.element, 'p', 'upload-state');
    this.keyText = append(this.element, 'p', 'upload-key');
    const actions = append(this.element, 'div', 'upload-actions');
    this.retryButton = button(actions, 'Retry', `Retry ${file.name}`, () => void this.start());
    this.downloadButton = button(actions, 'Download', `Download ${file.name}`, () => void this.download());
    this.show('queued', 'Waiting to upload…');
  }

  /** Uploads (again, after a failure), then follows the status until it is final. */
  async start(): Promise<void> {
    this.stopped = false;
    this.retryButton.hidden = true;
    if (this.accepted === undefined) {
      this.show('queued', 'Waiting to upload…');
      const ok = await this.context.withSlot(() => this.upload());
      if (!ok) return;
    }
    await this.followStatus();
  }

  /** Stops polling (sign-out). */
  stop(): void {
    this.stopped = true;
  }

  private async upload(): Promise<boolean> {
    // Refused here rather than after sending megabytes the api would refuse anyway.
    if (this.file.size > this.context.maxBytes) {
      this.fail(describeHttpProblem(413, { action: 'The upload', maxBytes: this.context.maxBytes }));
      return false;
    }
    if (this.file.size === 0) {
      this.fail({ message: 'This file is empty: there is nothing to upload.', remedy: 'none' });
      return false;
    }
    this.show('uploading', 'Uploading… 0 %');
    this.progress.value = 0;
    const token = await this.token();
    if (token === undefined) return false;
    const outcome = await this.context.api.upload(this.file, token, (sent, total) => {
      this.progress.max = Math.max(total, 1);
      this.progress.value = sent;
      this.stateText.textContent = `Uploading… ${Math.floor((sent / Math.max(total, 1)) * 100)} %`;
    });
    if (!outcome.ok) {
      this.fail(outcome.problem);
      return false;
    }
    this.accepted = outcome.value;
    this.progress.value = this.progress.max;
    this.keyText.textContent = `File key: ${outcome.value.file_key}`;
    return true;
  }

  private async followStatus(): Promise<void> {
    const accepted = this.accepted!;
    this.show(
      'pending',
      accepted.unconfirmed
        ? 'The service could not confirm this upload; checking whether it was stored…'
        : 'Accepted, waiting to be stored (pending)…',
    );
    let delay = FIRST_POLL_MS;
    while (!this.stopped) {
      await sleep(delay);
      if (this.stopped) return;
      const token = await this.token();
      if (token === undefined) return;
      const outcome = await this.context.api.status(accepted.id, token);
      if (outcome.ok) {
        if (this.settled(outcome.value)) return;
        delay = Math.min(MAX_POLL_MS, delay * 1.5);
      } else if (outcome.problem.remedy === 'retry' && outcome.status !== 0) {
        // Busy or rate-limited: wait as told and keep following.
        delay = Math.max(delay, (outcome.problem.retryAfterSeconds ?? 2) * 1000);
      } else {
        this.fail(outcome.problem);
        return;
      }
    }
  }

  /** True when the status is final. */
  private settled(status: UploadStatus): boolean {
    if (status.status === 'stored') {
      this.show('stored', 'Stored');
      this.downloadButton.hidden = false;
      this.context.announce(`${this.file.name} is stored.`);
      return true;
    }
    if (status.status === 'failed') {
      this.show('failed', `Could not be stored${status.failure_reason ? `: ${status.failure_reason}` : ''}.`);
      this.context.announce(`${this.file.name} could not be stored.`);
      return true;
    }
    // DELETE /uploads/:id from elsewhere (another tab, curl) while this page was waiting.
    if (status.status === 'deleted') {
      this.show('failed', 'Deleted.');
      this.context.announce(`${this.file.name} was deleted.`);
      return true;
    }
    return false;
  }

  private async download(): Promise<void> {
    const token = await this.token();
    if (token === undefined || this.accepted === undefined) return;
    this.downloadButton.disabled = true;
    try {
      const outcome = await this.context.api.content(this.accepted.id, token);
      if (!outcome.ok) {
        this.context.announce(outcome.problem.message);
        this.stateText.textContent = `Stored. ${outcome.problem.message}`;
        return;
      }
      saveBlob(outcome.value, this.file.name);
    } finally {
      this.downloadButton.disabled = false;
    }
  }

  private async token(): Promise<string | undefined> {
    try {
      return await this.context.accessToken();
    } catch (error) {
      this.fail({ message: (error as Error).message, remedy: 'sign-in' });
      return undefined;
    }
  }

  private fail(problem: Problem): void {
    this.show('error', problem.message);
    this.context.announce(`${this.file.name}: ${problem.message}`);
    this.retryButton.hidden = problem.remedy !== 'retry';
    if (problem.remedy === 'sign-in') this.context.onSignInNeeded(problem.message);
  }

  private show(state: State, text: string): void {
    this.element.dataset.state = state;
    this.stateText.textContent = text;
    this.progress.hidden = state !== 'uploading' && state !== 'queued';
    if (state !== 'stored') this.downloadButton.hidden = true;
  }
}

/** Hands a blob to the browser as a download, under the file's own name. */
function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; free the memory a little later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function append<K extends keyof HTMLElementTagNameMap>(parent: HTMLElement, tag: K, className: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  parent.append(element);
  return element;
}

function button(parent: HTMLElement, text: string, label: string, onClick: () => void): HTMLButtonElement {
  const element = append(parent, 'button', 'secondary');
  element.type = 'button';
  element.textContent = text;
  element.setAttribute('aria-label', label);
  element.hidden = true;
  element.addEventListener('click', onClick);
  return element;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
