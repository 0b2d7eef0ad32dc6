import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// PDF.js loads its worker with a dynamic import, which Jest's module sandbox
// refuses, so the extraction runs in a plain Node process.
const EXTRACT = `
import { PDFParse } from 'pdf-parse';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
process.stdout.write((await parser.getText()).text);
await parser.destroy();
`;

/** The text of a PDF, as a reader would copy it (pdf-parse, on PDF.js). */
export async function pdfText(pdf: Buffer): Promise<string> {
  const child = run(process.execPath, ['--input-type=module', '-e', EXTRACT], {
    cwd: __dirname,
    maxBuffer: 10 * 1024 * 1024,
  });
  child.child.stdin?.end(pdf);
  return (await child).stdout;
}
