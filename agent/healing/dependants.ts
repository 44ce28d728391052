/**
 * Which containers must be restarted after one was healed, and in what order, free of I/O:
 * the containers that share its network namespace (`--network container:X`: theirs died with it,
 * and a restart joins them to the new one), and those that name it in `watchdog.depends-on`,
 * then theirs in turn, each after what it depends on. A cycle in `watchdog.depends-on` is a label
 * problem: its containers are named and none of them is restarted for it.
 */

export const DEPENDS_ON_LABEL = 'watchdog.depends-on';

export interface Neighbour {
  name: string;
  id: string;
  /** The container whose network namespace it shares (Docker's NetworkMode `container:<id or name>`). */
  networkOf?: string;
  labels?: Readonly<Record<string, string>>;
}

export interface Plan {
  /** To restart after the healed one, in this order. */
  restart: { name: string; why: string }[];
  /** Every cycle among the containers' `watchdog.depends-on` labels, one line each (their containers are not restarted for it). */
  cycles: string[];
}

/** The names a `watchdog.depends-on` label lists (comma-separated). */
export function dependsOn(labels: Readonly<Record<string, string>> | undefined): string[] {
  const text = labels?.[DEPENDS_ON_LABEL];
  if (!text) return [];
  return text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
}

export function dependantsOf(healed: string, containers: readonly Neighbour[]): Plan {
  const byName = new Map(containers.map((c) => [c.name, c]));
  const sharesWith = (c: Neighbour, other: string): boolean => {
    const mode = c.networkOf;
    const target = byName.get(other);
    return mode !== undefined && target !== undefined && (mode === other || mode === target.id || target.id.startsWith(mode));
  };
  // Who must follow whom: netns sharers and depends-on, as edges from a container to its dependants.
  const followers = (name: string): { name: string; why: string }[] =>
    containers
      .filter((c) => c.name !== name)
      .flatMap((c) =>
        sharesWith(c, name)
          ? [{ name: c.name, why: `it shares ${name}'s network namespace, which ${name}'s restart replaced` }]
          : dependsOn(c.labels).includes(name)
            ? [{ name: c.name, why: `${DEPENDS_ON_LABEL} names ${name}` }]
            : [],
      );
  const cycles = cyclesAmong(containers);
  const inCycle = new Set(cycles.flatMap((c) => c.split(' -> ')));
  // Breadth first from the healed one, then ordered so that each comes after all it depends on (in this set).
  const reached = new Map<string, string>();
  const queue = [healed];
  for (let next = queue.shift(); next !== undefined; next = queue.shift())
    for (const f of followers(next))
      if (f.name !== healed && !reached.has(f.name) && !inCycle.has(f.name)) {
        reached.set(f.name, f.why);
        queue.push(f.name);
      }
  const ordered: { name: string; why: string }[] = [];
  const placed = new Set<string>([healed]);
  const before = (name: string): string[] => {
    const c = byName.get(name);
    return [...dependsOn(c?.labels), ...(c?.networkOf ? containers.filter((o) => sharesWith(c, o.name)).map((o) => o.name) : [])];
  };
  while (ordered.length < reached.size) {
    const ready = [...reached.keys()].filter((n) => !placed.has(n) && before(n).every((b) => placed.has(b) || !reached.has(b)));
    if (ready.length === 0) break; // cannot happen without a cycle, and cycles were left out
    for (const name of ready.sort()) {
      ordered.push({ name, why: reached.get(name) ?? '' });
      placed.add(name);
    }
  }
  return { restart: ordered, cycles };
}

/** Every cycle of `watchdog.depends-on` among the containers, each as "a -> b -> a" starting from its smallest name. */
export function cyclesAmong(containers: readonly Neighbour[]): string[] {
  const edges = new Map(containers.map((c) => [c.name, dependsOn(c.labels)]));
  const found = new Set<string>();
  const walk = (path: string[]): void => {
    const last = path.at(-1) ?? '';
    for (const next of edges.get(last) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const loop = path.slice(at);
        const start = loop.indexOf([...loop].sort()[0] ?? '');
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        found.add([...rotated, rotated[0]].join(' -> '));
      } else if (edges.has(next) && path.length < 50) walk([...path, next]);
    }
  };
  for (const name of edges.keys()) walk([name]);
  return [...found].sort();
}
