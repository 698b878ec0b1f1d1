// The one place that knows how the window reaches the engine: Electron's preload API when it
// exists, HTTP to `imagewatch serve` otherwise. Everything else only sees ImagewatchApi.
import type { ImagewatchApi } from '../../../shared/api.js';
import { httpApi } from './http.js';

declare global {
  interface Window {
    imagewatch?: ImagewatchApi;
  }
}

export function connect(): ImagewatchApi {
  return window.imagewatch ?? httpApi();
}
