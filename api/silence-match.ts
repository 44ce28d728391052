/**
 * Which silence holds a container, for the dashboard (it may import only api/): the same rule the
 * agents hold heals by and control holds notifications by (shared/silence-match.ts).
 */
export { coversHost, inForce, silencesOf } from '../shared/silence-match.js';
