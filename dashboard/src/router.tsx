import { createRootRoute, createRoute, createRouter, redirect } from "@tanstack/react-router";

import { getSession } from "./auth/session";
import { RootLayout } from "./layout/RootLayout";
import { AppLayout } from "./pages/apps/AppLayout";
import { AppsPage } from "./pages/apps/AppsPage";
import { AuditLogPage } from "./pages/audit/AuditLogPage";
import { EndpointPage } from "./pages/endpoints/EndpointPage";
import { EndpointsTab } from "./pages/endpoints/EndpointsTab";
import { EventTypesPage } from "./pages/event-types/EventTypesPage";
import { InboundPage } from "./pages/inbound/InboundPage";
import { SourceDetailPage } from "./pages/inbound/SourceDetailPage";
import { SourcesTab } from "./pages/inbound/SourcesTab";
import { MessageDetailPage } from "./pages/messages/MessageDetailPage";
import { MessagesPage } from "./pages/messages/MessagesPage";
import { parseMessageSearch } from "./pages/messages/search";
import { NotFoundPage } from "./pages/NotFoundPage";
import { OperationalWebhooksPage } from "./pages/operational/OperationalWebhooksPage";
import { OverviewPage } from "./pages/overview/OverviewPage";
import { PortalEntry } from "./pages/portal/PortalEntry";
import { QueuePage } from "./pages/queue/QueuePage";
import { TasksPage } from "./pages/tasks/TasksPage";
import { TokensPage } from "./pages/tokens/TokensPage";

/**
 * Every page and its URL. Route components are thin: they read params/search and hand them to
 * the page as props, so pages never import this file at runtime.
 *
 * A consumer-portal session is confined here, in one place: any URL outside its application (or
 * its operator-only inbound sources) redirects to the application's endpoints.
 */
const rootRoute = createRootRoute({
  component: RootLayout,
  notFoundComponent: NotFoundPage,
  beforeLoad: ({ location }) => {
    const portalApp = getSession()?.portalAppId;
    if (!portalApp || location.pathname.startsWith("/portal")) return;
    const prefix = `/apps/${portalApp}`;
    const inside = location.pathname === prefix || location.pathname.startsWith(`${prefix}/`);
    if (!inside || location.pathname.startsWith(`${prefix}/sources`)) {
      throw redirect({ to: "/apps/$appId", params: { appId: portalApp } });
    }
  },
});

const overviewRoute = createRoute({ getParentRoute: () => rootRoute, path: "/", component: OverviewPage });
const appsRoute = createRoute({ getParentRoute: () => rootRoute, path: "/apps", component: AppsPage });
const inboundRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/inbound",
  component: InboundPage,
});
const eventTypesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/event-types",
  component: EventTypesPage,
});
const tokensRoute = createRoute({ getParentRoute: () => rootRoute, path: "/tokens", component: TokensPage });
const auditRoute = createRoute({ getParentRoute: () => rootRoute, path: "/audit", component: AuditLogPage });
const tasksRoute = createRoute({ getParentRoute: () => rootRoute, path: "/tasks", component: TasksPage });
const operationalRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/operational-webhooks",
  component: OperationalWebhooksPage,
});
const portalRoute = createRoute({ getParentRoute: () => rootRoute, path: "/portal", component: PortalEntry });

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/apps/$appId",
  component: function AppRoute() {
    const { appId } = appRoute.useParams();
    return <AppLayout appId={appId} />;
  },
});

const endpointsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  component: function EndpointsRoute() {
    const { appId } = appRoute.useParams();
    return <EndpointsTab appId={appId} />;
  },
});

const endpointRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/endpoints/$endpointId",
  component: function EndpointRoute() {
    const { appId, endpointId } = endpointRoute.useParams();
    return <EndpointPage appId={appId} endpointId={endpointId} />;
  },
});

const messagesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/messages",
  validateSearch: parseMessageSearch,
  component: function MessagesRoute() {
    const { appId } = appRoute.useParams();
    const search = messagesRoute.useSearch();
    return <MessagesPage appId={appId} search={search} />;
  },
});

const messageRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/messages/$msgId",
  component: function MessageRoute() {
    const { appId, msgId } = messageRoute.useParams();
    return <MessageDetailPage appId={appId} msgId={msgId} />;
  },
});

const queueRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/queue",
  component: function QueueRoute() {
    const { appId } = appRoute.useParams();
    return <QueuePage appId={appId} />;
  },
});

const sourcesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/sources",
  component: function SourcesRoute() {
    const { appId } = appRoute.useParams();
    return <SourcesTab appId={appId} />;
  },
});

const sourceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/sources/$sourceId",
  component: function SourceRoute() {
    const { appId, sourceId } = sourceRoute.useParams();
    return <SourceDetailPage appId={appId} sourceId={sourceId} />;
  },
});

const routeTree = rootRoute.addChildren([
  overviewRoute,
  appsRoute,
  appRoute.addChildren([
    endpointsRoute,
    endpointRoute,
    messagesRoute,
    messageRoute,
    queueRoute,
    sourcesRoute,
    sourceRoute,
  ]),
  inboundRoute,
  eventTypesRoute,
  tokensRoute,
  auditRoute,
  tasksRoute,
  operationalRoute,
  portalRoute,
]);

export const router = createRouter({ routeTree, defaultPreload: "intent", scrollRestoration: true });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
