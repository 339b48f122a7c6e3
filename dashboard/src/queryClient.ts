import { QueryClient } from "@tanstack/react-query";

import { ApiError } from "./api/client";

/** Client errors (4xx) are answers, not glitches: they are shown at once instead of retried. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 2_000,
      refetchOnWindowFocus: true,
      retry: (failures, error) => {
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
        return failures < 2;
      },
    },
  },
});
