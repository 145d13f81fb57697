-- publish_round in one function (issue 15: the publish ratio at 0 ms). The 16-argument version
-- called the 15-argument one twice, claim_deliveries, and gate_answer per claimed delivery, each a
-- plpgsql call whose rows (49 columns) went through a tuplestore of their own at every level. With
-- one round at a time per worker, the round's cost in Postgres is part of every delivery's wait;
-- measured on a copy of the schema, a round of one claim and one record: 1.66-1.90 ms through the
-- layers, 1.49-1.54 ms here (three and three: 2.43-2.64 ms, 2.14-2.19 ms). In the publish bench,
-- about 5% more deliveries per second.
--
-- Same arguments, columns and answers, so a worker of the previous version calls it unchanged
-- during a rolling restart. Same order: records, then claims, then lone gate questions, each part
-- in a subtransaction of its own (a failed part fails its callers only, named in `failure`; rows it
-- returned before failing are overridden by that failure row, as publish-round.ts reads them).
-- Every write goes one delivery at a time by primary key, in the callers' id order.
--
-- The claims' reads (work and gate answer) are one statement that follows the claims: this
-- function is VOLATILE, so each of its statements takes a new snapshot. The gate's rule stays in
-- gate_answers and covering_strike.
--
-- Plans are generic (planned once per connection): with the array's length known, a custom plan
-- looked cheaper to the plan cache, which then planned the claims' read again at every round
-- (measured: a round 30-40% slower).
CREATE OR REPLACE FUNCTION publish_round(
  r_ids uuid[], r_tokens text[], r_remote_ids text[], r_urls text[], r_published_ats timestamptz[], r_first_ats timestamptz[],
  c_ids uuid[], c_tokens text[], c_now timestamptz, c_lease_until timestamptz, c_gate_until timestamptz,
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
  covering uuid, own_state text, own_ends_at timestamptz, gated boolean)
LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
  n integer;
BEGIN
  -- Records: the publication and its tracked post, together. Every other column stays NULL here.
  n := coalesce(array_length(r_ids, 1), 0);
  IF n > 0 THEN
    part := 'record';
    BEGIN
      FOR k IN 1 .. n LOOP
        WITH recorded AS (
          UPDATE deliveries SET state = 'published', remote_id = r_remote_ids[k], remote_url = r_urls[k],
            published_at = r_published_ats[k], claim_token = NULL, lease_until = NULL, last_error = NULL, updated_at = now()
          WHERE id = r_ids[k] AND claim_token = r_tokens[k] AND state::text = 'publishing'
          RETURNING id, organisation_id, account_id, strike_id),
        tracked AS (
          INSERT INTO tracked_posts (delivery_id, organisation_id, account_id, strike_id, remote_id, published_at, next_at)
          SELECT x.id, x.organisation_id, x.account_id, x.strike_id, r_remote_ids[k], r_published_ats[k], r_first_ats[k] FROM recorded x
          ON CONFLICT (delivery_id) DO NOTHING)
        SELECT x.id INTO recorded_id FROM recorded x;
        IF FOUND THEN
          RETURN NEXT;
        END IF;
      END LOOP;
    EXCEPTION WHEN OTHERS THEN
      RETURN QUERY SELECT 'record'::text, NULL::integer, SQLERRM, NULL::uuid, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean;
    END;
  END IF;

  -- Claims, then the work of each delivery as it now stands (the caller sorts the ids: every
  -- worker locks rows in the same order), and for each one claimed the gate's answer from c_now to
  -- c_gate_until. A delivery that does not exist gives no row.
  n := coalesce(array_length(c_ids, 1), 0);
  IF n > 0 THEN
    BEGIN
      FOR k IN 1 .. n LOOP
        UPDATE deliveries SET state = 'publishing', claim_token = c_tokens[k], lease_until = c_lease_until,
          attempts = attempts + 1, updated_at = c_now
        WHERE id = c_ids[k] AND scheduled_at <= c_now
          AND (state::text = 'scheduled' OR (state::text = 'publishing' AND lease_until < c_now));
      END LOOP;
      -- One statement reads every claimed delivery's work and gate answer. Each delivery is found by
      -- key in a LATERAL subquery that LIMIT keeps from being pulled up into a join the planner
      -- could turn into a scan of the queue.
      RETURN QUERY
        SELECT 'claim'::text, c.k::integer, NULL::text, NULL::uuid, w.*, g.covering, g.own_state, g.own_ends_at, (g.i IS NOT NULL)
        FROM unnest(c_ids, c_tokens) WITH ORDINALITY AS c(id, token, k)
        CROSS JOIN LATERAL (
          SELECT (x.state = 'publishing' AND x.claim_token = c.token) AS claimed, x.id, x.organisation_id, x.post_id, x.account_id,
            x.strike_id, x.state::text, x.scheduled_at, x.attempts, x.remote_media_ids, x.remote_id, x.remote_url,
            x.published_at, x.last_error, x.failure_reason, x.cancel_reason, x.created_at, x.updated_at, x.lease_until,
            a.network::text, a.instance_url, a.remote_id, a.handle, a.display_name, a.profile_url,
            a.token_ciphertext, a.max_characters, a.max_media, a.characters_per_url, a.status::text,
            a.status_reason, a.rate_limited_until, a.created_at, a.disconnected_at,
            p.text, p.content_warning, p.visibility::text, p.language, p.strike_role,
            CASE WHEN p.id IS NOT NULL THEN
              (SELECT coalesce(jsonb_agg(jsonb_build_object('mediaId', pm.media_id, 'altText', pm.alt_text,
                        'mimeType', m.mime_type) ORDER BY pm.position), '[]'::jsonb)
                 FROM post_media pm JOIN media m ON m.id = pm.media_id WHERE pm.post_id = x.post_id)
            END
          FROM deliveries x
          LEFT JOIN accounts a ON a.id = x.account_id AND x.state = 'publishing' AND x.claim_token = c.token
          LEFT JOIN posts p ON p.id = x.post_id AND a.id IS NOT NULL
          WHERE x.id = c.id
          LIMIT 1) w
        -- A claimed row without the gate's answer (gated false) must not read as "no strike": the worker refuses it.
        LEFT JOIN LATERAL (
          SELECT * FROM gate_answers(ARRAY[w.organisation_id], ARRAY[w.account_id], ARRAY[w.strike_id], c_now, c_gate_until)
          WHERE w.claimed) g ON true;
    EXCEPTION WHEN OTHERS THEN
      RETURN QUERY SELECT 'claim'::text, NULL::integer, SQLERRM, NULL::uuid, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean;
    END;
  END IF;

  IF coalesce(array_length(g_orgs, 1), 0) > 0 THEN
    BEGIN
      RETURN QUERY SELECT 'gate'::text, g.i, NULL::text, NULL::uuid, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, g.covering, g.own_state, g.own_ends_at, NULL::boolean
        FROM gate_answers(g_orgs, g_accounts, g_strikes, g_at, g_until) g;
    EXCEPTION WHEN OTHERS THEN
      RETURN QUERY SELECT 'gate'::text, NULL::integer, SQLERRM, NULL::uuid, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean;
    END;
  END IF;
END
$$;

-- What only the layers above called. The 15-argument publish_round served workers of the version
-- before the previous one; a rolling restart runs the previous version's workers beside the new
-- ones, and those call the 16-argument function, replaced above with the same contract.
DROP FUNCTION publish_round(uuid[], text[], text[], text[], timestamptz[], timestamptz[], uuid[], text[], timestamptz, timestamptz,
  uuid[], uuid[], uuid[], timestamptz, timestamptz);
DROP FUNCTION gate_answer(uuid, uuid, uuid, timestamptz, timestamptz);
DROP FUNCTION claim_deliveries(uuid[], text[], timestamptz, timestamptz);
DROP FUNCTION record_publications(uuid[], text[], text[], text[], timestamptz[], timestamptz[]);
DROP FUNCTION claim_delivery(uuid, text, timestamptz, timestamptz);
