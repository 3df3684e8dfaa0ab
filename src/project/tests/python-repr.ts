/**
 * Python's `str()` and `repr()` of the values YAML gives us. dbt builds test names and
 * test unique_ids from these strings, so ours must be byte-for-byte the same for the
 * names and ids to match dbt's.
 */

function reprString(text: string): string {
  // Python prefers single quotes, and switches to double quotes only to avoid escaping.
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === quote) out += `\\${quote}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}

/** `repr(value)` for str, int, float, bool, None, list and dict. */
export function pythonRepr(value: unknown): string {
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${reprString(key)}: ${pythonRepr(item)}`)
      .join(', ')}}`;
  }
  return pythonStr(value);
}

/** `str(value)`: strings as they are, everything else as Python prints it. */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return value;
  // YAML `1.0` reaches us as the number 1; Python would print `1.0` (see docs/dbt-differences.md).
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return pythonRepr(value);
}
