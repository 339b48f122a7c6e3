import type { MessagePrecheckIn, MessagePrecheckOut } from "../contract/message-precheck.js";
import type { EndpointsRepository } from "../store/endpoints-repository.js";
import { endpointMatches } from "../store/queue/expand.js";
import type { ApplicationService } from "./applications.js";
import type { Principal } from "./principal.js";

/**
 * Svix's `message.precheck`: whether a message would reach any enabled endpoint of the
 * application, by the same filter rule fan-out applies, so a producer can skip building an
 * expensive payload nobody listens to. A polling endpoint counts: its reader gets the message.
 * So does an endpoint with a content filter (ADR 0017): there is no payload to test it on, and it
 * may match.
 *
 * @example await precheck.active(principal, "acme", { eventType: "invoice.paid" }) // { active: true }
 */
export class MessagePrecheckService {
  constructor(
    private readonly applications: Pick<ApplicationService, "resolve">,
    private readonly endpoints: Pick<EndpointsRepository, "enabledFilters">,
  ) {}

  async active(principal: Principal, appIdOrUid: string, input: MessagePrecheckIn): Promise<MessagePrecheckOut> {
    const app = await this.applications.resolve(principal, appIdOrUid);
    const message = { eventType: input.eventType, channels: input.channels ?? null };
    const filters = await this.endpoints.enabledFilters(app.id);
    return { active: filters.some((endpoint) => endpointMatches(endpoint, message)) };
  }
}
