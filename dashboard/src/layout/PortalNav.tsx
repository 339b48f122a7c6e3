import { Link } from "@tanstack/react-router";

const linkClass =
  "block rounded-md px-3 py-2 text-sm font-medium text-slate-300 hover:bg-slate-800 hover:text-white";
const active = { className: "bg-slate-800 text-white", "aria-current": "page" as const };

/** The consumer portal's only navigation: the one application's own pages. */
export function PortalNav({ appId }: { appId: string }) {
  return (
    <>
      <Link
        to="/apps/$appId"
        params={{ appId }}
        className={linkClass}
        activeProps={active}
        activeOptions={{ exact: true }}
      >
        Endpoints
      </Link>
      <Link to="/apps/$appId/messages" params={{ appId }} className={linkClass} activeProps={active}>
        Messages
      </Link>
      <Link to="/apps/$appId/queue" params={{ appId }} className={linkClass} activeProps={active}>
        Retry queue
      </Link>
    </>
  );
}
