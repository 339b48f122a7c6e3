import { attempts } from "../../api/resources";
import { useList } from "../../api/useList";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { AttemptsTable } from "./AttemptsTable";

export function MessageAttemptsCard({ appId, msgId }: { appId: string; msgId: string }) {
  const list = useList(
    ["attempts", "msg", appId, msgId],
    (iterator) => attempts.byMessage(appId, msgId, { iterator, limit: 50 }),
    { refetchInterval: 5_000 },
  );
  return (
    <Card title="Attempts" description="Every delivery attempt with the receiver's response" flush>
      {list.isPending && <Loading />}
      {list.isError && (
        <div className="p-5">
          <ErrorState error={list.error} what="attempts" onRetry={() => void list.refetch()} />
        </div>
      )}
      {list.isSuccess && list.items.length === 0 && (
        <EmptyState title="No attempts yet">The first attempt is usually made within a second.</EmptyState>
      )}
      {list.items.length > 0 && (
        <>
          <AttemptsTable appId={appId} attempts={list.items} />
          <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
        </>
      )}
    </Card>
  );
}
