import { useState } from "react";

import { eventTypes } from "../../api/resources";
import { useList } from "../../api/useList";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { CheckboxField } from "../../components/Field";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { PageHeader } from "../../components/PageHeader";
import { CreateEventTypeDialog } from "./CreateEventTypeDialog";
import { EventTypeRow } from "./EventTypeRow";

/** The catalog of event types with their JSON Schemas; endpoints subscribe to these names. */
export function EventTypesPage() {
  const [archived, setArchived] = useState(false);
  const [creating, setCreating] = useState(false);
  const list = useList(["event-types", "catalog", archived], (iterator) =>
    eventTypes.list({ iterator, limit: 50, with_content: true, include_archived: archived }),
  );
  const add = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      New event type
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Event types"
        description="The events your applications send, each with an optional JSON Schema."
        actions={add}
      />
      <Card
        flush
        actions={
          <CheckboxField
            label="Show archived"
            checked={archived}
            onChange={(e) => setArchived(e.target.checked)}
          />
        }
        title="Catalog"
      >
        {list.isPending && <Loading />}
        {list.isError && (
          <div className="p-5">
            <ErrorState error={list.error} what="event types" onRetry={() => void list.refetch()} />
          </div>
        )}
        {list.isSuccess && list.items.length === 0 && (
          <EmptyState title="No event types" action={add}>
            Describe each event you send so consumers can subscribe to it and see its schema.
          </EmptyState>
        )}
        {list.items.length > 0 && (
          <>
            <ul className="divide-y divide-slate-100">
              {list.items.map((t) => (
                <EventTypeRow key={t.name} eventType={t} />
              ))}
            </ul>
            <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
          </>
        )}
      </Card>
      <CreateEventTypeDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
