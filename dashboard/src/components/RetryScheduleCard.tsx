import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import type { RetryScheduleOut } from "../api/types";
import { formatRetrySchedule, parseRetrySchedule } from "../lib/retry-schedule";
import { Button } from "./Button";
import { Card } from "./Card";
import { ActionError, ErrorState } from "./ErrorState";
import { TextField } from "./Field";
import { Loading } from "./Loading";

interface Props {
  /** What the schedule belongs to, for the title: "endpoint", "event type", "application". */
  level: string;
  queryKey: readonly unknown[];
  load: () => Promise<RetryScheduleOut>;
  save: (seconds: number[] | null) => Promise<RetryScheduleOut>;
  /** Which level decides when this one sets nothing. */
  inherits: string;
  /** Inside a list row rather than a card of its own. */
  bare?: boolean;
}

const secondsOf = (out: RetryScheduleOut) => out.retrySchedule?.map((d) => d.secs) ?? null;

/**
 * Reads and edits the retry schedule of one level (endpoint, event type, application): the
 * waits before each retry, "no retries", or nothing of its own (the next level decides).
 */
export function RetryScheduleCard({ level, queryKey, load, save, inherits, bare }: Props) {
  const query = useQuery({ queryKey, queryFn: load });
  const body = (
    <>
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} what="the retry schedule" compact />}
      {query.data && (
        <ScheduleForm
          key={query.dataUpdatedAt}
          current={secondsOf(query.data)}
          {...{ level, queryKey, save, inherits }}
        />
      )}
    </>
  );
  if (bare) return body;
  return (
    <Card title="Retry schedule" description={`Waits between attempts for this ${level}`}>
      {body}
    </Card>
  );
}

function ScheduleForm({
  current,
  level,
  queryKey,
  save,
  inherits,
}: Pick<Props, "level" | "queryKey" | "save" | "inherits"> & { current: number[] | null }) {
  const [text, setText] = useState(current?.length ? formatRetrySchedule(current) : "");
  const [problem, setProblem] = useState<string | undefined>();
  const client = useQueryClient();
  const write = useMutation({
    mutationFn: save,
    onSuccess: (out) => client.setQueryData(queryKey, out),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseRetrySchedule(text);
    if ("error" in parsed) return setProblem(parsed.error);
    setProblem(undefined);
    write.mutate(parsed.seconds);
  }
  const now =
    current === null
      ? `None of its own: the ${inherits} decides.`
      : current.length === 0
        ? "No retries: one attempt only."
        : `${current.length + 1} attempts: ${formatRetrySchedule(current)}.`;
  return (
    <form onSubmit={submit} className="space-y-3" aria-label={`Retry schedule of this ${level}`}>
      <p className="text-sm text-slate-600">{now}</p>
      <TextField
        label="Waits before each retry"
        hint="Comma-separated, in seconds or with a unit: 5, 5m, 30m, 2h, 1d (at most 20, each up to 7 days)."
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="5, 5m, 30m, 2h"
      />
      {problem && <p className="text-xs text-red-700">{problem}</p>}
      <div className="flex flex-wrap justify-end gap-2">
        <Button
          size="sm"
          variant="ghost"
          title={`No schedule of its own: the ${inherits} decides`}
          onClick={() => write.mutate(null)}
          disabled={current === null}
        >
          Inherit
        </Button>
        <Button size="sm" onClick={() => write.mutate([])}>
          No retries
        </Button>
        <Button type="submit" size="sm" variant="primary" busy={write.isPending}>
          Save schedule
        </Button>
      </div>
      <ActionError error={write.error} />
    </form>
  );
}
