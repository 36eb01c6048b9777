import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { Principal } from '../domain';
import type { Lang } from '../problems';

/** Hono environment of the app: per-request language and (after a guard) the caller. */
export interface AppEnv {
  Bindings: { incoming?: IncomingMessage };
  Variables: { lang: Lang; principal: Principal | undefined };
}

export type AppContext = Context<AppEnv>;
