import type pg from 'pg';
import { Batcher } from './batcher.js';

/** A claim row of publish_round: the delivery as it stands, and its work when this caller claimed it. */
export interface ClaimRow {
  claimed: boolean;
  d_id: string; d_organisation_id: string; d_post_id: string; d_account_id: string; d_strike_id: string | null; d_state: string;
  d_scheduled_at: Date; d_attempts: number; d_remote_media_ids: string[]; d_remote_id: string | null; d_remote_url: string | null;
  d_published_at: Date | null; d_last_error: string | null; d_failure_reason: string | null; d_cancel_reason: string | null;
  d_created_at: Date; d_updated_at: Date; d_lease_until: Date | null;
  a_network: string; a_instance_url: string; a_remote_id: string; a_handle: string; a_display_name: string; a_profile_url: string | null;
  a_token_ciphertext: string; a_max_characters: number; a_max_media: number; a_characters_per_url: number;
  a_status: string; a_status_reason: string | null; a_rate_limited_until: Date | null; a_created_at: Date; a_disconnected_at: Date | null;
  post_text: string; post_content_warning: string | null; post_visibility: string; post_language: string | null; post_strike_role: string | null;
  media: { mediaId: string; altText: string; mimeType: string }[];
  /** The gate's answer for a claimed delivery, read after the claim, from `now` to `now + gateMarginMs`. */
  covering: string | null; own_state: string | null; own_ends_at: Date | null; gated: boolean | null;
}

export interface ClaimAsk { id: string; token: string; now: Date; leaseMs: number; gateMarginMs: number }
export interface RecordAsk { id: string; token: string; remoteId: string; url: string | null; publishedAt: Date; firstSnapshotAt: Date }
export interface GateAsk { organisationId: string; accountId: string; strikeId: string | null; at: Date; marginMs: number }
/** The gate's row for one question: the strike covering the account, or the strike post's own strike. */
export interface GateRow { covering: string | null; ownState: string | null; ownEndsAt: Date | null }

type Ask = { part: 'claim'; ask: ClaimAsk } | { part: 'record'; ask: RecordAsk } | { part: 'gate'; ask: GateAsk };
type Answer = ClaimRow | null | boolean | GateRow;

type RoundRow = ClaimRow & { part: 'claim' | 'record' | 'gate'; i: number | null; failure: string | null; recorded_id: string | null };

// One statement out at a time: a lone call never waits, a busy worker sends fewer, fuller ones
// (two at a time measured slower: smaller rounds for the same round trips).
const ROUND = { maxInFlight: 1, maxBatch: 96 };

/**
 * The publish path's statements, shared by the deliveries a worker runs side by side: the claims,
 * gate questions and records asked while a round is out go together in the next one (SQL function
 * publish_round, one round trip). Each caller gets its own answer, as its part's function would
 * give it alone: a claim's work is read after the claims, a gate question is answered by a
 * statement that starts after it was asked. One per process, on the publish path's pool.
 */
export class PublishRound {
  private readonly batcher = new Batcher<Ask, Answer>((asks) => this.run(asks), ROUND);

  constructor(private readonly pool: pg.Pool) {}

  /** The publish_round row for this claim, null when the delivery does not exist. */
  claim(ask: ClaimAsk): Promise<ClaimRow | null> {
    return this.batcher.call({ part: 'claim', ask }) as Promise<ClaimRow | null>;
  }

  /** Whether the publication was recorded (false: the claim was no longer held). */
  record(ask: RecordAsk): Promise<boolean> {
    return this.batcher.call({ part: 'record', ask }) as Promise<boolean>;
  }

  gate(ask: GateAsk): Promise<GateRow> {
    return this.batcher.call({ part: 'gate', ask }) as Promise<GateRow>;
  }

  private async run(asks: Ask[]): Promise<(Answer | Error)[]> {
    const positions = { claim: [] as number[], record: [] as number[], gate: [] as number[] };
    asks.forEach((a, k) => positions[a.part].push(k));
    // Rows are locked in id order in every worker: claims and records sorted by delivery id.
    const byId = (ks: number[]) => ks.sort((x, y) => (idOf(asks[x]!) < idOf(asks[y]!) ? -1 : 1));
    const claims = byId(positions.claim).map((k) => (asks[k] as { ask: ClaimAsk }).ask);
    const records = byId(positions.record).map((k) => (asks[k] as { ask: RecordAsk }).ask);
    const gates = positions.gate.map((k) => (asks[k] as { ask: GateAsk }).ask);

    const latest = (ds: Date[]) => new Date(Math.max(...ds.map((d) => d.getTime())));
    const claimNow = claims.length > 0 ? latest(claims.map((c) => c.now)) : null;
    // The gate reads from the latest instant asked, with the widest margin asked: never a shorter look ahead.
    const gateAt = gates.length > 0 ? latest(gates.map((g) => g.at)) : null;
    const { rows } = await this.pool.query<RoundRow>(
      `SELECT * FROM publish_round($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                                   $7::uuid[], $8::text[], $9::timestamptz, $10::timestamptz, $11::timestamptz,
                                   $12::uuid[], $13::uuid[], $14::uuid[], $15::timestamptz, $16::timestamptz)`,
      [
        records.map((r) => r.id), records.map((r) => r.token), records.map((r) => r.remoteId), records.map((r) => r.url),
        records.map((r) => r.publishedAt), records.map((r) => r.firstSnapshotAt),
        claims.map((c) => c.id), claims.map((c) => c.token), claimNow,
        claimNow && new Date(claimNow.getTime() + Math.max(...claims.map((c) => c.leaseMs))),
        claimNow && new Date(claimNow.getTime() + Math.max(...claims.map((c) => c.gateMarginMs))),
        gates.map((g) => g.organisationId), gates.map((g) => g.accountId), gates.map((g) => g.strikeId), gateAt,
        gateAt && new Date(gateAt.getTime() + Math.max(...gates.map((g) => g.marginMs))),
      ],
    );

    const out: (Answer | Error | undefined)[] = new Array(asks.length);
    // A claim of a delivery that does not exist comes back as no row.
    for (const k of positions.claim) out[k] = null;
    for (const k of positions.record) out[k] = false;
    const recorded = new Set<string>();
    for (const r of rows) {
      if (r.failure !== null) {
        const error = new Error(`The publish round's ${r.part} part failed: ${r.failure}`);
        for (const k of positions[r.part]) out[k] = error;
      } else if (r.part === 'record') {
        recorded.add(r.recorded_id!);
      } else if (r.part === 'claim') {
        out[positions.claim[r.i! - 1]!] = r;
      } else {
        out[positions.gate[r.i! - 1]!] = { covering: r.covering, ownState: r.own_state, ownEndsAt: r.own_ends_at };
      }
    }
    for (const k of positions.record) if (!(out[k] instanceof Error)) out[k] = recorded.has((asks[k] as { ask: RecordAsk }).ask.id);
    // A question the gate left unanswered must not read as "no strike": the call would go out unchecked.
    for (const k of positions.gate) if (out[k] === undefined) out[k] = new Error('The gate answered fewer questions than it was asked');
    return out as (Answer | Error)[];
  }
}

const idOf = (a: Ask): string => (a.part === 'gate' ? '' : a.ask.id);
