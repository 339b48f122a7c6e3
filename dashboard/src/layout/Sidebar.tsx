import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";

import { api } from "../api/client";
import { clearSession } from "../auth/session";
import { queryClient } from "../queryClient";
import { PortalNav } from "./PortalNav";

const linkClass =
  "flex items-center gap-2.5 rounded-md px-3 py-2 text-sm font-medium text-slate-300 hover:bg-slate-800 hover:text-white";
const activeClass = "bg-slate-800 text-white";

function NavLink({
  to,
  children,
  exact,
}: {
  to: "/" | "/apps" | "/inbound" | "/event-types" | "/tokens" | "/tasks" | "/audit" | "/operational-webhooks";
  children: ReactNode;
  exact?: boolean;
}) {
  return (
    <Link
      to={to}
      className={linkClass}
      activeProps={{ className: activeClass, "aria-current": "page" }}
      activeOptions={{ exact: exact ?? false }}
    >
      {children}
    </Link>
  );
}

/** Signing out of a portal session also revokes its short-lived token on the server. */
async function signOut(portal: boolean) {
  if (portal) await api("/api/v1/auth/logout", { method: "POST" }).catch(() => undefined);
  clearSession();
  queryClient.clear();
}

/** On a phone the sidebar is an overlay shown while `open`; from `md` up it is always there. */
export function Sidebar({ portalAppId, open = false }: { portalAppId: string | null; open?: boolean }) {
  return (
    <aside
      id="main-nav"
      className={`${open ? "fixed inset-y-0 left-0 z-40 flex" : "hidden"} h-screen w-60 shrink-0 flex-col bg-slate-900 px-3 py-5 md:sticky md:top-0 md:flex`}
    >
      <div className="mb-6 flex items-center gap-2 px-3">
        <span
          className="flex size-7 items-center justify-center rounded-md bg-indigo-500 text-sm font-bold text-white"
          aria-hidden="true"
        >
          ↗
        </span>
        <span className="text-base font-semibold text-white">Hookrelay</span>
        {portalAppId && (
          <span className="ml-auto rounded bg-slate-700 px-1.5 py-0.5 text-[10px] font-medium text-slate-200 uppercase">
            Portal
          </span>
        )}
      </div>
      <nav aria-label="Main" className="flex flex-1 flex-col gap-1">
        {portalAppId ? (
          <PortalNav appId={portalAppId} />
        ) : (
          <>
            <NavLink to="/" exact>
              Overview
            </NavLink>
            <NavLink to="/apps">Applications</NavLink>
            <NavLink to="/inbound">Inbound</NavLink>
            <NavLink to="/event-types">Event types</NavLink>
            <NavLink to="/tokens">API tokens</NavLink>
            <NavLink to="/tasks">Background tasks</NavLink>
            <NavLink to="/audit">Audit log</NavLink>
            <NavLink to="/operational-webhooks">Operational webhooks</NavLink>
          </>
        )}
      </nav>
      <button
        type="button"
        onClick={() => void signOut(Boolean(portalAppId))}
        className={`${linkClass} w-full`}
      >
        Sign out
      </button>
    </aside>
  );
}
