// The upload page: sign in through the hosted UI, see the uploads made before, upload files,
// follow them to "stored", download or delete them. Plain DOM, no framework; bundled by apps/web-client/build-web-client.ts.
import { AuthSession } from './auth-session';
import { formatBytes } from './http-problems';
import { UploadItem } from './upload-item';
import { UploadsApi } from './uploads-api';
import type { WebPageConfig } from '../../../libs/contracts/src/web-page-config';
import { loadWebConfig, redirectUriFor } from './web-config';

/** Uploads at once: enough to keep the connection busy, few enough to show steady progress. */
const PARALLEL_UPLOADS = 3;
/** Uploads listed per page ("Load more" brings the next). */
const LIST_PAGE_SIZE = 25;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`The page has no #${id}`);
  return found as T;
}

const ui = {
  signIn: element<HTMLButtonElement>('sign-in'),
  signOut: element<HTMLButtonElement>('sign-out'),
  who: element<HTMLParagraphElement>('who'),
  alert: element<HTMLParagraphElement>('alert'),
  announcer: element<HTMLParagraphElement>('announcer'),
  uploadSection: element<HTMLElement>('upload-section'),
  dropZone: element<HTMLElement>('drop-zone'),
  fileInput: element<HTMLInputElement>('file-input'),
  maxSize: element<HTMLSpanElement>('max-size'),
  uploads: element<HTMLUListElement>('uploads'),
  listStatus: element<HTMLParagraphElement>('list-status'),
  loadMore: element<HTMLButtonElement>('load-more'),
};

/** Something went wrong that the person should read (role="alert"); empty clears it. */
function showAlert(text: string): void {
  ui.alert.textContent = text;
  ui.alert.hidden = text === '';
}

/** Polite announcements (role="status"); the same text twice is still read out. */
function announce(text: string): void {
  ui.announcer.textContent = '';
  requestAnimationFrame(() => (ui.announcer.textContent = text));
}

/** At most `limit` tasks at once, the rest in arrival order. */
function slots(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

function showSignedIn(user: string | undefined): void {
  ui.who.textContent = user === undefined ? 'You are not signed in.' : `Signed in as ${user}`;
  ui.signIn.hidden = user !== undefined;
  ui.signOut.hidden = user === undefined;
  ui.uploadSection.hidden = user === undefined;
}

async function main(): Promise<void> {
  let config: WebPageConfig;
  try {
    config = await loadWebConfig();
  } catch (error) {
    ui.who.textContent = '';
    showAlert(`${(error as Error).message}. Reload the page to try again.`);
    return;
  }
  ui.maxSize.textContent = formatBytes(config.uploadMaxBytes);
  if (config.auth === null) {
    ui.who.textContent = 'Sign-in is not available.';
    showAlert('Sign-in is not set up on this server (COGNITO_DOMAIN is not configured), so uploads are not possible here.');
    return;
  }
  const auth = config.auth;
  const session = new AuthSession(auth);
  const api = new UploadsApi(config.uploadMaxBytes);
  const items: UploadItem[] = [];
  /** The next page of the user's list: null before the first and after the last. */
  let nextCursor: string | null = null;

  function showListStatus(text: string): void {
    ui.listStatus.textContent = text;
    ui.listStatus.hidden = text === '';
  }

  /** The list belongs to who is signed in: it goes with them. */
  function clearList(): void {
    for (const item of items) item.stop();
    items.length = 0;
    ui.uploads.replaceChildren();
    nextCursor = null;
    ui.loadMore.hidden = true;
    showListStatus('');
  }

  /** One page of the user's uploads under what is shown (older ones: the list is newest first). */
  async function loadPage(cursor: string | null): Promise<void> {
    ui.loadMore.disabled = true;
    showListStatus('Loading your uploads…');
    try {
      const outcome = await api.list(LIST_PAGE_SIZE, cursor, await session.accessToken());
      if (!outcome.ok) {
        showListStatus(outcome.problem.message);
        return;
      }
      const shown = new Set(items.map((item) => item.id));
      for (const upload of outcome.value.items.filter((listed) => !shown.has(listed.id))) {
        const item = UploadItem.fromListed(upload, context);
        items.push(item);
        ui.uploads.append(item.element);
        if (item.pending) void item.start();
      }
      nextCursor = outcome.value.next;
      ui.loadMore.hidden = nextCursor === null;
      showListStatus(items.length === 0 ? 'No uploads yet.' : '');
    } catch (error) {
      showListStatus((error as Error).message);
    } finally {
      ui.loadMore.disabled = false;
    }
  }

  session.onChange((change) => {
    showSignedIn(change.signedIn ? change.user : undefined);
    if (!change.signedIn) {
      clearList();
      if (change.reason) showAlert(change.reason);
    }
  });

  const context = {
    api,
    maxBytes: config.uploadMaxBytes,
    accessToken: () => session.accessToken(),
    announce,
    withSlot: slots(PARALLEL_UPLOADS),
    onSignInNeeded: (message: string) => session.signOut(message),
    confirm: (question: string) => window.confirm(question),
    onDeleted: (deleted: UploadItem) => {
      items.splice(items.indexOf(deleted), 1);
      if (items.length === 0 && nextCursor === null) showListStatus('No uploads yet.');
    },
  };

  function addFiles(files: Iterable<File>): void {
    showAlert('');
    for (const file of files) {
      const item = UploadItem.fromFile(file, context);
      items.push(item);
      showListStatus('');
      ui.uploads.prepend(item.element);
      void item.start();
    }
  }

  ui.signIn.addEventListener('click', () => {
    ui.signIn.disabled = true;
    session.signIn().catch((error: Error) => {
      ui.signIn.disabled = false;
      showAlert(`Could not start signing in: ${error.message}`);
    });
  });
  ui.loadMore.addEventListener('click', () => void loadPage(nextCursor));
  ui.signOut.addEventListener('click', () => {
    session.signOut();
    showAlert('');
    announce('You are signed out.');
  });
  ui.fileInput.addEventListener('change', () => {
    addFiles(Array.from(ui.fileInput.files ?? []));
    ui.fileInput.value = '';
  });
  for (const type of ['dragenter', 'dragover'] as const) {
    ui.dropZone.addEventListener(type, (event) => {
      event.preventDefault();
      ui.dropZone.classList.add('dragging');
    });
  }
  ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('dragging'));
  // A file dropped beside the zone would otherwise replace the page (and its tokens) with the file.
  for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (event) => event.preventDefault());
  // Back from the hosted UI through the history (the page restored from the back/forward cache).
  window.addEventListener('pageshow', () => (ui.signIn.disabled = false));
  ui.dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    ui.dropZone.classList.remove('dragging');
    addFiles(Array.from(event.dataTransfer?.files ?? []));
  });

  showSignedIn(undefined);
  const here = new URL(window.location.href);
  try {
    if (await session.completeSignIn(here)) {
      announce('You are signed in.');
      await loadPage(null);
    }
  } catch (error) {
    showAlert((error as Error).message);
  } finally {
    // The code is single-use and means nothing after the exchange: keep it out of history.
    if (here.searchParams.has('code') || here.searchParams.has('error')) {
      window.history.replaceState(null, '', `${here.pathname}${here.hash}`);
    }
  }
  if (!session.signedIn && new URL(redirectUriFor(auth, window.location)).origin !== window.location.origin) {
    showAlert(`Sign-in returns to ${redirectUriFor(auth, window.location)}: open the page there to sign in.`);
  }
}

void main();
