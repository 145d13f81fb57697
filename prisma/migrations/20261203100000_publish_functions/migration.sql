-- The publish path's two other statements become functions, so Postgres plans them once per
-- connection instead of parsing and planning the query text for every delivery (on a small
-- machine that planning was a fifth of Postgres's CPU per publish). Prisma does not model
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

-- The gate's answer for one delivery, asked right before a network call: for an ordinary delivery
-- the strike covering its account, for a strike post its own strike's state and end.
CREATE FUNCTION gate_answer(p_org uuid, p_account uuid, p_strike uuid, p_at timestamptz, p_until timestamptz)
RETURNS TABLE (covering uuid, own_state text, own_ends_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF p_strike IS NULL THEN
    RETURN QUERY SELECT covering_strike(p_org, p_account, p_at, p_until), NULL::text, NULL::timestamptz;
  ELSE
    RETURN QUERY SELECT NULL::uuid, s.state::text, s.ends_at FROM (SELECT 1) one LEFT JOIN strikes s ON s.id = p_strike;
  END IF;
END
$$;

-- The publication recorded and its engagement tracked, together: a post is tracked exactly when it
-- is recorded as published. False when the claim was no longer held.
CREATE FUNCTION record_publication(
  p_id uuid, p_token text, p_remote_id text, p_url text, p_published_at timestamptz, p_first_at timestamptz)
RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  d record;
BEGIN
  UPDATE deliveries SET state = 'published', remote_id = p_remote_id, remote_url = p_url,
    published_at = p_published_at, claim_token = NULL, lease_until = NULL, last_error = NULL, updated_at = now()
  WHERE id = p_id AND claim_token = p_token AND state = 'publishing'
  RETURNING id, organisation_id, account_id, strike_id INTO d;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO tracked_posts (delivery_id, organisation_id, account_id, strike_id, remote_id, published_at, next_at)
  VALUES (d.id, d.organisation_id, d.account_id, d.strike_id, p_remote_id, p_published_at, p_first_at)
  ON CONFLICT (delivery_id) DO NOTHING;
  RETURN FOUND;
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
