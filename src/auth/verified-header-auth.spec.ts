import request from 'supertest';
import { HttpApp, startHttpApp } from '../../test/support/http-app';
import { ContainersController } from '../containers/containers.controller';
import { ContainersService } from '../containers/containers.service';
import { CreateOrResume } from '../containers/create-or-resume';
import { ContainerViews } from '../containers/container-views';
import { ProjectStore } from '../containers/project-store';

/** Auth with a header that passed before: it skips the strategy, never the throttle or a wrong password. */
describe('a header that already passed (HTTP, no Docker)', () => {
  let t: HttpApp;
  const containers = { list: jest.fn(() => Promise.resolve({ containers: [], next_cursor: null })) };

  beforeAll(async () => {
    t = await startHttpApp(
      [ContainersController],
      [
        { provide: ContainersService, useValue: containers },
        { provide: CreateOrResume, useValue: {} },
        ContainerViews,
        { provide: ProjectStore, useValue: { get: () => undefined } },
      ],
      { env: { AUTH_MAX_FAILURES: '3' } },
    );
  });
  afterAll(() => t.close());

  it('is answered again; a wrong password after it is still refused; a locked key stays locked', async () => {
    await t.http().get('/containers').expect(200);
    await t.http().get('/containers').expect(200);
    const server = t.app.getHttpServer();
    const wrong = `Basic ${Buffer.from('admin:wrong-after-right').toString('base64')}`;
    for (let i = 0; i < 3; i += 1) {
      const res = await request(server).get('/containers').set('Authorization', wrong);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
    }
    // The third wrong one locked (address, admin): the header that passed before is refused too.
    const locked = await request(server).get('/containers').set('Authorization', t.authHeader);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
    await new Promise((r) => setTimeout(r, 1_100));
    await t.http().get('/containers').expect(200);
    expect(containers.list).toHaveBeenCalledTimes(3);
  });
});
