-- The publish path's statements take many deliveries at once. A worker publishing several
-- deliveries side by side sends one claim, one gate and one record for all those that reached that
-- step together (libs/database/batcher.ts): one parse, plan, commit and round trip instead of one
-- per delivery, which is what bounded the deliveries per second on a small machine. Each is a
-- plpgsql function, so Postgres plans its statements once per connection. Prisma does not model
-- functions: these live only here and in the repositories that call them.

-- The gate's rule (docs/strikes.md rule 1): the effective strike of the organisation covering the
-- account at any instant from p_at to p_until. The one definition: the gate and the previews call it.
CREATE FUNCTION covering_strike(p_org uuid, p_account uuid, p_at timestamptz, p_until timestamptz)
RETURNS uuid
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT s.id FROM strikes s
    WHERE s.organisation_id = p_org
      AND s.state IN ('approved', 'running')
      AND s.effective_from <= p_until AND s.ends_at > p_at
      AND (s.all_accounts OR EXISTS (
        SELECT 1 FROM strike_accounts sa WHERE sa.strike_id = s.id AND sa.account_id = p_account))
    ORDER BY s.effective_from, s.id
    LIMIT 1);
END
$$;

-- The gate's answers, one row per delivery (i, from 1), each read by this statement, after every
-- caller asked: right before each network call, as if asked alone. For an ordinary delivery the
-- strike covering its account; for a strike post its own strike's state and end.
-- (Each function below goes one delivery at a time, by primary key: a set-based form let the
-- planner scan the whole queue by state.)
CREATE FUNCTION gate_answers(p_orgs uuid[], p_accounts uuid[], p_strikes uuid[], p_at timestamptz, p_until timestamptz)
RETURNS TABLE (i integer, covering uuid, own_state text, own_ends_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  FOR k IN 1 .. coalesce(array_length(p_orgs, 1), 0) LOOP
    i := k;
    covering := NULL;
    own_state := NULL;
    own_ends_at := NULL;
    IF p_strikes[k] IS NULL THEN
      covering := covering_strike(p_orgs[k], p_accounts[k], p_at, p_until);
    ELSE
      SELECT s.state::text, s.ends_at INTO own_state, own_ends_at FROM strikes s WHERE s.id = p_strikes[k];
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;

-- Claims, then loads, many deliveries: claim_delivery for each (same conditions), in one round
-- trip. The work is read by later statements whose snapshots follow the claims, so an edit that
-- committed before a claim is seen. A delivery is claimed by the caller whose token it now holds.
-- The caller sorts the ids, so every worker locks rows in the same order.
CREATE FUNCTION claim_deliveries(p_ids uuid[], p_tokens text[], p_now timestamptz, p_lease_until timestamptz)
RETURNS TABLE (
  claimed boolean,
  d_id uuid, d_organisation_id uuid, d_post_id uuid, d_account_id uuid, d_strike_id uuid, d_state text,
  d_scheduled_at timestamptz, d_attempts integer, d_remote_media_ids text[], d_remote_id text, d_remote_url text,
  d_published_at timestamptz, d_last_error text, d_failure_reason text, d_cancel_reason text,
  d_created_at timestamptz, d_updated_at timestamptz, d_lease_until timestamptz,
  a_network text, a_instance_url text, a_remote_id text, a_handle text, a_display_name text, a_profile_url text,
  a_token_ciphertext text, a_max_characters integer, a_max_media integer, a_characters_per_url integer,
  a_status text, a_status_reason text, a_rate_limited_until timestamptz, a_created_at timestamptz,
  a_disconnected_at timestamptz,
  post_text text, post_content_warning text, post_visibility text, post_language text, post_strike_role text,
  media jsonb, i integer)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  FOR k IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
    UPDATE deliveries SET state = 'publishing', claim_token = p_tokens[k], lease_until = p_lease_until,
      attempts = attempts + 1, updated_at = p_now
    WHERE id = p_ids[k] AND scheduled_at <= p_now
      AND (state = 'scheduled' OR (state = 'publishing' AND lease_until < p_now));
  END LOOP;

  FOR k IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
    RETURN QUERY
      SELECT (x.state = 'publishing' AND x.claim_token = p_tokens[k]), x.id, x.organisation_id, x.post_id, x.account_id, x.strike_id, x.state::text,
        x.scheduled_at, x.attempts, x.remote_media_ids, x.remote_id, x.remote_url, x.published_at,
        x.last_error, x.failure_reason, x.cancel_reason, x.created_at, x.updated_at, x.lease_until,
        a.network::text, a.instance_url, a.remote_id, a.handle, a.display_name, a.profile_url,
        a.token_ciphertext, a.max_characters, a.max_media, a.characters_per_url, a.status::text,
        a.status_reason, a.rate_limited_until, a.created_at, a.disconnected_at,
        p.text, p.content_warning, p.visibility::text, p.language, p.strike_role,
        CASE WHEN p.id IS NOT NULL THEN
          (SELECT coalesce(jsonb_agg(jsonb_build_object('mediaId', pm.media_id, 'altText', pm.alt_text,
                    'mimeType', m.mime_type) ORDER BY pm.position), '[]'::jsonb)
             FROM post_media pm JOIN media m ON m.id = pm.media_id WHERE pm.post_id = x.post_id)
        END,
        k
      FROM deliveries x
      LEFT JOIN accounts a ON a.id = x.account_id AND x.state = 'publishing' AND x.claim_token = p_tokens[k]
      LEFT JOIN posts p ON p.id = x.post_id AND a.id IS NOT NULL
      WHERE x.id = p_ids[k];
  END LOOP;
END
$$;
-- claim_delivery stays for workers of the previous version during a rolling restart: unused from here.

-- Publications recorded and their engagement tracked, together: a post is tracked exactly when it
-- is recorded as published. Returns the deliveries recorded (one whose claim was taken over is not).
CREATE FUNCTION record_publications(
  p_ids uuid[], p_tokens text[], p_remote_ids text[], p_urls text[], p_published_ats timestamptz[], p_first_ats timestamptz[])
RETURNS TABLE (recorded_id uuid)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  d record;
BEGIN
  FOR k IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
    UPDATE deliveries SET state = 'published', remote_id = p_remote_ids[k], remote_url = p_urls[k],
      published_at = p_published_ats[k], claim_token = NULL, lease_until = NULL, last_error = NULL, updated_at = now()
    WHERE id = p_ids[k] AND claim_token = p_tokens[k] AND state = 'publishing'
    RETURNING id, organisation_id, account_id, strike_id INTO d;
    IF FOUND THEN
      INSERT INTO tracked_posts (delivery_id, organisation_id, account_id, strike_id, remote_id, published_at, next_at)
      VALUES (d.id, d.organisation_id, d.account_id, d.strike_id, p_remote_ids[k], p_published_ats[k], p_first_ats[k])
      ON CONFLICT (delivery_id) DO NOTHING;
      recorded_id := d.id;
      RETURN NEXT;
    END IF;
  END LOOP;
END
$$;

-- One round trip for the three: the records, claims and gate questions of the deliveries a worker
-- runs side by side, whichever step each has reached (libs/database/publish-round.ts). Records
-- first, then claims, then the gate: each part as its own function above would do it, each in a
-- subtransaction of its own so that one part's failure (a deadlock between two workers' claims)
-- fails only that part's callers, named in `failure`. A delivery's gate question is still its
-- own, asked after its claim came back and answered by a statement that runs after it was asked.
CREATE FUNCTION publish_round(
  r_ids uuid[], r_tokens text[], r_remote_ids text[], r_urls text[], r_published_ats timestamptz[], r_first_ats timestamptz[],
  c_ids uuid[], c_tokens text[], c_now timestamptz, c_lease_until timestamptz,
  g_orgs uuid[], g_accounts uuid[], g_strikes uuid[], g_at timestamptz, g_until timestamptz)
RETURNS TABLE (
  part text, i integer, failure text, recorded_id uuid,
  claimed boolean,
  d_id uuid, d_organisation_id uuid, d_post_id uuid, d_account_id uuid, d_strike_id uuid, d_state text,
  d_scheduled_at timestamptz, d_attempts integer, d_remote_media_ids text[], d_remote_id text, d_remote_url text,
  d_published_at timestamptz, d_last_error text, d_failure_reason text, d_cancel_reason text,
  d_created_at timestamptz, d_updated_at timestamptz, d_lease_until timestamptz,
  a_network text, a_instance_url text, a_remote_id text, a_handle text, a_display_name text, a_profile_url text,
  a_token_ciphertext text, a_max_characters integer, a_max_media integer, a_characters_per_url integer,
  a_status text, a_status_reason text, a_rate_limited_until timestamptz, a_created_at timestamptz,
  a_disconnected_at timestamptz,
  post_text text, post_content_warning text, post_visibility text, post_language text, post_strike_role text,
  media jsonb,
  covering uuid, own_state text, own_ends_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF coalesce(array_length(r_ids, 1), 0) > 0 THEN
    BEGIN
      RETURN QUERY SELECT 'record'::text, NULL::integer, NULL::text, r.recorded_id, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::uuid, NULL::text, NULL::timestamptz
        FROM record_publications(r_ids, r_tokens, r_remote_ids, r_urls, r_published_ats, r_first_ats) r;
    EXCEPTION WHEN OTHERS THEN
      RETURN QUERY SELECT 'record'::text, NULL::integer, SQLERRM, NULL::uuid, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::uuid, NULL::text, NULL::timestamptz;
    END;
  END IF;
  IF coalesce(array_length(c_ids, 1), 0) > 0 THEN
    BEGIN
      RETURN QUERY SELECT 'claim'::text, c.i, NULL::text, NULL::uuid, c.claimed, c.d_id, c.d_organisation_id, c.d_post_id, c.d_account_id, c.d_strike_id, c.d_state, c.d_scheduled_at, c.d_attempts, c.d_remote_media_ids, c.d_remote_id, c.d_remote_url, c.d_published_at, c.d_last_error, c.d_failure_reason, c.d_cancel_reason, c.d_created_at, c.d_updated_at, c.d_lease_until, c.a_network, c.a_instance_url, c.a_remote_id, c.a_handle, c.a_display_name, c.a_profile_url, c.a_token_ciphertext, c.a_max_characters, c.a_max_media, c.a_characters_per_url, c.a_status, c.a_status_reason, c.a_rate_limited_until, c.a_created_at, c.a_disconnected_at, c.post_text, c.post_content_warning, c.post_visibility, c.post_language, c.post_strike_role, c.media, NULL::uuid, NULL::text, NULL::timestamptz
        FROM claim_deliveries(c_ids, c_tokens, c_now, c_lease_until) c;
    EXCEPTION WHEN OTHERS THEN
      RETURN QUERY SELECT 'claim'::text, NULL::integer, SQLERRM, NULL::uuid, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::uuid, NULL::text, NULL::timestamptz;
    END;
  END IF;
  IF coalesce(array_length(g_orgs, 1), 0) > 0 THEN
    BEGIN
      RETURN QUERY SELECT 'gate'::text, g.i, NULL::text, NULL::uuid, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, g.covering, g.own_state, g.own_ends_at
        FROM gate_answers(g_orgs, g_accounts, g_strikes, g_at, g_until) g;
    EXCEPTION WHEN OTHERS THEN
      RETURN QUERY SELECT 'gate'::text, NULL::integer, SQLERRM, NULL::uuid, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::uuid, NULL::text, NULL::timestamptz;
    END;
  END IF;
END
$$;

-- The webhook trigger on deliveries asks first whether anyone listens: most organisations have no
-- endpoint, and building the event for nobody cost a lookup and a JSON object per publish.
CREATE OR REPLACE FUNCTION "piquet_webhook_from_delivery"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  strike UUID;
  current_state TEXT;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.organisation_id = NEW.organisation_id AND e.state = 'active') THEN
    RETURN NULL;
  END IF;
  SELECT d.state::text INTO current_state FROM deliveries d WHERE d.id = NEW.id;
  IF current_state IS DISTINCT FROM NEW.state::text THEN
    RETURN NULL; -- changed again in the same transaction: that later change reports itself
  END IF;
  strike := NEW.strike_id;
  IF strike IS NULL THEN
    SELECT h.strike_id INTO strike FROM holds h WHERE h.delivery_id = NEW.id ORDER BY h.held_at DESC LIMIT 1;
  END IF;
  PERFORM piquet_webhook_emit(NEW.organisation_id, 'delivery.' || NEW.state::text, strike, jsonb_build_object(
    'deliveryId', NEW.id, 'postId', NEW.post_id, 'accountId', NEW.account_id, 'strikeId', strike, 'state', NEW.state::text,
    'scheduledAt', to_char(NEW.scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'url', NEW.remote_url, 'failureReason', NEW.failure_reason,
    'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
  RETURN NULL;
END $$;
