import { UnavailableError } from '../common/errors/app-error';
import { engineSocketPath } from './engine-socket';

describe('engineSocketPath', () => {
  it('uses DOCKER_HOST when it is a unix socket, the default socket when it is unset', () => {
    expect(engineSocketPath({ DOCKER_HOST: 'unix:///tmp/proxy.sock' })).toBe('/tmp/proxy.sock');
    expect(engineSocketPath({})).toBe('/var/run/docker.sock');
    expect(engineSocketPath({ DOCKER_HOST: '' })).toBe('/var/run/docker.sock');
  });

  it('refuses a DOCKER_HOST it cannot speak, naming only its scheme', () => {
    expect(() => engineSocketPath({ DOCKER_HOST: 'tcp://10.0.0.1:2376' })).toThrow(UnavailableError);
    expect(() => engineSocketPath({ DOCKER_HOST: 'ssh://user@host' })).toThrow(
      expect.objectContaining({ code: 'DOCKER_UNAVAILABLE', details: { docker_host: 'ssh://…' } }),
    );
  });
});
