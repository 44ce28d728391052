/**
 * Which containers a filtered `list_request` asks for: the agent applies it to what it holds, so a
 * filtered query only moves what it returns, and control applies it again to what comes back
 * (agents that predate filters ignore them). No I/O.
 */
import { globMatcher } from '../shared/glob.js';
import type { ContainerFilter, ContainerStatus } from './messages.js';

export function containerMatcher(
  filter: ContainerFilter | undefined,
): (c: Pick<ContainerStatus, 'name' | 'status' | 'monitored'>) => boolean {
  if (!filter) return () => true;
  const statuses = filter.status ? new Set<string>(filter.status) : null;
  const name = filter.name === undefined ? null : globMatcher(filter.name);
  return (c) =>
    (statuses === null || statuses.has(c.status)) &&
    (filter.monitored === undefined || c.monitored === filter.monitored) &&
    (name === null || name(c.name));
}

/** True when the filter asks for nothing in particular. */
export const isEmptyFilter = (filter: ContainerFilter | undefined): boolean => !filter || Object.keys(filter).length === 0;
