import { request } from 'node:http';

/**
 * Before any timing: one upload with the token must get a 202 receipt with an id, and one
 * without a token must get 401. A server that refuses everything, or one that lets everyone
 * in, would make the comparison meaningless. Returns the receipt's upload id.
 */
export async function preflight(name: string, port: number, accessToken: string, body: Buffer): Promise<string> {
  const accepted = await post(port, body, accessToken);
  const id = /"id":"([0-9a-f-]{36})"/.exec(accepted.body)?.[1];
  if (accepted.status !== 202 || id === undefined) {
    throw new Error(`${name}: an upload with a valid token got ${accepted.status} ${accepted.body.slice(0, 200)}`);
  }
  const anonymous = await post(port, body, undefined);
  if (anonymous.status !== 401) throw new Error(`${name}: an upload without a token got ${anonymous.status}, expected 401`);
  return id;
}

function post(port: number, body: Buffer, token: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(body.length) };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request({ host: '127.0.0.1', port, path: '/uploads', method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
