-- The claim no longer answers the gate: the gate is asked in its own query right before every
-- network call (GateRepository.answer), never reused from the claim, however recent (PRODUCT.md
-- rule 1). The claim still loads the work in the same round trip.
-- Prisma does not model functions: this one lives only here and in libs/database/deliveries.repository.ts.
DROP FUNCTION claim_delivery(uuid, text, timestamptz, timestamptz, timestamptz);

CREATE FUNCTION claim_delivery(
  p_id uuid, p_token text, p_now timestamptz, p_lease_until timestamptz)
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
  media jsonb)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  d deliveries%ROWTYPE;
BEGIN
  UPDATE deliveries SET state = 'publishing', claim_token = p_token, lease_until = p_lease_until,
    attempts = attempts + 1, updated_at = p_now
  WHERE id = p_id AND scheduled_at <= p_now
    AND (state = 'scheduled' OR (state = 'publishing' AND lease_until < p_now))
  RETURNING * INTO d;

  IF NOT FOUND THEN
    RETURN QUERY
      SELECT false, x.id, x.organisation_id, x.post_id, x.account_id, x.strike_id, x.state::text,
        x.scheduled_at, x.attempts, x.remote_media_ids, x.remote_id, x.remote_url, x.published_at,
        x.last_error, x.failure_reason, x.cancel_reason, x.created_at, x.updated_at, x.lease_until,
        NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
        NULL::integer, NULL::integer, NULL::integer, NULL::text, NULL::text, NULL::timestamptz,
        NULL::timestamptz, NULL::timestamptz, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
        NULL::jsonb
      FROM deliveries x WHERE x.id = p_id;
    RETURN;
  END IF;

  RETURN QUERY
    SELECT true, d.id, d.organisation_id, d.post_id, d.account_id, d.strike_id, d.state::text,
      d.scheduled_at, d.attempts, d.remote_media_ids, d.remote_id, d.remote_url, d.published_at,
      d.last_error, d.failure_reason, d.cancel_reason, d.created_at, d.updated_at, d.lease_until,
      a.network::text, a.instance_url, a.remote_id, a.handle, a.display_name, a.profile_url,
      a.token_ciphertext, a.max_characters, a.max_media, a.characters_per_url, a.status::text,
      a.status_reason, a.rate_limited_until, a.created_at, a.disconnected_at,
      p.text, p.content_warning, p.visibility::text, p.language, p.strike_role,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('mediaId', pm.media_id, 'altText', pm.alt_text,
                'mimeType', m.mime_type) ORDER BY pm.position), '[]'::jsonb)
         FROM post_media pm JOIN media m ON m.id = pm.media_id WHERE pm.post_id = d.post_id)
    FROM accounts a
    JOIN posts p ON p.id = d.post_id
    WHERE a.id = d.account_id;
END
$$;
