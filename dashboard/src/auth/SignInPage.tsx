import { type FormEvent, useState } from "react";

import { api } from "../api/client";
import type { ApplicationOut, Page } from "../api/types";
import { Button } from "../components/Button";
import { ActionError } from "../components/ErrorState";
import { TextField } from "../components/Field";
import { setSession } from "./session";

/** Checks the token against the API before keeping it, so a typo fails here and not on every page. */
export function SignInPage() {
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = token.trim();
    if (!value) return;
    setBusy(true);
    setError(null);
    try {
      await api<Page<ApplicationOut>>("/api/v1/app", { query: { limit: 1 }, token: value });
      setSession({ token: value, portalAppId: null, readOnly: false });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2">
          <span
            className="flex size-9 items-center justify-center rounded-lg bg-indigo-600 text-lg font-bold text-white"
            aria-hidden="true"
          >
            ↗
          </span>
          <span className="text-2xl font-semibold tracking-tight text-slate-900">Hookrelay</span>
        </div>
        <form onSubmit={submit} className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-base font-semibold text-slate-900">Sign in</h1>
          <p className="mt-1 mb-4 text-sm text-slate-500">
            Paste an API token. It is kept only in this browser tab and sent as a bearer token.
          </p>
          <TextField
            label="API token"
            name="token"
            type="password"
            autoComplete="off"
            autoFocus
            required
            value={token}
            onChange={(e) => setToken(e.target.value)}
            placeholder="hr_…"
          />
          <ActionError error={error} />
          <Button type="submit" variant="primary" busy={busy} className="mt-4 w-full">
            Sign in
          </Button>
        </form>
      </div>
    </main>
  );
}
