/** Docker's own rule for container names (without the leading slash the API adds). */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export function isContainerName(value: unknown): value is string {
  return typeof value === 'string' && CONTAINER_NAME.test(value);
}

export const CONTAINER_NAME_RULE = 'a Docker container name: a letter or digit, then letters, digits, _ . or - (at most 128)';
