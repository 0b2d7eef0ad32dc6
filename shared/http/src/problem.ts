import type { Response } from 'express';

/**
 * RFC 9457 problem details: every error answer of every service has this
 * shape and the `application/problem+json` media type.
 * https://www.rfc-editor.org/rfc/rfc9457
 */
export interface Problem {
  status: number;
  title: string;
  detail?: string;
  /** A stable, machine-readable code, e.g. ORDER.NOT_FOUND. */
  code?: string;
  /** One entry per invalid field, e.g. { field: "items[0].quantity", message: "..." }. */
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

/** Answers with `problem`: its status, `application/problem+json`, and `type: about:blank`. */
export function sendProblem(res: Response, problem: Problem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: 'about:blank', ...problem });
}
