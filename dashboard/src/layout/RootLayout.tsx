import { Outlet, useRouterState } from "@tanstack/react-router";

import { SignInPage } from "../auth/SignInPage";
import { useSession } from "../auth/useSession";
import { Sidebar } from "./Sidebar";

/** Signed out: the sign-in form (the URL is kept, so the user lands where they were going). */
export function RootLayout() {
  const session = useSession();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  if (pathname.startsWith("/portal")) return <Outlet />;
  if (!session) return <SignInPage />;
  return (
    <div className="flex min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <Sidebar portalAppId={session.portalAppId} />
      <main id="main" className="min-w-0 flex-1 px-8 py-6">
        <div className="mx-auto max-w-7xl">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
