import { keepPreviousData, QueryCache, QueryClient, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, isApiError } from './client';
import type { DeliveryState, LeadFilter, Me } from './types';

export const keys = {
  me: ['me'] as const,
  projects: ['projects'] as const,
  project: (id: string) => ['projects', id] as const,
  users: ['users'] as const,
  invitations: ['invitations'] as const,
  tokens: ['tokens'] as const,
  leads: (projectId: string, filter: LeadFilter) => ['leads', projectId, filter] as const,
  lead: (id: string) => ['lead', id] as const,
  deliveries: (leadId: string) => ['lead', leadId, 'deliveries'] as const,
  amocrm: (projectId: string) => ['amocrm', projectId] as const,
  amocrmOptions: (projectId: string) => ['amocrm', projectId, 'options'] as const,
  amocrmLog: (projectId: string) => ['amocrm', projectId, 'log'] as const,
  emailTracking: (projectId: string) => ['email-tracking', projectId] as const,
};

export function createQueryClient(onUnauthorized: () => void): QueryClient {
  return new QueryClient({
    // A 401 on any read means the session is gone: back to the login page.
    queryCache: new QueryCache({
      onError: (err) => {
        if (isApiError(err, 401)) onUnauthorized();
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // 4xx answers will not change on retry; network hiccups and 5xx might.
        retry: (count, err) => count < 2 && !(isApiError(err) && err.status >= 400 && err.status < 500),
      },
    },
  });
}

export const useMe = (enabled = true) =>
  useQuery<Me>({ queryKey: keys.me, queryFn: api.me, enabled, staleTime: 60_000 });

export const useProjects = () => useQuery({ queryKey: keys.projects, queryFn: api.projects });

/** While a project has seen no hit, look again every 15 s so the page notices the snippet going live. */
export const useProject = (id: string) =>
  useQuery({
    queryKey: keys.project(id),
    queryFn: () => api.project(id),
    enabled: id !== '',
    refetchInterval: (q) => (q.state.data && !q.state.data.lastHitAt ? 15_000 : false),
  });

export const useMembers = () => useQuery({ queryKey: keys.users, queryFn: api.users });

export const useInvitations = (enabled: boolean) =>
  useQuery({ queryKey: keys.invitations, queryFn: api.invitations, enabled });

export const useTokens = () => useQuery({ queryKey: keys.tokens, queryFn: api.tokens });

/** A project's leads, newest first, page by page (`fetchNextPage` follows `nextCursor`). */
export const useLeads = (projectId: string, filter: LeadFilter) =>
  useInfiniteQuery({
    queryKey: keys.leads(projectId, filter),
    queryFn: ({ pageParam }) => api.leads(projectId, filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

export const useLead = (id: string) => useQuery({ queryKey: keys.lead(id), queryFn: () => api.lead(id) });

export const useAmoCrm = (projectId: string) =>
  useQuery({ queryKey: keys.amocrm(projectId), queryFn: () => api.amocrm(projectId) });

/** The account's users, pipelines and fields, loaded live from amoCRM once it is connected. */
export const useAmoOptions = (projectId: string, enabled: boolean) =>
  useQuery({
    queryKey: keys.amocrmOptions(projectId),
    queryFn: () => api.amocrmOptions(projectId),
    enabled,
    staleTime: 60_000,
  });

/** The integration log, newest first, page by page. */
export const useAmoLog = (projectId: string, enabled: boolean) =>
  useInfiniteQuery({
    queryKey: keys.amocrmLog(projectId),
    queryFn: ({ pageParam }) => api.amocrmLog(projectId, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });

const UNSETTLED: readonly DeliveryState[] = ['pending', 'waiting', 'searching'];

/** A lead's deliveries; looked at again every 5 s while one of them is still on its way. */
export const useDeliveries = (leadId: string) =>
  useQuery({
    queryKey: keys.deliveries(leadId),
    queryFn: () => api.leadDeliveries(leadId),
    refetchInterval: (q) => (q.state.data?.items.some((d) => UNSETTLED.includes(d.state)) ? 5_000 : false),
  });

/**
 * A project's e-mail tracking settings and mailbox statuses; with `poll`, looked at again every 5 s while a
 * mailbox is still connecting.
 */
export const useEmailTracking = (projectId: string, poll = false) =>
  useQuery({
    queryKey: keys.emailTracking(projectId),
    queryFn: () => api.emailTracking(projectId),
    enabled: projectId !== '',
    refetchInterval: (q) =>
      poll && q.state.data?.mailboxes.some((m) => m.status === 'pending') ? 5_000 : false,
  });
