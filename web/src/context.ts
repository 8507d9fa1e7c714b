import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ContainersStore } from './state/containers-store';
import type { Notices } from './state/notices';

export interface Services {
  containers: ContainersStore;
  notices: Notices;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('ServicesContext missing');
  return services;
}
