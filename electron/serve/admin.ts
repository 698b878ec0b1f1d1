// The origin's admin endpoint, contract unchanged:
//   POST /admin/workspace-images/refresh?runtime=X&recreate=true|false
//   200 {pulled, failed, recreated}; 400 {"error":"unknown runtime: X","known_runtimes":[...]};
//   500 {"error", "partial_result"} when containers cannot be listed.
// `recreate` is true only when absent or exactly `true`. An optional `engine=NAME` refreshes on
// that engine only: 400 {"error":"unknown engine: NAME …","known_engines":[...]} for another name.
import type http from 'node:http';
import type { AppController } from '../core/app/controller.js';
import { RefreshListError, UnknownEngineError, UnknownRuntimeError } from '../core/errors.js';

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function handleAdminRefresh(controller: AppController, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    send(res, 405, { error: 'method not allowed' });
    return;
  }
  const runtime = url.searchParams.get('runtime');
  const recreateParam = url.searchParams.get('recreate');
  const recreate = recreateParam === null || recreateParam === 'true';
  const engine = url.searchParams.get('engine');
  try {
    const result = await controller.refreshNamed(runtime === null ? [] : [runtime], { pullOnly: !recreate, ...(engine !== null ? { engines: [engine] } : {}) });
    send(res, 200, { pulled: result.pulled, failed: result.failed, recreated: result.recreated });
  } catch (err) {
    if (err instanceof UnknownRuntimeError) {
      send(res, 400, { error: `unknown runtime: ${err.runtime}`, known_runtimes: err.known });
      return;
    }
    if (err instanceof UnknownEngineError) {
      send(res, 400, { error: err.message, known_engines: err.known });
      return;
    }
    if (err instanceof RefreshListError) {
      const { pulled, failed, recreated } = err.partial;
      send(res, 500, { error: err.message, partial_result: { pulled, failed, recreated } });
      return;
    }
    throw err;
  }
}
