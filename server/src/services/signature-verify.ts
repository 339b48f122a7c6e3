import type { VerifyIn, VerifyOut } from "../contract/verify.js";
import { ed25519PublicKey, isEd25519Secret } from "../lib/ed25519-keys.js";
import type { Keyring } from "../lib/keyring.js";
import { type CheckKey, checkSignature } from "../lib/signature-check.js";
import { liveSecrets } from "../lib/standard-webhooks.js";
import type { EndpointService } from "./endpoints.js";
import type { Principal } from "./principal.js";

/**
 * `POST /api/v1/verify`: tells a receiver's developer whether a request they got verifies, and
 * why not. With an endpoint, its live secrets are used (current, then previous ones still in
 * their grace period, labelled so; an ed25519 key by its public key); they are opened here and
 * never leave the process. Standard Webhooks and `X-Webhook-Signature` requests both verify.
 *
 * @example await verifier.verify(principal, { appId: "app_…", endpointId: "ep_…", headers, body, toleranceSeconds: 300 })
 */
export class SignatureVerifyService {
  constructor(
    private readonly endpoints: Pick<EndpointService, "resolve">,
    private readonly keyring: Keyring,
  ) {}

  async verify(principal: Principal, input: VerifyIn, now: number = Date.now()): Promise<VerifyOut> {
    const keys = await this.keys(principal, input, now);
    return checkSignature({ headers: input.headers, body: input.body, keys, toleranceSeconds: input.toleranceSeconds, now });
  }

  private async keys(principal: Principal, input: VerifyIn, now: number): Promise<CheckKey[]> {
    if (input.secret !== undefined) return [{ label: "given secret", secret: input.secret }];
    if (input.publicKey !== undefined) return [{ label: "given public key", publicKey: input.publicKey }];
    // The contract guarantees both ids here; resolve() applies the caller's application scope.
    const { endpoint } = await this.endpoints.resolve(principal, input.appId ?? "", input.endpointId ?? "");
    return liveSecrets(endpoint.secret, endpoint.old_secrets, now).map((sealed, i) => {
      const label = i === 0 ? "current" : `previous ${i}`;
      const secret = this.keyring.open(sealed);
      // An ed25519 key is checked the way its receivers check it: with its public key.
      return isEd25519Secret(secret) ? { label, publicKey: ed25519PublicKey(secret) } : { label, secret };
    });
  }
}
