import type { Document } from 'openapi-backend';

interface Operation {
  /** Query parameters whose schema is a number or an integer. */
  numbers: Map<string, 'integer' | 'number'>;
  takesBody: boolean;
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** The spec's path templates, for what openapi-backend does not answer itself: Allow headers, broken escapes, strict numbers, bodies. */
export class SpecRoutes {
  private readonly templates: { segments: string[]; methods: string[]; operations: Map<string, Operation> }[];

  constructor(definition: Document) {
    this.templates = Object.entries(definition.paths ?? {}).map(([path, item]) => {
      const methods = ['get', 'put', 'post', 'delete', 'patch'].filter((m) => item && m in item);
      const operations = new Map<string, Operation>();
      for (const method of methods) {
        const operation = (
          item as Record<string, { parameters?: { in: string; name: string; schema?: { type?: string } }[]; requestBody?: unknown }>
        )[method];
        const numbers = new Map<string, 'integer' | 'number'>();
        for (const p of operation?.parameters ?? [])
          if (p.in === 'query' && (p.schema?.type === 'integer' || p.schema?.type === 'number')) numbers.set(p.name, p.schema.type);
        operations.set(method.toUpperCase(), { numbers, takesBody: operation?.requestBody !== undefined });
      }
      return { segments: path.split('/'), methods: methods.map((m) => m.toUpperCase()), operations };
    });
  }

  /** Query values of number parameters written as other than plain decimals (0x3, 1e3, " 5"), each as {field, rule}. */
  queryNumberProblems(method: string, path: string, query: Record<string, unknown>): { field: string; rule: string }[] {
    const operation = this.operation(method, path);
    if (!operation) return [];
    return [...operation.numbers].flatMap(([name, type]) => {
      const value = query[name];
      if (value === undefined) return [];
      const ok = typeof value === 'string' && (type === 'integer' ? INTEGER : NUMBER).test(value);
      return ok
        ? []
        : [
            {
              field: name,
              rule: `must be ${type === 'integer' ? 'an integer' : 'a number'} written in plain decimal digits, given once (got ${JSON.stringify(value)})`,
            },
          ];
    });
  }

  /** Whether a GET of this path is one of the API's operations (not the page, Swagger UI or an unknown path). */
  isRead(path: string): boolean {
    return this.operation('GET', path) !== undefined;
  }

  /** Whether the operation at this method and path has a request body (a JSON one, in this API). */
  takesBody(method: string, path: string): boolean {
    return this.operation(method, path)?.takesBody ?? false;
  }

  private operation(method: string, path: string): Operation | undefined {
    const segments = path.split('/');
    // A literal segment wins over a template (/events/live before /events/{id}, were there one).
    const fitting = this.templates.filter((t) => this.fits(t.segments, segments) && t.operations.has(method));
    fitting.sort((a, b) => b.segments.filter((x) => !x.startsWith('{')).length - a.segments.filter((x) => !x.startsWith('{')).length);
    return fitting[0]?.operations.get(method);
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
    return {
      field: param ?? 'path',
      rule: `${JSON.stringify(segments[index])} is not valid percent-encoding (a % must be followed by two hex digits of UTF-8)`,
    };
  }

  private fits(template: string[], segments: string[]): boolean {
    return template.length === segments.length && template.every((t, i) => t.startsWith('{') || t === segments[i]);
  }
}
