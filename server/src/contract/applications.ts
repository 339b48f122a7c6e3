import { z } from "zod";

import { Metadata, Uid } from "./common.js";

const fields = {
  name: z.string().min(1).max(256).meta({ example: "Acme Corp" }),
  uid: Uid.nullish(),
  metadata: Metadata.optional(),
  throttleRate: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .meta({
      description:
        "Deliveries per second to all of this application's endpoints together, at most (enforced across every worker instance).",
      example: 100,
    })
    .nullish(),
  /** The older, deprecated name of `throttleRate` (svix 1.x SDKs); both are accepted and returned. */
  rateLimit: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .meta({ deprecated: true, description: "The older name of `throttleRate`.", example: 100 })
    .nullish(),
};

export const ApplicationIn = z.strictObject(fields);
export type ApplicationIn = z.output<typeof ApplicationIn>;

/** PATCH body: absent fields are kept, `null` clears; a `throttleRate` of 0 means "no limit" (as in Svix). */
export const ApplicationPatch = z.strictObject({
  ...fields,
  name: fields.name.optional(),
  throttleRate: z.number().int().min(0).max(65535).meta({ example: 100 }).nullish(),
  rateLimit: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .meta({ deprecated: true, description: "The older name of `throttleRate`.", example: 100 })
    .nullish(),
});
export type ApplicationPatch = z.output<typeof ApplicationPatch>;

export const ApplicationOut = z.object({
  id: z.string(),
  uid: z.string().nullable(),
  name: z.string(),
  metadata: Metadata,
  throttleRate: z.number().nullable(),
  rateLimit: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ApplicationOut = z.output<typeof ApplicationOut>;

export const GetIfExistsQuery = z.object({
  get_if_exists: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true"),
});
