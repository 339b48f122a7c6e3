import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { apps } from "../../api/resources";
import { PROVIDERS } from "../../api/types";
import { SelectField } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { InboundStatsCard } from "./InboundStatsCard";
import { PROVIDER_INFO } from "./providers";

/** Inbound webhooks across applications: per provider and client, with rejection reasons. */
export function InboundPage() {
  const [provider, setProvider] = useState("");
  const [appId, setAppId] = useState("");
  const appList = useQuery({ queryKey: ["apps", "options"], queryFn: () => apps.list({ limit: 250 }) });
  return (
    <>
      <PageHeader
        title="Inbound"
        description="Webhooks received from providers, verified and turned into messages. Sources are configured per application."
      />
      <div className="mb-6 flex gap-4">
        <SelectField
          label="Provider"
          value={provider}
          onChange={(e) => setProvider(e.target.value)}
          className="w-56"
        >
          <option value="">All providers</option>
          {PROVIDERS.map((p) => (
            <option key={p} value={p}>
              {PROVIDER_INFO[p].label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Client (application)"
          value={appId}
          onChange={(e) => setAppId(e.target.value)}
          className="w-72"
        >
          <option value="">All applications</option>
          {appList.data?.data.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </SelectField>
      </div>
      <InboundStatsCard
        appId={appId || undefined}
        provider={provider || undefined}
        title="Inbound requests"
        showProviders
      />
    </>
  );
}
