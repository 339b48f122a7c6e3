import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { endpoints } from "../../api/resources";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { Notice } from "../../components/Notice";
import { HeaderRows } from "./HeaderRows";
import { headersPatch, rowsFromStored } from "./headersPatch";

/** Custom headers sent with every delivery to this endpoint. */
export function HeadersCard({ appId, endpointId }: { appId: string; endpointId: string }) {
  const headers = useQuery({
    queryKey: ["endpoint-headers", appId, endpointId],
    queryFn: () => endpoints.headers(appId, endpointId),
  });
  // Kept here: saving refetches the headers, which re-creates the form below.
  const [saved, setSaved] = useState(false);
  return (
    <Card title="Custom headers" description="Added to every request to this endpoint">
      {headers.isPending && <Loading />}
      {headers.isError && <ErrorState error={headers.error} what="headers" compact />}
      {headers.data && (
        <HeadersForm
          key={headers.dataUpdatedAt}
          appId={appId}
          endpointId={endpointId}
          stored={headers.data.headers}
          sensitive={headers.data.sensitive}
          onSaved={setSaved}
        />
      )}
      {saved && (
        <div className="mt-3">
          <Notice>Headers saved.</Notice>
        </div>
      )}
    </Card>
  );
}

interface FormProps {
  appId: string;
  endpointId: string;
  stored: Record<string, string>;
  sensitive: string[];
  onSaved: (saved: boolean) => void;
}

function HeadersForm({ appId, endpointId, stored, sensitive, onSaved }: FormProps) {
  const [rows, setRows] = useState(() => rowsFromStored(stored, sensitive));
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: () => endpoints.patchHeaders(appId, endpointId, headersPatch(stored, sensitive, rows)),
    onMutate: () => onSaved(false),
    onSuccess: async () => {
      onSaved(true);
      await client.invalidateQueries({ queryKey: ["endpoint-headers", appId, endpointId] });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }
  return (
    <form onSubmit={submit} className="space-y-3">
      <HeaderRows rows={rows} onChange={setRows} sensitive={sensitive} />
      <div className="flex justify-end">
        <Button type="submit" size="sm" variant="primary" busy={save.isPending}>
          Save headers
        </Button>
      </div>
      <ActionError error={save.error} />
    </form>
  );
}
