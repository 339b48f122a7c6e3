import type { ReactNode } from "react";

export function Notice({
  children,
  tone = "success",
}: {
  children: ReactNode;
  tone?: "success" | "info" | "warning";
}) {
  const tones = {
    success: "border-emerald-200 bg-emerald-50 text-emerald-800",
    info: "border-sky-200 bg-sky-50 text-sky-800",
    warning: "border-amber-200 bg-amber-50 text-amber-900",
  };
  return (
    <p role="status" className={`rounded-md border px-3 py-2 text-sm ${tones[tone]}`}>
      {children}
    </p>
  );
}
