import { Link } from "@tanstack/react-router";

import { buttonClass } from "../components/Button";
import { EmptyState } from "../components/EmptyState";

export function NotFoundPage() {
  return (
    <EmptyState
      title="Page not found"
      action={
        <Link to="/" className={buttonClass("secondary")}>
          Go to overview
        </Link>
      }
    >
      The address does not match any dashboard page.
    </EmptyState>
  );
}
