import { VerifyIn, VerifyOut } from "../../contract/verify.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

/** Hookrelay's signature checker for receivers' developers (seed 003's "signature verification endpoint"). */
export const verifyRoutes: RouteModule = (app, { services }) => {
  app.post(
    "/api/v1/verify",
    {
      config: { scope: "app:read" },
      schema: {
        tags: ["Verification"],
        operationId: "hookrelay.verify",
        summary: "Check a received webhook's signature",
        description:
          "Given the headers and raw body a receiver got, and an endpoint (its current and grace-period secrets), a `whsec_` secret or a `whpk_` public key, answers whether the request verifies and why not: header family, timestamp skew against `toleranceSeconds`, each signature entry and the key it matched, and the exact signed content. Never returns a signature.",
        body: VerifyIn,
        response: { 200: VerifyOut },
      },
    },
    async (req) => services.signatureVerify.verify(principalOf(req), req.body),
  );
};
