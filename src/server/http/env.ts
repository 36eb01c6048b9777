import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { Principal } from '../domain';
import type { Lang } from '../problems';

/**
 * Hono environment of the app: per-request language, request id (set by requestLog, the
 * outermost middleware; quoted in log lines and 5xx problem bodies) and (after a guard) the
 * caller.
 */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage };
  Variables: { lang: Lang; requestId: string; principal: Principal | undefined };
}

export type AppContext = Context<AppEnv>;
