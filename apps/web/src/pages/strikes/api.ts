import { api, callAs, callRaw } from '../../api/client';
import type { Account } from '../../api/views';
import type {
  HoldView,
  LiveView,
  MotionView,
  OpenMotion,
  Page,
  ReportLinkView,
  ReportView,
  StrikeBody,
  StrikeDetailView,
  StrikeEditBody,
  StrikePreview,
  StrikeView,
} from './types';

// The strike pages' calls. Typed requests through the generated client; responses named by ./types.
export const strikesApi = {
  list: (state?: string, cursor?: string) =>
    callRaw<Page<StrikeView>>('GET', `/v1/strikes?${new URLSearchParams({ limit: '50', ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) })}`),
  get: (id: string) => callRaw<StrikeDetailView>('GET', `/v1/strikes/${id}`),
  accounts: () => callRaw<Account[]>('GET', '/v1/accounts'),
  propose: (body: StrikeBody) => callAs<StrikeDetailView>(api.POST('/v1/strikes', { body })),
  edit: (id: string, body: StrikeEditBody) => callAs<StrikeDetailView>(api.PATCH('/v1/strikes/{id}', { params: { path: { id } }, body })),
  previewDraft: (body: StrikeBody, signal?: AbortSignal) => callAs<StrikePreview>(api.POST('/v1/strikes/preview', { body, signal })),
  previewEdit: (id: string, body: StrikeEditBody, signal?: AbortSignal) =>
    callAs<StrikePreview>(api.POST('/v1/strikes/{id}/preview', { params: { path: { id } }, body, signal })),
  preview: (id: string) => callAs<StrikePreview>(api.GET('/v1/strikes/{id}/preview', { params: { path: { id } } })),
  stop: (id: string, note?: string) => callAs<MotionView>(api.POST('/v1/strikes/{id}/stop', { params: { path: { id } }, body: note ? { note } : {} })),
  extend: (id: string, endsAt: string) => callAs<MotionView>(api.POST('/v1/strikes/{id}/extend', { params: { path: { id } }, body: { endsAt } })),

  motion: (id: string) => callRaw<MotionView>('GET', `/v1/motions/${id}`),
  openMotions: () => callRaw<OpenMotion[]>('GET', '/v1/motions?state=open'),
  vote: (id: string, choice: 'approve' | 'reject') => callAs<MotionView>(api.PUT('/v1/motions/{id}/vote', { params: { path: { id } }, body: { choice } })),
  withdraw: (id: string) => callRaw<MotionView>('POST', `/v1/motions/${id}/withdraw`),

  live: (id: string) => callRaw<LiveView>('GET', `/v1/strikes/${id}/live`),
  holds: (id: string, fate?: string, cursor?: string) =>
    callRaw<Page<HoldView>>('GET', `/v1/strikes/${id}/holds?${new URLSearchParams({ limit: '200', ...(fate ? { fate } : {}), ...(cursor ? { cursor } : {}) })}`),
  resumeHold: (holdId: string, native: boolean) => callRaw<unknown>('POST', `/v1/${native ? 'native-holds' : 'holds'}/${holdId}/resume`, {}),
  dropHold: (holdId: string, native: boolean) => callRaw<unknown>('POST', `/v1/${native ? 'native-holds' : 'holds'}/${holdId}/drop`, {}),

  report: (id: string, lang: string) => callRaw<ReportView>('GET', `/v1/strikes/${id}/report?lang=${lang}`),
  reportLinks: (id: string) => callRaw<ReportLinkView[] | Page<ReportLinkView>>('GET', `/v1/strikes/${id}/report-links`).then((r) => (Array.isArray(r) ? r : r.items)),
  makeReportLink: (id: string, lang: string, tz: string) => callRaw<ReportLinkView>('POST', `/v1/strikes/${id}/report-link`, { lang, tz }),
  revokeReportLink: (linkId: string) => callRaw<unknown>('DELETE', `/v1/report-links/${linkId}`),
};

/** The motion that waits on a strike, if any: the approval first, then amend, stop, extend. */
export function openMotionOf(strike: StrikeDetailView): MotionView | undefined {
  return strike.motions.find((m) => m.status === 'open');
}
