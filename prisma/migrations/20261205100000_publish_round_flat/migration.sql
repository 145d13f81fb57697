-- publish_round in one function (issue 15: the publish ratio at 0 ms). The 16-argument version
-- called the 15-argument one twice, claim_deliveries, and gate_answer per claimed delivery, each a
-- plpgsql call whose rows (49 columns) went through a tuplestore of their own at every level. With
-- one round at a time per worker, the round's cost in Postgres is what bounds a busy worker's
-- deliveries per second; measured on a copy of the schema, one claim and one record: 1.75 ms a
-- round through the layers, 1.45 ms in one function (3 + 3: 2.33 and 2.11 ms).
--
-- Same arguments, columns and answers, so a worker of the previous version calls it unchanged
-- during a rolling restart. Same statements, in the same order: records, then claims, then lone
-- gate questions, each part in a subtransaction of its own (a failed part fails its callers only,
-- named in `failure`; rows it returned before failing are overridden by that failure row, as
-- publish-round.ts reads them). Each statement goes one delivery at a time by primary key.
--
-- A claimed delivery's gate answer comes from gate_answers (the rule stays written once), asked by
-- a statement of its own after the claims of the round: this function is VOLATILE, so each of its
-- statements takes a new snapshot, which follows the claims.
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
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  n integer;
  rec record;
BEGIN
  -- Records: the publication and its tracked post, together. Every other column stays NULL here.
  n := coalesce(array_length(r_ids, 1), 0);
  IF n > 0 THEN
    part := 'record';
    BEGIN
      FOR k IN 1 .. n LOOP
        UPDATE deliveries SET state = 'published', remote_id = r_remote_ids[k], remote_url = r_urls[k],
          published_at = r_published_ats[k], claim_token = NULL, lease_until = NULL, last_error = NULL, updated_at = now()
        WHERE id = r_ids[k] AND claim_token = r_tokens[k] AND state::text = 'publishing'
        RETURNING id, organisation_id, account_id, strike_id INTO rec;
        IF FOUND THEN
          INSERT INTO tracked_posts (delivery_id, organisation_id, account_id, strike_id, remote_id, published_at, next_at)
          VALUES (rec.id, rec.organisation_id, rec.account_id, rec.strike_id, r_remote_ids[k], r_published_ats[k], r_first_ats[k])
          ON CONFLICT (delivery_id) DO NOTHING;
          recorded_id := rec.id;
          RETURN NEXT;
        END IF;
      END LOOP;
    EXCEPTION WHEN OTHERS THEN
      RETURN QUERY SELECT 'record'::text, NULL::integer, SQLERRM, NULL::uuid, NULL::boolean, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::timestamptz, NULL::integer, NULL::text[], NULL::text, NULL::text, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::uuid, NULL::text, NULL::timestamptz, NULL::boolean;
    END;
    recorded_id := NULL;
  END IF;

  -- Claims, then the work of each delivery as it now stands (the caller sorts the ids: every
  -- worker locks rows in the same order), and for each one claimed the gate's answer from c_now to
  -- c_gate_until. A delivery that does not exist gives no row.
  n := coalesce(array_length(c_ids, 1), 0);
  IF n > 0 THEN
    part := 'claim';
    BEGIN
      FOR k IN 1 .. n LOOP
        UPDATE deliveries SET state = 'publishing', claim_token = c_tokens[k], lease_until = c_lease_until,
          attempts = attempts + 1, updated_at = c_now
        WHERE id = c_ids[k] AND scheduled_at <= c_now
          AND (state::text = 'scheduled' OR (state::text = 'publishing' AND lease_until < c_now));
      END LOOP;
      FOR k IN 1 .. n LOOP
        SELECT (x.state = 'publishing' AND x.claim_token = c_tokens[k]), x.id, x.organisation_id, x.post_id, x.account_id,
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
        INTO claimed, d_id, d_organisation_id, d_post_id, d_account_id,
          d_strike_id, d_state, d_scheduled_at, d_attempts, d_remote_media_ids, d_remote_id, d_remote_url,
          d_published_at, d_last_error, d_failure_reason, d_cancel_reason, d_created_at, d_updated_at, d_lease_until,
          a_network, a_instance_url, a_remote_id, a_handle, a_display_name, a_profile_url,
          a_token_ciphertext, a_max_characters, a_max_media, a_characters_per_url, a_status,
          a_status_reason, a_rate_limited_until, a_created_at, a_disconnected_at,
          post_text, post_content_warning, post_visibility, post_language, post_strike_role,
          media
        FROM deliveries x
        LEFT JOIN accounts a ON a.id = x.account_id AND x.state = 'publishing' AND x.claim_token = c_tokens[k]
        LEFT JOIN posts p ON p.id = x.post_id AND a.id IS NOT NULL
        WHERE x.id = c_ids[k];
        CONTINUE WHEN NOT FOUND;
        i := k;
        covering := NULL;
        own_state := NULL;
        own_ends_at := NULL;
        gated := claimed;
        IF claimed THEN
          SELECT g.covering, g.own_state, g.own_ends_at INTO covering, own_state, own_ends_at
            FROM gate_answers(ARRAY[d_organisation_id], ARRAY[d_account_id], ARRAY[d_strike_id], c_now, c_gate_until) g;
          -- gate_answers answers every question it is asked: a claimed row without it must not read as "no strike".
          IF NOT FOUND THEN
            RAISE EXCEPTION 'the gate gave no answer for delivery %', d_id;
          END IF;
        END IF;
        RETURN NEXT;
      END LOOP;
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
