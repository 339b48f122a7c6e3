import { Link } from "@tanstack/react-router";
import { useState } from "react";

import { apps } from "../../api/resources";
import { useList } from "../../api/useList";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { PageHeader } from "../../components/PageHeader";
import { Table, Td, Th } from "../../components/Table";
import { formatDate } from "../../lib/format";
import { CreateAppDialog } from "./CreateAppDialog";

export function AppsPage() {
  const [creating, setCreating] = useState(false);
  const list = useList(["apps"], (iterator) => apps.list({ iterator, limit: 50 }));
  const create = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      New application
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Applications"
        description="Each application is one consumer with its own endpoints and messages."
        actions={create}
      />
      <Card flush>
        {list.isPending && <Loading />}
        {list.isError && (
          <div className="p-5">
            <ErrorState error={list.error} what="applications" onRetry={() => void list.refetch()} />
          </div>
        )}
        {list.isSuccess && list.items.length === 0 && (
          <EmptyState title="No applications yet" action={create}>
            Create an application for each customer or system that receives webhooks.
          </EmptyState>
        )}
        {list.items.length > 0 && (
          <>
            <Table label="Applications">
              <thead>
                <tr>
                  <Th>Name</Th>
                  <Th>ID</Th>
                  <Th>UID</Th>
                  <Th>Created</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.items.map((app) => (
                  <tr key={app.id} className="hover:bg-slate-50">
                    <Td>
                      <Link
                        to="/apps/$appId"
                        params={{ appId: app.id }}
                        className="font-medium text-indigo-700 hover:underline"
                      >
                        {app.name}
                      </Link>
                    </Td>
                    <Td className="font-mono text-xs">{app.id}</Td>
                    <Td className="font-mono text-xs">{app.uid ?? "—"}</Td>
                    <Td className="whitespace-nowrap">{formatDate(app.createdAt)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
          </>
        )}
      </Card>
      <CreateAppDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
