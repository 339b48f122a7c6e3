import type { FastifySerializerCompiler } from "fastify";
import { ResponseSerializationError } from "fastify-type-provider-zod";
import { z } from "zod";

import { stringifyWithRawJson } from "../lib/raw-json.js";

/**
 * fastify-type-provider-zod's response serializer (encode with the route's zod schema, which
 * checks the response and drops fields it does not declare) with one difference: values held as
 * JSON text (`rawJson` markers: message payloads) are written verbatim, so the API shows
 * a payload with the exact values the producer sent and the receiver got (ADR 13).
 *
 * @example app.setSerializerCompiler(serializerCompiler);
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType | { properties: z.ZodType }> = ({
  schema: maybeSchema,
  method,
  url,
}) => {
  const schema = maybeSchema instanceof z.ZodType ? maybeSchema : maybeSchema.properties;
  return (data) => {
    const result = z.safeEncode(schema, data);
    if (result.error) throw new ResponseSerializationError(method, url, { cause: result.error });
    return stringifyWithRawJson(result.data);
  };
};
