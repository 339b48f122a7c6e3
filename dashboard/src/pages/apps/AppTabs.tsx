import { Link } from "@tanstack/react-router";

const tab =
  "-mb-px border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-500 hover:text-slate-800";
const active = { className: "!border-indigo-600 !text-indigo-700", "aria-current": "page" as const };

export function AppTabs({ appId, portal }: { appId: string; portal: boolean }) {
  return (
    <nav aria-label="Application" className="flex gap-1 border-b border-slate-200">
      <Link
        to="/apps/$appId"
        params={{ appId }}
        className={tab}
        activeProps={active}
        activeOptions={{ exact: true }}
      >
        Endpoints
      </Link>
      <Link to="/apps/$appId/messages" params={{ appId }} className={tab} activeProps={active}>
        Messages
      </Link>
      <Link to="/apps/$appId/queue" params={{ appId }} className={tab} activeProps={active}>
        Retry queue
      </Link>
      {!portal && (
        <Link to="/apps/$appId/sources" params={{ appId }} className={tab} activeProps={active}>
          Inbound sources
        </Link>
      )}
    </nav>
  );
}
