import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { apiConfig } from '../config';
import { uploadPageContentSecurityPolicy } from './content-security-policy';
import { webConfigFrom } from './web-environment.schema';
import { WebModule } from './web.module';

const environment = {
  COGNITO_DOMAIN: 'http://127.0.0.1:9229/',
  COGNITO_CLIENT_IDS: ['client123', 'other'],
  UPLOAD_MAX_BYTES: 1024,
  WEB_ASSETS_DIR: 'unused',
};
/** cognito-local's JWKS: the user pools API answers at its origin. */
const POOL_JWKS = 'http://127.0.0.1:9229/us-east-1_LocalPool1/.well-known/jwks.json';

describe('webConfigFrom', () => {
  it('derives the hosted UI endpoints and the client from COGNITO_DOMAIN and COGNITO_CLIENT_IDS', () => {
    const config = webConfigFrom(environment, POOL_JWKS);
    expect(config.page).toEqual({
      auth: {
        authorizeUrl: 'http://127.0.0.1:9229/oauth2/authorize',
        tokenUrl: 'http://127.0.0.1:9229/oauth2/token',
        clientId: 'client123',
        scopes: ['openid', 'email', 'profile'],
        redirectUri: null,
        revokeEndpoint: 'http://127.0.0.1:9229',
        logoutUrl: null,
        signOutRedirectUri: null,
      },
      uploadMaxBytes: 1024,
    });
    expect(config.connectOrigins).toEqual(['http://127.0.0.1:9229']);
  });

  it('lets the page revoke at the user pools API of a real pool (the JWKS\'s origin), allowed by its CSP', () => {
    const real = webConfigFrom(
      { ...environment, COGNITO_DOMAIN: 'https://uploads.auth.eu-west-1.amazoncognito.com' },
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc/.well-known/jwks.json',
    );
    expect(real.page.auth?.revokeEndpoint).toBe('https://cognito-idp.eu-west-1.amazonaws.com');
    expect(real.connectOrigins).toEqual(['https://uploads.auth.eu-west-1.amazoncognito.com', 'https://cognito-idp.eu-west-1.amazonaws.com']);
  });

  it('offers the hosted logout only with a sign-out URL, and no sign-in without COGNITO_DOMAIN', () => {
    expect(webConfigFrom({ ...environment, WEB_SIGN_OUT_URI: 'https://app.example.com/' }, POOL_JWKS).page.auth).toMatchObject({
      logoutUrl: 'http://127.0.0.1:9229/logout',
      signOutRedirectUri: 'https://app.example.com/',
    });
    expect(webConfigFrom({ ...environment, COGNITO_DOMAIN: undefined }, POOL_JWKS)).toMatchObject({ page: { auth: null }, connectOrigins: [] });
  });

  it('refuses a page client whose tokens the api would not accept', () => {
    expect(() => webConfigFrom({ ...environment, WEB_CLIENT_ID: 'stranger' }, POOL_JWKS)).toThrow(/WEB_CLIENT_ID .* COGNITO_CLIENT_IDS/);
  });
});

describe('uploadPageContentSecurityPolicy', () => {
  it('allows the page itself and the token endpoint, and nothing inline', () => {
    const csp = uploadPageContentSecurityPolicy(['http://127.0.0.1:9229', 'http://127.0.0.1:9229']);
    expect(csp).toContain("default-src 'self'; script-src 'self'; style-src 'self'");
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:9229;");
    expect(csp).toContain("object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe/);
  });
});

describe('WebController', () => {
  let dir: string;
  let app: INestApplication;

  async function start(assetsDir: string): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: [WebModule] })
      .useMocker((token) => (token === apiConfig.KEY ? { web: { ...webConfigFrom(environment, POOL_JWKS), assetsDir } } : undefined))
      .compile();
    const started = moduleRef.createNestApplication({ logger: false });
    await started.init();
    return started;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'web-assets-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>page</title>');
    await writeFile(join(dir, 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'app.css'), 'body{}');
    await writeFile(join(dir, 'favicon.svg'), '<svg/>');
    await writeFile(join(dir, 'secret.txt'), 'not an asset');
    app = await start(dir);
  });

  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page at / with its CSP and no caching without revalidation', async () => {
    const page = await request(app.getHttpServer()).get('/').expect(200).expect('Content-Type', /text\/html/);
    expect(page.text).toContain('<title>page</title>');
    expect(page.headers['content-security-policy']).toBe(uploadPageContentSecurityPolicy(['http://127.0.0.1:9229']));
    expect(page.headers).toMatchObject({ 'cache-control': 'no-cache', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' });
    await request(app.getHttpServer()).get('/').set('If-None-Match', page.headers.etag).expect(304);
  });

  it('serves exactly its assets, by name', async () => {
    await request(app.getHttpServer()).get('/assets/app.js').expect(200).expect('Content-Type', /text\/javascript/);
    await request(app.getHttpServer()).get('/assets/app.css').expect(200).expect('Content-Type', /text\/css/);
    await request(app.getHttpServer()).get('/assets/favicon.svg').expect(200).expect('Content-Type', /image\/svg\+xml/);
    await request(app.getHttpServer()).get('/assets/secret.txt').expect(404);
    await request(app.getHttpServer()).get('/assets/..%2Fsecret.txt').expect(404);
  });

  it('serves the sign-in settings at /web-config.json', async () => {
    const res = await request(app.getHttpServer()).get('/web-config.json').expect(200);
    expect(res.body).toEqual(webConfigFrom(environment, POOL_JWKS).page);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('says how to build the page when it is missing, and the rest keeps working', async () => {
    const unbuilt = await start(join(dir, 'nothing-here'));
    try {
      const res = await request(unbuilt.getHttpServer()).get('/').expect(503);
      expect(res.text).toMatch(/npm run build/);
      await request(unbuilt.getHttpServer()).get('/web-config.json').expect(200);
    } finally {
      await unbuilt.close();
    }
  });
});
