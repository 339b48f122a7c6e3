import { useNavigate } from "@tanstack/react-router";
import { useEffect, useState } from "react";

import { api } from "../../api/client";
import type { ApplicationOut, Page, WhoamiOut } from "../../api/types";
import { setSession } from "../../auth/session";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { queryClient } from "../../queryClient";

/**
 * `/portal#token=…`: keeps the app-scoped token, finds the one application it may see (listing
 * applications with such a token answers only that one) and opens it. The token leaves the URL
 * at once, so it is not kept in history or sent as a referrer.
 */
export function PortalEntry() {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [params] = useState(() => new URLSearchParams(window.location.hash.replace(/^#/, "")));

  useEffect(() => {
    const token = params.get("token");
    if (window.location.hash) history.replaceState(null, "", window.location.pathname);
    if (!token) {
      setError(new Error("The portal link has no token. Ask for a new link."));
      return;
    }
    let cancelled = false;
    (async () => {
      try {
        const hinted = params.get("app");
        const [apps, who] = await Promise.all([
          api<Page<ApplicationOut>>("/api/v1/app", { query: { limit: 2 }, token }),
          api<WhoamiOut>("/api/v1/auth/whoami", { token }),
        ]);
        const app = apps.data.find((a) => a.id === hinted || a.uid === hinted) ?? apps.data[0];
        if (!app) throw new Error("This portal link does not give access to any application.");
        if (cancelled) return;
        queryClient.clear();
        setSession({ token, portalAppId: app.id, readOnly: who.readOnly });
        await navigate({ to: "/apps/$appId", params: { appId: app.id }, replace: true });
      } catch (err) {
        if (!cancelled) setError(err);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [navigate, params]);

  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 px-4">
      <div className="w-full max-w-md">
        {error ? <ErrorState error={error} what="the portal" /> : <Loading label="Opening portal…" />}
      </div>
    </main>
  );
}
