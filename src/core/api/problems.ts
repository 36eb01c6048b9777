import * as z from 'zod/mini';

/**
 * The body of every error answer (4xx/5xx): a stable code, a message in the caller's
 * language (Accept-Language), and details for the codes that carry them — `issues` for 422
 * `validation_failed`, `rows` for `csv_invalid` (CsvRowReport), `problems` for
 * `framework_invalid` (core FrameworkProblem). A 5xx answer also names its `requestId` (the
 * X-Request-Id of the answer and of the server's log line), for the user to quote to IT.
 */
export const ProblemBodySchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  details: z.optional(z.unknown()),
  requestId: z.optional(z.string()),
});
export type ProblemBody = z.infer<typeof ProblemBodySchema>;

/** One issue of a 422 `validation_failed`, in the shape zod failures are reported in. */
export const FieldIssueSchema = z.strictObject({
  /** Dotted path of the field, e.g. `levels.3.indicatorNo`. */
  path: z.string(),
  code: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/** `details` of a 422 `validation_failed`. */
export const ValidationDetailsSchema = z.strictObject({ issues: z.array(FieldIssueSchema) });
export type ValidationDetails = z.infer<typeof ValidationDetailsSchema>;
