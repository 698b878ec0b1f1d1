import { createContext, useContext } from 'react';
import type { ImagewatchApi } from '../../shared/api.js';
import type { WindowStore } from './window-store.js';

export interface Services {
  api: ImagewatchApi;
  store: WindowStore;
  /** Shows an error from a failed call in the window's alert area. */
  report: (error: unknown) => void;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('ServicesContext missing');
  return services;
}
