import { AppParams } from "../../contract/common.js";
import { MessagePrecheckIn, MessagePrecheckOut } from "../../contract/message-precheck.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

/** Svix's message pre-check: does any enabled endpoint want this event type and channels? */
export const messagePrecheckRoutes: RouteModule = (app, { services }) => {
  app.post(
    "/api/v1/app/:app_id/msg/precheck/active",
    {
      // Asked by producers right before they create a message, so it takes the same scope.
      config: { scope: "message:create" },
      schema: {
        tags: ["Message"],
        operationId: "v1.message.precheck",
        summary: "Check whether a message would be delivered",
        description: "Answers `active: true` when at least one enabled endpoint of the application (polling endpoints included) would get a message of this event type and channels, by the same filter rule as fan-out. Nothing is created.",
        params: AppParams,
        body: MessagePrecheckIn,
        response: { 200: MessagePrecheckOut },
      },
    },
    async (req) => services.messagePrecheck.active(principalOf(req), req.params.app_id, req.body),
  );
};
