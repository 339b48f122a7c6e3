import { useQuery } from "@tanstack/react-query";

import { backgroundTasks } from "../../api/resources";
import { Card } from "../../components/Card";
import { taskData } from "../tasks/taskData";
import { TaskProgress } from "../tasks/TaskProgress";

/**
 * The endpoint's background tasks still running, with their progress, and the last one to end
 * (so a recover started here shows its result). Hidden when there is neither.
 */
export function EndpointTasksCard({ appId, endpointId }: { appId: string; endpointId: string }) {
  const tasks = useQuery({
    queryKey: ["background-tasks", "endpoint", appId, endpointId],
    queryFn: () => backgroundTasks.list({ limit: 50 }),
    refetchInterval: 2_000,
  });
  const mine = (tasks.data?.data ?? []).filter((t) => taskData(t).endpointId === endpointId);
  const running = mine.filter((t) => t.status === "running");
  const lastEnded = mine.find((t) => t.status !== "running");
  const shown = lastEnded ? [...running, lastEnded] : running;
  if (shown.length === 0) return null;
  return (
    <Card
      title="Background tasks"
      description={running.length ? `${running.length} running` : "None running"}
    >
      <ul className="space-y-4">
        {shown.map((task) => (
          <li key={task.id}>
            <TaskProgress task={task} />
          </li>
        ))}
      </ul>
    </Card>
  );
}
