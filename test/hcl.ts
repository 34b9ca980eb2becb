/**
 * Reads the expression cdktf writes for `Fn.jsonencode(...)` of an object that holds
 * references, `${jsonencode({"key" = value, ...})}`, back into a plain value, so tests can
 * assert on synthesized user data exactly. References and templates come back as `${...}`
 * strings: `aws_secretsmanager_secret.x.arn` becomes `'${aws_secretsmanager_secret.x.arn}'`.
 */
export function parseJsonencode(expression: string): any {
  const match = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(expression);
  if (!match) throw new Error(`not a jsonencode expression: ${expression.slice(0, 80)}`);
  const text = match[1];
  let pos = 0;

  const fail = (what: string): never => {
    throw new Error(`${what} at ${pos}: ${text.slice(pos, pos + 60)}`);
  };
  const skip = () => {
    while (/\s/.test(text[pos] ?? '')) pos++;
  };
  const expect = (token: string) => {
    skip();
    if (!text.startsWith(token, pos)) fail(`expected ${token}`);
    pos += token.length;
  };

  /** A template interpolation `${...}` starting at pos, returned verbatim. */
  function interpolation(): string {
    const start = pos;
    pos += 2;
    let depth = 1;
    while (depth > 0) {
      const c = text[pos];
      if (c === undefined) fail('unterminated interpolation');
      if (c === '"') {
        string();
        continue;
      }
      if (c === '{') depth++;
      if (c === '}') depth--;
      pos++;
    }
    return text.slice(start, pos);
  }

  function string(): string {
    expect('"');
    let out = '';
    for (;;) {
      const c = text[pos];
      if (c === undefined) fail('unterminated string');
      if (c === '"') {
        pos++;
        return out;
      }
      if (c === '\\') {
        const next = text[pos + 1];
        const escapes: Record<string, string> = { 'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\' };
        if (next === 'u') {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else {
          out += escapes[next] ?? fail(`unknown escape \\${next}`);
          pos += 2;
        }
        continue;
      }
      if (c === '$' && text[pos + 1] === '{') {
        out += interpolation();
        continue;
      }
      out += c;
      pos++;
    }
  }

  function value(): any {
    skip();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: Record<string, any> = {};
      skip();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        const key = string();
        expect('=');
        obj[key] = value();
        skip();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect('}');
        return obj;
      }
    }
    if (c === '[') {
      pos++;
      const arr: any[] = [];
      skip();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        skip();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        expect(']');
        return arr;
      }
    }
    if (c === '"') return string();
    const literal = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(text.slice(pos));
    if (literal) {
      pos += literal[0].length;
      return JSON.parse(literal[0]);
    }
    // `a.b.c`, with index steps such as `a.b[0].c`; a closing `]` after it belongs to a list.
    const reference = /^[A-Za-z_][\w.-]*(\[\d+\][\w.-]*)*/.exec(text.slice(pos));
    if (reference) {
      pos += reference[0].length;
      return `\${${reference[0]}}`;
    }
    return fail('unexpected input');
  }

  const result = value();
  skip();
  if (pos !== text.length) fail('trailing input');
  return result;
}
