import { Agent, type IncomingHttpHeaders, request } from 'node:http';

/** One generated request, as it goes on the wire. */
export interface FuzzRequest {
  method: string;
  /** Path and query, already percent-encoded (or deliberately not). */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface FuzzResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * Sends a request with node:http rather than fetch: fetch normalises paths
 * (dot segments, percent-encoding) and refuses some methods and header
 * values, and the point is to send what a careless or hostile client would.
 * node:http still refuses bytes no HTTP client can send (a NUL or a line
 * break in a header value, a space in the path); the generators stay
 * within what it accepts.
 */
export function sendRequest(baseUrl: string, fuzz: FuzzRequest, timeoutMs = 10_000): Promise<FuzzResponse> {
  const { hostname, port } = new URL(baseUrl);
  // node:http frames a GET, HEAD, DELETE, OPTIONS or TRACE body with neither
  // Content-Length nor chunked encoding, so the server would read it as the
  // next request on the connection: give every body its length.
  const headers =
    fuzz.body === undefined
      ? fuzz.headers
      : { ...fuzz.headers, 'content-length': String(Buffer.byteLength(fuzz.body)) };
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { agent, hostname, port, method: fuzz.method, path: fuzz.path, headers, timeout: timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`No answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(fuzz.body);
  });
}

/** Closes the kept-alive sockets, so the test process can end. */
export function closeConnections(): void {
  agent.destroy();
}
