import { useMutation } from "@tanstack/react-query";

import { endpoints } from "../../api/resources";
import type { GradeReportOut } from "../../api/types";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { ActionError } from "../../components/ErrorState";
import { Notice } from "../../components/Notice";
import { HttpCode } from "../../components/StatusBadge";
import { Table, Td, Th } from "../../components/Table";

/**
 * The receiver conformance grader: sends the endpoint nine signed test deliveries (valid, replay,
 * rotation, bad signature, other body, stale and future timestamps, no headers, v1a only) and
 * shows which the receiver answered correctly, with the fix for each miss.
 */
export function GradeCard({ appId, endpointId }: { appId: string; endpointId: string }) {
  const grade = useMutation({ mutationFn: () => endpoints.grade(appId, endpointId) });
  return (
    <Card
      title="Receiver grade"
      description="Sends your receiver nine Standard Webhooks test deliveries signed with this endpoint's secret and checks it accepts the good ones (2xx) and refuses the rest (4xx)."
      actions={
        <Button size="sm" variant="primary" busy={grade.isPending} onClick={() => grade.mutate()}>
          {grade.data ? "Grade again" : "Grade receiver"}
        </Button>
      }
      flush={grade.data !== undefined}
    >
      {grade.data ? (
        <GradeTable report={grade.data} />
      ) : (
        !grade.error && (
          <p className="text-sm text-slate-500">
            The test deliveries carry <code className="font-mono text-xs">"type": "hookrelay.grade"</code>;
            your receiver may process them like any other event.
          </p>
        )
      )}
      {grade.error ? (
        <div className="px-5 pb-4">
          <ActionError error={grade.error} />
        </div>
      ) : null}
    </Card>
  );
}

function GradeTable({ report }: { report: GradeReportOut }) {
  const perfect = report.passed === report.total;
  return (
    <div>
      <div className="space-y-2 px-5 py-3">
        <p className="text-sm font-semibold text-slate-900" data-testid="grade-score">
          {report.passed}/{report.total} correct ({report.percent} %)
        </p>
        {report.caveat && <Notice tone="warning">{report.caveat}</Notice>}
      </div>
      <Table label="Receiver grade">
        <thead>
          <tr>
            <Th>Case</Th>
            <Th>Expected</Th>
            <Th>Got</Th>
            <Th>Result</Th>
            <Th>{perfect ? "Note" : "Fix"}</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {report.cases.map((c) => (
            <tr key={c.id} data-case={c.id} data-passed={c.passed}>
              <Td className="whitespace-nowrap">{c.title}</Td>
              <Td className="whitespace-nowrap font-mono text-xs">{c.expect === "accept" ? "2xx" : "4xx"}</Td>
              <Td className="whitespace-nowrap">
                {c.status === null ? (
                  <span className="text-xs text-slate-500">{c.observed.replace("_", " ")}</span>
                ) : (
                  <HttpCode code={c.status} />
                )}
              </Td>
              <Td>
                <span className={`text-xs font-semibold ${c.passed ? "text-emerald-700" : "text-red-700"}`}>
                  {c.passed ? "Pass" : "Miss"}
                </span>
              </Td>
              <Td className="min-w-80 text-xs">
                {c.passed ? (
                  <span className="text-slate-500">{c.note}</span>
                ) : (
                  <>
                    <span className="block text-slate-700">{c.note}</span>
                    <span className="mt-1 block text-slate-500">{c.fix}</span>
                  </>
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
