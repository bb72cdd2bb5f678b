import { LoginError } from './login.error';

/** Who logs in when no person is at a browser. */
export interface LoginCredentials {
  username: string;
  password: string;
}

/**
 * An `authorize` step for {@link loginWithCodeFlow} that does what a person does in a browser
 * on cognito-local's hosted login: load `GET /oauth2/authorize` (which checks the client and
 * the registered redirect URI and serves a form), post the form (`username`, `password` and
 * the authorize parameters as hidden fields) to `POST /oauth2/authorize`, and follow its
 * redirect to the loopback callback. Meant for the local cloud: Cognito's real hosted UI adds
 * its own CSRF cookie and pages and is left to a browser.
 */
export function hostedLoginDriver(credentials: LoginCredentials, fetchFn: typeof fetch = fetch) {
  return async (authorizeUrl: string): Promise<void> => {
    const url = new URL(authorizeUrl);
    const page = await fetchFn(url, { redirect: 'manual' });
    if (page.status !== 200) throw new LoginError(`The login page ${url.origin}${url.pathname} answered ${page.status}${await reason(page)}`);
    await page.text();

    // The form's hidden fields are the authorize parameters themselves.
    const form = new URLSearchParams(url.searchParams);
    form.set('username', credentials.username);
    form.set('password', credentials.password);
    const submitted = await fetchFn(new URL(url.pathname, url.origin), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    const location = submitted.headers.get('location');
    if (submitted.status < 300 || submitted.status >= 400 || !location) {
      const html = await submitted.text();
      const shown = /Incorrect username or password/i.test(html) ? ': incorrect username or password' : await reasonFrom(html);
      throw new LoginError(`The login form for ${credentials.username} was not accepted (${submitted.status})${shown}`);
    }
    // The browser's last step: land on the loopback callback, which settles the login either way.
    const landed = await fetchFn(new URL(location, url), { redirect: 'manual' });
    await landed.text();
  };
}

async function reason(response: Response): Promise<string> {
  return reasonFrom(await response.text());
}

/** cognito-local's errors are `{error, error_description}` JSON. */
async function reasonFrom(text: string): Promise<string> {
  try {
    const body = JSON.parse(text) as { error?: string; error_description?: string };
    return body.error_description ? `: ${body.error_description}` : body.error ? `: ${body.error}` : '';
  } catch {
    return '';
  }
}
