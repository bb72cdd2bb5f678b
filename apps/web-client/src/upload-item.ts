import { describeHttpProblem, formatBytes, type Problem } from './http-problems';
import type { AcceptedUpload, ListedUpload, UploadsApi, UploadStatus } from './uploads-api';

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
  /** Asks the person to confirm something that cannot be undone. */
  confirm: (question: string) => boolean;
  /** The row was deleted: the page forgets it. */
  onDeleted: (item: UploadItem) => void;
}

type State = 'queued' | 'uploading' | 'pending' | 'stored' | 'failed' | 'error';

/** Polling `GET /uploads/:id`: quick at first (small files are stored within a second), then slower. */
const FIRST_POLL_MS = 400;
const MAX_POLL_MS = 5_000;

/**
 * One upload and its row in the list (`data-state` on the row says where it is; the text says
 * it in words): a file chosen here, from upload through "stored" to download, or one listed by
 * the api (uploaded earlier, maybe elsewhere), followed from where it is. Either can be deleted.
 */
export class UploadItem {
  readonly element: HTMLLIElement;
  private readonly progress: HTMLProgressElement;
  private readonly stateText: HTMLParagraphElement;
  private readonly keyText: HTMLParagraphElement;
  private readonly retryButton: HTMLButtonElement;
  private readonly downloadButton: HTMLButtonElement;
  private readonly deleteButton: HTMLButtonElement;
  /** Only for a file chosen on this page: what to upload. */
  private readonly file?: File;
  private readonly name: string;
  private accepted?: AcceptedUpload;
  private stopped = false;

  /** A file chosen on this page, to upload. */
  static fromFile(file: File, context: UploadContext): UploadItem {
    return new UploadItem({ name: file.name, size: file.size, file }, context);
  }

  /** An upload the api listed; one still pending is followed with {@link start}. */
  static fromListed(upload: ListedUpload, context: UploadContext): UploadItem {
    const name = upload.original_name ?? upload.file_key.slice(upload.file_key.lastIndexOf('/') + 1);
    const item = new UploadItem({ name, size: upload.size }, context);
    item.acceptedAs({ id: upload.id, file_key: upload.file_key });
    if (!item.settled(upload, { quiet: true })) item.show('pending', 'Accepted, waiting to be stored (pending)…');
    return item;
  }

  private constructor(
    source: { name: string; size: number; file?: File },
    private readonly context: UploadContext,
  ) {
    this.file = source.file;
    this.name = source.name;
    this.element = document.createElement('li');
    this.element.className = 'upload';
    const head = append(this.element, 'div', 'upload-head');
    append(head, 'span', 'upload-name').textContent = source.name;
    append(head, 'span', 'upload-size').textContent = formatBytes(source.size);
    this.progress = append(this.element, 'progress', 'upload-progress');
    this.progress.max = Math.max(source.size, 1);
    this.progress.value = 0;
    this.progress.setAttribute('aria-label', `Upload progress of ${source.name}`);
    this.stateText = append(this.element, 'p', 'upload-state');
    this.keyText = append(this.element, 'p', 'upload-key');
    const actions = append(this.element, 'div', 'upload-actions');
    this.retryButton = button(actions, 'Retry', `Retry ${source.name}`, () => void this.start());
    this.downloadButton = button(actions, 'Download', `Download ${source.name}`, () => void this.download());
    this.deleteButton = button(actions, 'Delete', `Delete ${source.name}`, () => void this.delete());
    this.show('queued', 'Waiting to upload…');
  }

  /** The upload's id once the api accepted it. */
  get id(): string | undefined {
    return this.accepted?.id;
  }

  /** True while the row still waits for its upload to be stored. */
  get pending(): boolean {
    return this.element.dataset.state === 'pending';
  }

  /** Uploads (again, after a failure), then follows the status until it is final. */
  async start(): Promise<void> {
    this.stopped = false;
    this.retryButton.hidden = true;
    if (this.accepted === undefined && this.file !== undefined) {
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
    const file = this.file!;
    // Refused here rather than after sending megabytes the api would refuse anyway.
    if (file.size > this.context.maxBytes) {
      this.fail(describeHttpProblem(413, { action: 'The upload', maxBytes: this.context.maxBytes }));
      return false;
    }
    if (file.size === 0) {
      this.fail({ message: 'This file is empty: there is nothing to upload.', remedy: 'none' });
      return false;
    }
    this.show('uploading', 'Uploading… 0 %');
    this.progress.value = 0;
    const token = await this.token();
    if (token === undefined) return false;
    const outcome = await this.context.api.upload(file, token, (sent, total) => {
      this.progress.max = Math.max(total, 1);
      this.progress.value = sent;
      this.stateText.textContent = `Uploading… ${Math.floor((sent / Math.max(total, 1)) * 100)} %`;
    });
    if (!outcome.ok) {
      this.fail(outcome.problem);
      return false;
    }
    this.acceptedAs(outcome.value);
    this.progress.value = this.progress.max;
    return true;
  }

  private acceptedAs(accepted: AcceptedUpload): void {
    this.accepted = accepted;
    this.keyText.textContent = `File key: ${accepted.file_key}`;
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

  /** True when the status is final. `quiet`: a listed row says nothing out loud when it appears. */
  private settled(status: Pick<UploadStatus, 'status' | 'failure_reason'>, { quiet = false } = {}): boolean {
    const announce = (text: string) => quiet || this.context.announce(text);
    if (status.status === 'stored') {
      this.show('stored', 'Stored');
      this.downloadButton.hidden = false;
      announce(`${this.name} is stored.`);
      return true;
    }
    if (status.status === 'failed') {
      this.show('failed', `Could not be stored${status.failure_reason ? `: ${status.failure_reason}` : ''}.`);
      announce(`${this.name} could not be stored.`);
      return true;
    }
    // DELETE /uploads/:id from elsewhere (another tab, curl) while this page was waiting.
    if (status.status === 'deleted') {
      this.show('failed', 'Deleted.');
      this.deleteButton.hidden = true;
      announce(`${this.name} was deleted.`);
      return true;
    }
    return false;
  }

  /** Asks first; once the api took the request the row goes (the worker deletes the file). */
  private async delete(): Promise<void> {
    if (this.accepted === undefined || !this.context.confirm(`Delete ${this.name}? This cannot be undone.`)) return;
    const token = await this.token();
    if (token === undefined) return;
    this.deleteButton.disabled = true;
    try {
      const outcome = await this.context.api.remove(this.accepted.id, token);
      if (!outcome.ok) {
        this.stateText.textContent = outcome.problem.message;
        this.context.announce(`${this.name}: ${outcome.problem.message}`);
        return;
      }
      this.stop();
      this.element.remove();
      this.context.announce(`${this.name} is deleted.`);
      this.context.onDeleted(this);
    } finally {
      this.deleteButton.disabled = false;
    }
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
      saveBlob(outcome.value, this.name);
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
    this.context.announce(`${this.name}: ${problem.message}`);
    this.retryButton.hidden = problem.remedy !== 'retry';
    if (problem.remedy === 'sign-in') this.context.onSignInNeeded(problem.message);
  }

  private show(state: State, text: string): void {
    this.element.dataset.state = state;
    this.stateText.textContent = text;
    this.progress.hidden = state !== 'uploading' && state !== 'queued';
    if (state !== 'stored') this.downloadButton.hidden = true;
    // Only a settled upload: one still on its way could be stored again behind the deletion.
    this.deleteButton.hidden = state !== 'stored' && state !== 'failed';
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
