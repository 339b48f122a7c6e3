import { useQuery } from "@tanstack/react-query";
import { Link, Outlet } from "@tanstack/react-router";

import { apps } from "../../api/resources";
import { useSession } from "../../auth/useSession";
import { ErrorState } from "../../components/ErrorState";
import { PageHeader } from "../../components/PageHeader";
import { AppTabs } from "./AppTabs";
import { PortalAccessButton } from "./PortalAccessButton";

/** The frame of every page inside one application: its name, its tabs, then the tab's content. */
export function AppLayout({ appId }: { appId: string }) {
  const portal = Boolean(useSession()?.portalAppId);
  const app = useQuery({ queryKey: ["app", appId], queryFn: () => apps.get(appId) });

  return (
    <>
      <PageHeader
        breadcrumbs={
          portal ? (
            "Consumer portal"
          ) : (
            <>
              <Link to="/apps" className="hover:text-slate-800 hover:underline">
                Applications
              </Link>{" "}
              / <span className="font-mono">{appId}</span>
            </>
          )
        }
        title={app.data?.name ?? (app.isPending ? "…" : appId)}
        description={
          app.data && (
            <span className="font-mono text-xs">
              {app.data.id}
              {app.data.uid ? ` · uid ${app.data.uid}` : ""}
            </span>
          )
        }
        actions={!portal && app.data && <PortalAccessButton appId={app.data.id} />}
      />
      {app.isError ? (
        <ErrorState error={app.error} what="the application" onRetry={() => void app.refetch()} />
      ) : (
        <>
          <AppTabs appId={appId} portal={portal} />
          <div className="mt-6">
            <Outlet />
          </div>
        </>
      )}
    </>
  );
}
