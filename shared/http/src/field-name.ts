/** Formats a zod-style issue path as a field name: ["items", 0, "quantity"] gives "items[0].quantity". */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, part) => {
    if (typeof part === 'number') return `${name}[${part}]`;
    return name ? `${name}.${String(part)}` : String(part);
  }, '');
}
