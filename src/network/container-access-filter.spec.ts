import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { fakeConfig } from '../../test/support/fake-config';
import { AddressSet } from './address-set';
import { ContainerAccessFilter } from './container-access-filter';
import type { ContainerNetwork } from './container-network';

function connect(allow: boolean, remoteAddress: string): boolean {
  const server = new EventEmitter();
  const network = { containerSources: new AddressSet(['172.30.0.0/16']) } as unknown as ContainerNetwork;
  new ContainerAccessFilter(network, fakeConfig({ allowContainerAccess: allow })).attach(server as unknown as Server);
  let destroyed = false;
  server.emit('connection', { remoteAddress, destroy: () => (destroyed = true) });
  return destroyed;
}

describe('ContainerAccessFilter', () => {
  it('destroys a connection from the containers network as it is accepted', () => {
    expect(connect(false, '172.30.0.5')).toBe(true);
    expect(connect(false, '::ffff:172.30.0.5')).toBe(true);
  });

  it('leaves other peers alone, and everyone when ALLOW_CONTAINER_ACCESS is on', () => {
    expect(connect(false, '127.0.0.1')).toBe(false);
    expect(connect(true, '172.30.0.5')).toBe(false);
  });
});
