import { Controller, ForbiddenException, Get, Logger, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import request from 'supertest';
import { createAuthTestApp } from '../testing/auth-test-app';
import { FakeCognito, TEST_CLIENT_ID, TEST_POOL_ID } from '../testing/fake-cognito';
import { CognitoAuthorizationGuard } from './cognito-authorization.guard';
import type { CognitoPrincipal } from './cognito-principal';
import { CurrentUser } from './current-user.decorator';
import { Groups } from './groups.decorator';
import { Public } from './public.decorator';
import { Scopes } from './scopes.decorator';

@Groups('admins', 'owners')
class AdminsController {
  plain(): void {}
  @Groups('auditors') audit(): void {}
  @Scopes('files/read') @Scopes('files/write') stacked(): void {}
  @Public() open(): void {}
}

@Scopes('a', 'b')
class ScopedController {
  all(): void {}
  @Scopes('c') more(): void {}
  @Groups('x', 'y') either(): void {}
}

class ChildController extends AdminsController {
  @Scopes('s') own(): void {}
}

class FreeController {
  free(): void {}
  @Groups('x') @Public() publicBeforeGroups(): void {}
}

function principal(scopes: string[], groups: string[]): CognitoPrincipal {
  return { sub: 'sub-1', username: 'u', clientId: 'c', scopes, groups };
}

function contextFor(controller: new () => object, method: string, user?: CognitoPrincipal): ExecutionContext {
  const handler = (controller.prototype as Record<string, unknown>)[method];
  const req = { user, method: 'GET', path: `/${method}` };
  return {
    getClass: () => controller,
    getHandler: () => handler,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
}

describe('CognitoAuthorizationGuard', () => {
  const guard = new CognitoAuthorizationGuard(new Reflector());
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it.each<[string, new () => object, string, CognitoPrincipal | undefined, boolean]>([
    ['no rules, no user', FreeController, 'free', undefined, true],
    ['class @Groups: one of the listed groups is enough', AdminsController, 'plain', principal([], ['owners']), true],
    ['class @Groups: none of the listed groups', AdminsController, 'plain', principal([], ['auditors']), false],
    ['class @Groups: no groups at all', AdminsController, 'plain', principal(['a'], []), false],
    ['class + method @Groups: both must hold', AdminsController, 'audit', principal([], ['admins', 'auditors']), true],
    ['class + method @Groups: the method cannot widen', AdminsController, 'audit', principal([], ['auditors']), false],
    ['class + method @Groups: the class still applies', AdminsController, 'audit', principal([], ['admins']), false],
    ['stacked @Scopes: all of both', AdminsController, 'stacked', principal(['files/read', 'files/write'], ['admins']), true],
    ['stacked @Scopes: one missing', AdminsController, 'stacked', principal(['files/read'], ['admins']), false],
    ['@Public() on the method skips the class rules', AdminsController, 'open', undefined, true],
    ['@Public() skips the method rules too', FreeController, 'publicBeforeGroups', undefined, true],
    ['class @Scopes: all present (extra ones are fine)', ScopedController, 'all', principal(['b', 'z', 'a'], []), true],
    ['class @Scopes: one missing', ScopedController, 'all', principal(['a'], []), false],
    ['class + method @Scopes: all of both', ScopedController, 'more', principal(['a', 'b', 'c'], []), true],
    ['class + method @Scopes: the class ones still apply', ScopedController, 'more', principal(['c'], []), false],
    ['@Scopes and @Groups together', ScopedController, 'either', principal(['a', 'b'], ['y']), true],
    ['@Scopes met, @Groups not', ScopedController, 'either', principal(['a', 'b'], ['z']), false],
    ['scopes are not groups', ScopedController, 'either', principal(['a', 'b', 'x'], []), false],
    ['a parent class rule is inherited', ChildController, 'own', principal(['s'], ['other']), false],
    ['parent class and own method rules', ChildController, 'own', principal(['s'], ['admins']), true],
    ['rules but no authenticated user: fail closed', ScopedController, 'all', undefined, false],
  ])('%s', (_name, controller, method, user, allowed) => {
    const check = () => guard.canActivate(contextFor(controller, method, user));
    if (allowed) {
      expect(check()).toBe(true);
      expect(warn).not.toHaveBeenCalled();
    } else {
      expect(check).toThrow(ForbiddenException);
      expect(warn).toHaveBeenCalledTimes(1);
    }
  });

  it('refuses with a generic 403 and names what was missing in the log only', () => {
    let refusal: unknown;
    try {
      guard.canActivate(contextFor(ScopedController, 'either', principal(['a'], ['z'])));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ForbiddenException);
    expect((refusal as ForbiddenException).getResponse()).toEqual({ statusCode: 403, message: 'Forbidden' });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^403 GET \/either: sub-1 lacks scope\(s\) b; .*groups x, y$/));
  });
});

@Controller()
class ProbeController {
  @Groups('admins')
  @Get('admins')
  who(@CurrentUser() user: CognitoPrincipal): CognitoPrincipal {
    return user;
  }

  @Public()
  @Groups('admins')
  @Get('open')
  open(): { ok: true } {
    return { ok: true };
  }
}

describe('CognitoAuthorizationGuard in AuthModule (after authentication)', () => {
  const cognito = new FakeCognito();
  let app: INestApplication;

  beforeAll(async () => {
    await cognito.start();
    app = await createAuthTestApp({
      environment: { COGNITO_USER_POOL_ID: TEST_POOL_ID, COGNITO_CLIENT_IDS: TEST_CLIENT_ID, COGNITO_JWKS_URI: cognito.jwksUri },
      controllers: [ProbeController],
    });
  });

  afterAll(async () => {
    await app?.close();
    await cognito.stop();
  });

  it('lets a member of the group reach the controller', async () => {
    const token = cognito.accessToken({ 'cognito:groups': ['readers', 'admins'] });
    const res = await request(app.getHttpServer()).get('/admins').auth(token, { type: 'bearer' }).expect(200);
    expect(res.body.groups).toEqual(['readers', 'admins']);
  });

  it('answers 403 with a body that does not name the group', async () => {
    const token = cognito.accessToken({ 'cognito:groups': ['uploaders'] });
    const res = await request(app.getHttpServer()).get('/admins').auth(token, { type: 'bearer' }).expect(403);
    expect(res.body).toEqual({ statusCode: 403, message: 'Forbidden' });
    expect(res.text).not.toContain('admins');
  });

  it('authenticates first: no token is a 401, not a 403', async () => {
    await request(app.getHttpServer()).get('/admins').expect(401);
  });

  it('skips @Public() routes even when they carry @Groups()', async () => {
    await request(app.getHttpServer()).get('/open').expect(200, { ok: true });
  });
});
