import { ComposeError, ConflictError, ValidationError } from '../common/errors/app-error';
import type { ContainerSpec } from './container.types';
import { asBindFailure, assertNoPortConflict, normalizePorts } from './port-rules';

const specWithPorts = (cuid: string, ports: ContainerSpec['ports']): ContainerSpec =>
  ({ cuid, ports }) as unknown as ContainerSpec;

describe('port rules', () => {
  it('fills tcp as the default protocol and keeps host_ip only when given', () => {
    expect(
      normalizePorts([
        { host: 8080, container: 80 },
        { host: 53, container: 53, protocol: 'udp', host_ip: '::1' },
      ]),
    ).toEqual([
      { host: 8080, container: 80, protocol: 'tcp' },
      { host: 53, container: 53, protocol: 'udp', host_ip: '::1' },
    ]);
  });

  it('refuses a host port listed twice for one protocol, on any address', () => {
    const twice = (): unknown =>
      normalizePorts([
        { host: 8080, container: 80, host_ip: '127.0.0.1' },
        { host: 8080, container: 81, host_ip: '::1' },
      ]);
    expect(twice).toThrow(ValidationError);
    expect(twice).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_HOST_PORT', details: expect.objectContaining({ port: 8080 }) }),
    );
    expect(
      normalizePorts([
        { host: 53, container: 53 },
        { host: 53, container: 53, protocol: 'udp' },
      ]),
    ).toHaveLength(2);
  });

  it('answers 409 PORT_CONFLICT naming the other container, and ignores the container itself', () => {
    const others = [specWithPorts('cA', [{ host: 8080, container: 80, protocol: 'tcp' }])];
    const wanted = normalizePorts([{ host: 8080, container: 80 }]);
    expect(() => assertNoPortConflict('cB', wanted, others)).toThrow(
      expect.objectContaining({ code: 'PORT_CONFLICT', details: { port: 8080, protocol: 'tcp', cuid: 'cA' } }),
    );
    expect(() => assertNoPortConflict('cA', wanted, others)).not.toThrow();
    expect(() =>
      assertNoPortConflict('cB', normalizePorts([{ host: 8080, container: 80, protocol: 'udp' }]), others),
    ).not.toThrow();
  });

  it('turns a compose bind failure into 409 PORT_BIND_FAILED naming the port from stderr', () => {
    const ports = normalizePorts([
      { host: 8080, container: 80 },
      { host: 9090, container: 90 },
    ]);
    const failure = new ComposeError('COMPOSE_FAILED', 'up failed', {
      stderr: ['Error: Bind for 0.0.0.0:9090 failed: port is already allocated'],
    });
    const mapped = asBindFailure(failure, ports);
    expect(mapped).toBeInstanceOf(ConflictError);
    expect(mapped).toEqual(
      expect.objectContaining({ code: 'PORT_BIND_FAILED', details: expect.objectContaining({ port: 9090 }) }),
    );
  });

  it('leaves every other error as it is', () => {
    const other = new ComposeError('COMPOSE_FAILED', 'up failed', { stderr: ['no such image'] });
    const plain = new Error('x');
    expect(asBindFailure(other, [])).toBe(other);
    expect(asBindFailure(plain, [])).toBe(plain);
  });
});
