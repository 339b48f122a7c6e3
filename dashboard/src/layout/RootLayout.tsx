import { Outlet, useRouterState } from "@tanstack/react-router";
import { useEffect, useState } from "react";

import { SignInPage } from "../auth/SignInPage";
import { useSession } from "../auth/useSession";
import { Sidebar } from "./Sidebar";

/**
 * Signed out: the sign-in form (the URL is kept, so the user lands where they were going).
 * Below the `md` breakpoint (a phone: the consumer portal is often opened on one) the sidebar
 * folds away behind a menu button instead of taking 240 of 390 pixels from every page.
 */
export function RootLayout() {
  const session = useSession();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => setNavOpen(false), [pathname]);
  if (pathname.startsWith("/portal")) return <Outlet />;
  if (!session) return <SignInPage />;
  return (
    <div className="min-h-screen md:flex">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 flex items-center gap-3 bg-slate-900 px-4 py-3 md:hidden">
        <button
          type="button"
          aria-controls="main-nav"
          aria-expanded={navOpen}
          onClick={() => setNavOpen((open) => !open)}
          className="rounded-md border border-slate-600 px-2.5 py-1 text-sm font-medium text-slate-100 hover:bg-slate-800"
        >
          {navOpen ? "Close" : "Menu"}
        </button>
        <span className="text-base font-semibold text-white">Hookrelay</span>
        {session.portalAppId && (
          <span className="ml-auto rounded bg-slate-700 px-1.5 py-0.5 text-[10px] font-medium text-slate-200 uppercase">
            Portal
          </span>
        )}
      </header>
      {navOpen && (
        <div
          className="fixed inset-0 z-30 bg-slate-900/40 md:hidden"
          aria-hidden="true"
          onClick={() => setNavOpen(false)}
        />
      )}
      <Sidebar portalAppId={session.portalAppId} open={navOpen} />
      <main id="main" className="min-w-0 flex-1 px-4 py-4 md:px-8 md:py-6">
        <div className="mx-auto max-w-7xl">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
