import { z } from "zod";

/** Svix's identifier pattern for uids, event type names and channels. */
export const Name = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[a-zA-Z0-9\-_.]+$/, "may contain only letters, digits, '-', '_' and '.'");
export const Uid = Name.meta({
  description: "A unique, user-chosen identifier; usable wherever the id is.",
  example: "acme-corp",
});
/**
 * An event type name. Dotted lower-case names (`invoice.paid`) are the convention the examples
 * follow; the pattern itself is Svix's and allows more.
 */
export const EventTypeName = Name.meta({
  description: "An event type name, such as `invoice.paid`.",
  example: "invoice.paid",
});
export const Channel = Name.max(128).meta({
  description: "A channel: endpoints subscribed to it receive the message.",
  example: "project_1337",
});
export const Metadata = z.record(z.string(), z.string()).meta({ example: { plan: "enterprise" } });
export const Timestamp = z.iso.datetime({ offset: true }).meta({ example: "2026-01-15T09:30:00Z" });

/** Query parameters of every list operation. */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(250).default(50).describe("Items per page (1–250)."),
  iterator: z
    .string()
    .max(256)
    .optional()
    .describe("The `iterator` of the previous page; absent for the first page."),
  order: z.enum(["ascending", "descending"]).optional(),
});
export type ListQuery = z.output<typeof ListQuery>;

/** `{ data, iterator, prevIterator, done }`: the Svix list envelope. */
export function listResponse<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    iterator: z.string().nullable(),
    prevIterator: z.string().nullable().optional(),
    done: z.boolean(),
  });
}

export interface Page<T> {
  data: T[];
  iterator: string | null;
  prevIterator: string | null;
  done: boolean;
}

export const HttpError = z
  .object({ code: z.string(), detail: z.string() })
  .meta({ example: { code: "not_found", detail: "Application not found" } });
export const ValidationError = z.object({
  detail: z.array(z.object({ loc: z.array(z.string()), msg: z.string(), type: z.string() })),
});

/** Path parameters: an id or a uid (`app_…` or `acme`). */
export const AppParams = z.object({
  app_id: z
    .string()
    .min(1)
    .max(256)
    .meta({ description: "The application's id (`app_…`) or uid.", example: "acme-corp" }),
});

export const Iso = (ms: number): string => new Date(ms).toISOString();

/** The response schema of 204 routes: no body. */
export const NoContent = z.void();
