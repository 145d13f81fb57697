-- The claim answers the gate too (issue 15: claim, load and gate in one statement). Each claimed
-- delivery's gate question is answered in the statement that returns its work, after the claims
-- of its round: a call that follows at once needs no round of its own for the gate. A call that
-- does not follow at once (after media uploads) still asks the gate again, alone.

-- One gate question, answered by gate_answers (the rule stays written once). VOLATILE so that its
-- statement takes a snapshot of its own when it runs, which here is after the claims of the round:
-- never older than the claim (gate_answers, STABLE, reads with that snapshot).
CREATE FUNCTION gate_answer(p_org uuid, p_account uuid, p_strike uuid, p_at timestamptz, p_until timestamptz)
RETURNS TABLE (answered boolean, covering uuid, own_state text, own_ends_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY SELECT true, g.covering, g.own_state, g.own_ends_at
    FROM gate_answers(ARRAY[p_org], ARRAY[p_account], ARRAY[p_strike], p_at, p_until) g;
END
$$;

-- publish_round with the gate answered for every delivery claimed, from c_now to c_gate_until
-- (`gated`: a claimed row without it must not read as "no strike").
-- The records and the gate questions asked alone go through the 15-argument publish_round, which
-- stays for workers of the previous version during a rolling restart. Order and subtransactions
-- as there: records, claims, gate.
CREATE FUNCTION publish_round(
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
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY SELECT *, NULL::boolean FROM publish_round(r_ids, r_tokens, r_remote_ids, r_urls, r_published_ats, r_first_ats,
    '{}', '{}', NULL, NULL, '{}', '{}', '{}', NULL, NULL);
  IF coalesce(array_length(c_ids, 1), 0) > 0 THEN
    BEGIN
      -- claim_deliveries runs to the end (claims, then work) before the first gate_answer call.
      RETURN QUERY SELECT 'claim'::text, c.i, NULL::text, NULL::uuid, c.claimed, c.d_id, c.d_organisation_id, c.d_post_id, c.d_account_id, c.d_strike_id, c.d_state, c.d_scheduled_at, c.d_attempts, c.d_remote_media_ids, c.d_remote_id, c.d_remote_url, c.d_published_at, c.d_last_error, c.d_failure_reason, c.d_cancel_reason, c.d_created_at, c.d_updated_at, c.d_lease_until, c.a_network, c.a_instance_url, c.a_remote_id, c.a_handle, c.a_display_name, c.a_profile_url, c.a_token_ciphertext, c.a_max_characters, c.a_max_media, c.a_characters_per_url, c.a_status, c.a_status_reason, c.a_rate_limited_until, c.a_created_at, c.a_disconnected_at, c.post_text, c.post_content_warning, c.post_visibility, c.post_language, c.post_strike_role, c.media, g.covering, g.own_state, g.own_ends_at, coalesce(g.answered, false)
        FROM claim_deliveries(c_ids, c_tokens, c_now, c_lease_until) c
        LEFT JOIN LATERAL gate_answer(c.d_organisation_id, c.d_account_id, c.d_strike_id, c_now, c_gate_until) g ON c.claimed;
    EXCEPTION WHEN OTHERS THEN
      RETURN QUERY SELECT 'claim'::text, NULL::integer, SQLERRM, NULL::uuid, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean;
    END;
  END IF;
  RETURN QUERY SELECT *, NULL::boolean FROM publish_round('{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', NULL, NULL,
    g_orgs, g_accounts, g_strikes, g_at, g_until);
END
$$;

-- The claim and the record find their delivery by primary key, whatever the statistics say. Their
-- plans are generic (planned once per connection), and where the statistics held 'publishing' (or
-- 'scheduled') to be rare, the planner preferred the index on (state, scheduled_at): it walks every
-- entry of that state, dead ones included, until a vacuum, and a queue that had just published
-- thousands of posts made each record cost milliseconds (measured: 2 records 5 ms, 0.3 ms by key).
-- Comparing the state as text leaves the primary key the only index that serves the statement.
CREATE OR REPLACE FUNCTION claim_deliveries(p_ids uuid[], p_tokens text[], p_now timestamptz, p_lease_until timestamptz)
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
      AND (state::text = 'scheduled' OR (state::text = 'publishing' AND lease_until < p_now));
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
CREATE OR REPLACE FUNCTION record_publications(
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
    WHERE id = p_ids[k] AND claim_token = p_tokens[k] AND state::text = 'publishing'
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

