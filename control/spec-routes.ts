import type { Document } from 'openapi-backend';

/** The spec's path templates, for what openapi-backend does not answer itself: Allow headers and broken escapes. */
export class SpecRoutes {
  private readonly templates: { segments: string[]; methods: string[] }[];

  constructor(definition: Document) {
    this.templates = Object.entries(definition.paths ?? {}).map(([path, item]) => ({
      segments: path.split('/'),
      methods: ['get', 'put', 'post', 'delete', 'patch'].filter((m) => item && m in item).map((m) => m.toUpperCase()),
    }));
  }

  /** The methods the spec allows on a path (HEAD wherever GET is). */
  allowed(path: string): string[] {
    const segments = path.split('/');
    const methods = this.templates.filter((t) => this.fits(t.segments, segments)).flatMap((t) => t.methods);
    return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
  }

  /** The first segment that is not valid percent-encoding, named after its path parameter where the spec has one. */
  brokenEscape(path: string): { field: string; rule: string } | null {
    const segments = path.split('/');
    const index = segments.findIndex((segment) => {
      try {
        decodeURIComponent(segment);
        return false;
      } catch {
        return true;
      }
    });
    if (index < 0) return null;
    const template = this.templates.find((t) => this.fits(t.segments, segments));
    const param = /^\{(.+)\}$/.exec(template?.segments[index] ?? '')?.[1];
    return { field: param ?? 'path', rule: `${JSON.stringify(segments[index])} is not valid percent-encoding (a % must be followed by two hex digits of UTF-8)` };
  }

  private fits(template: string[], segments: string[]): boolean {
    return template.length === segments.length && template.every((t, i) => t.startsWith('{') || t === segments[i]);
  }
}
