import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { endpoints } from "../../api/resources";
import type { Period } from "../../api/types";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { RetryScheduleCard } from "../../components/RetryScheduleCard";
import { Writable } from "../../components/Writable";
import { EndpointActivityCard } from "./EndpointActivityCard";
import { EndpointAttempts } from "./EndpointAttempts";
import { EndpointDetailsCard } from "./EndpointDetailsCard";
import { EndpointHeader } from "./EndpointHeader";
import { EndpointTasksCard } from "./EndpointTasksCard";
import { FifoCard } from "./FifoCard";
import { GradeCard } from "./GradeCard";
import { HeadersCard } from "./HeadersCard";
import { PollerConsumersCard } from "./PollerConsumersCard";
import { RecoverCard } from "./RecoverCard";
import { SecretCard } from "./SecretCard";
import { SendExampleCard } from "./SendExampleCard";
import { TransformationCard } from "./TransformationCard";

export function EndpointPage({ appId, endpointId }: { appId: string; endpointId: string }) {
  const [period, setPeriod] = useState<Period>("day");
  const ep = useQuery({
    queryKey: ["endpoint", appId, endpointId],
    queryFn: () => endpoints.get(appId, endpointId),
  });

  if (ep.isPending) return <Loading label="Loading endpoint…" />;
  if (ep.isError)
    return <ErrorState error={ep.error} what="the endpoint" onRetry={() => void ep.refetch()} />;

  // A polling endpoint is never delivered to: its readers and their positions take the place of
  // the delivery activity, attempts, example, signing, recovery and header cards.
  if (ep.data.polling) {
    return (
      <div className="space-y-6">
        <EndpointHeader appId={appId} endpoint={ep.data} />
        <div className="grid grid-cols-1 gap-6 xl:grid-cols-3">
          <div className="min-w-0 xl:col-span-2">
            <PollerConsumersCard appId={appId} endpointId={ep.data.id} />
          </div>
          <div className="min-w-0">
            <EndpointDetailsCard endpoint={ep.data} />
          </div>
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <EndpointHeader appId={appId} endpoint={ep.data} />
      <div className="grid grid-cols-1 gap-6 xl:grid-cols-3">
        <div className="min-w-0 space-y-6 xl:col-span-2">
          {ep.data.fifo && <FifoCard appId={appId} endpointId={ep.data.id} />}
          <EndpointActivityCard
            appId={appId}
            endpointId={ep.data.id}
            period={period}
            onPeriodChange={setPeriod}
          />
        </div>
        <div className="min-w-0 space-y-6">
          <EndpointDetailsCard endpoint={ep.data} />
          <EndpointTasksCard appId={appId} endpointId={ep.data.id} />
          <Writable>
            <SendExampleCard appId={appId} endpoint={ep.data} />
            <SecretCard appId={appId} endpoint={ep.data} />
            <RecoverCard appId={appId} endpointId={ep.data.id} />
            <HeadersCard appId={appId} endpointId={ep.data.id} />
            <RetryScheduleCard
              level="endpoint"
              inherits="event type, application or server default"
              queryKey={["retry-schedule", "endpoint", appId, ep.data.id]}
              load={() => endpoints.retrySchedule(appId, ep.data.id).get()}
              save={(seconds) => endpoints.retrySchedule(appId, ep.data.id).put(seconds)}
            />
          </Writable>
        </div>
      </div>
      <Writable>
        {/* Full width: handler code needs the line length. */}
        <TransformationCard appId={appId} endpointId={ep.data.id} />
      </Writable>
      <Writable>
        {/* Full width: each miss comes with its fix, a sentence or two. */}
        <GradeCard appId={appId} endpointId={ep.data.id} />
      </Writable>
      {/* Full width: the attempts table (result, reason, message, time) does not fit in two thirds. */}
      <EndpointAttempts appId={appId} endpointId={ep.data.id} />
    </div>
  );
}
