/** `sales-report` → `SALES_REPORT`, `email` → `EMAIL`: how a name becomes part of an environment variable's. */
export const variableName = (name: string) => name.toUpperCase().replaceAll('-', '_');
