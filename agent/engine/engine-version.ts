/**
 * Which Docker Engine API the agent speaks: none pinned. dockerode (docker-modem) sends paths
 * without a version (`/containers/json`, not `/v1.41/containers/json`), and an engine serves an
 * unversioned request at its own current API version. So an old engine (20.10: API 1.41) and a
 * new one that refuses old clients (29: API 1.44 at least) are both served, each in its own; the
 * fields the agent reads (state, health, per-network addresses, network mode, labels) are in both.
 * The start-up line says what the engine speaks.
 */
export interface EngineVersion {
  Version?: string;
  ApiVersion?: string;
  MinAPIVersion?: string;
}

/** The agent's start-up line about its engine (`/version`), or why it could not ask. */
export function engineLine(version: EngineVersion | Error): string {
  if (version instanceof Error) return `Docker engine: could not ask its version (${version.message}); the agent keeps trying to reach it`;
  const oldest = version.MinAPIVersion ? `, oldest it serves ${version.MinAPIVersion}` : '';
  return `Docker engine ${version.Version ?? '?'}, API ${version.ApiVersion ?? '?'}${oldest}: the agent pins no API version, so each request is served in the engine's own`;
}
