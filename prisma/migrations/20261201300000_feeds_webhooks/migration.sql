-- Feeds: an organisation's RSS/Atom/JSON feeds, turned into ordinary posts on chosen accounts.
CREATE TABLE "feeds" (
    "id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "title" TEXT,
    "template" TEXT NOT NULL DEFAULT '{title} {url}',
    "strike_policy" TEXT NOT NULL DEFAULT 'hold',
    "delay_seconds" INTEGER NOT NULL DEFAULT 0,
    "spacing_seconds" INTEGER NOT NULL DEFAULT 0,
    "back_catalogue" BOOLEAN NOT NULL DEFAULT false,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "etag" TEXT,
    "last_modified" TEXT,
    "primed" BOOLEAN NOT NULL DEFAULT false,
    "next_poll_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_polled_at" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),
    "last_status" INTEGER,
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "feeds_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "feeds_organisation_id_url_key" ON "feeds"("organisation_id", "url");
CREATE INDEX "feeds_paused_next_poll_at_idx" ON "feeds"("paused", "next_poll_at");
ALTER TABLE "feeds" ADD CONSTRAINT "feeds_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "feed_accounts" (
    "feed_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "template" TEXT,
    "last_scheduled_at" TIMESTAMPTZ(3),

    CONSTRAINT "feed_accounts_pkey" PRIMARY KEY ("feed_id", "account_id")
);
CREATE INDEX "feed_accounts_account_id_idx" ON "feed_accounts"("account_id");
ALTER TABLE "feed_accounts" ADD CONSTRAINT "feed_accounts_feed_id_fkey" FOREIGN KEY ("feed_id") REFERENCES "feeds"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "feed_accounts" ADD CONSTRAINT "feed_accounts_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "feed_items" (
    "id" UUID NOT NULL,
    "feed_id" UUID NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "url" TEXT,
    "published_at" TIMESTAMPTZ(3),
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "post_ids" UUID[] DEFAULT ARRAY[]::UUID[],

    CONSTRAINT "feed_items_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "feed_items_feed_id_dedupe_key_key" ON "feed_items"("feed_id", "dedupe_key");
ALTER TABLE "feed_items" ADD CONSTRAINT "feed_items_feed_id_fkey" FOREIGN KEY ("feed_id") REFERENCES "feeds"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Webhooks: endpoints per organisation, an outbox of events written by triggers in the same
-- transaction as what they report, and one delivery per endpoint and event.
CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "event_types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "secret_ciphertext" TEXT NOT NULL,
    "previous_secret_ciphertext" TEXT,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "state" TEXT NOT NULL DEFAULT 'active',
    "disabled_reason" TEXT,
    "disabled_at" TIMESTAMPTZ(3),
    "failing_since" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_endpoints_organisation_id_state_idx" ON "webhook_endpoints"("organisation_id", "state");
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_organisation_id_fkey" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "webhook_events" (
    "id" BIGSERIAL NOT NULL,
    "organisation_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "strike_id" UUID,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_events_organisation_id_id_idx" ON "webhook_events"("organisation_id", "id");

CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "event_id" BIGINT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "webhook_deliveries_endpoint_id_event_id_key" ON "webhook_deliveries"("endpoint_id", "event_id");
CREATE INDEX "webhook_deliveries_state_endpoint_id_id_idx" ON "webhook_deliveries"("state", "endpoint_id", "id");
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The outbox: one event row, and one delivery per active endpoint that wants it, in the
-- transaction of the change it reports. Nothing is written for organisations without endpoints.
CREATE FUNCTION "piquet_webhook_emit"(org UUID, kind TEXT, strike UUID, body JSONB) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
  event_id BIGINT;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.organisation_id = org AND e.state = 'active') THEN
    RETURN;
  END IF;
  INSERT INTO webhook_events (organisation_id, type, strike_id, payload)
    VALUES (org, kind, strike, body) RETURNING id INTO event_id;
  INSERT INTO webhook_deliveries (endpoint_id, event_id)
    SELECT e.id, event_id FROM webhook_endpoints e
    WHERE e.organisation_id = org AND e.state = 'active'
      AND (cardinality(e.event_types) = 0 OR kind = ANY (e.event_types));
END $$;

-- The audit trail already records the lifecycle: motions opened (a strike proposed opens its
-- approval motion) and decided, strikes approved, amended, extended, started, ended, cancelled.
CREATE FUNCTION "piquet_webhook_from_audit"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  kind TEXT;
BEGIN
  kind := CASE
    WHEN NEW.action IN ('motion.opened', 'strike.approved', 'strike.started', 'strike.ended', 'strike.cancelled', 'strike.amended', 'strike.extended') THEN NEW.action
    WHEN NEW.action IN ('motion.approved', 'motion.rejected') THEN 'motion.decided'
    -- Proposing a strike opens its approval motion.
    WHEN NEW.action = 'strike.proposed' THEN 'motion.opened'
    ELSE NULL
  END;
  IF kind IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM piquet_webhook_emit(NEW.organisation_id, kind, NEW.strike_id, jsonb_build_object(
    'strikeId', NEW.strike_id, 'motionId', NEW.motion_id, 'action', NEW.action, 'actorId', NEW.actor_id,
    'at', to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'detail', NEW.detail));
  IF NEW.action = 'strike.ended' THEN
    PERFORM piquet_webhook_emit(NEW.organisation_id, 'report.ready', NEW.strike_id, jsonb_build_object(
      'strikeId', NEW.strike_id, 'at', to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'report', '/v1/strikes/' || NEW.strike_id || '/report'));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "audit_entries_webhooks" AFTER INSERT ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION piquet_webhook_from_audit();

-- A delivery held, failed or published. Deferred to the commit, so the hold written after the
-- delivery's state in the same transaction names the strike.
CREATE FUNCTION "piquet_webhook_from_delivery"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  strike UUID;
  current_state TEXT;
BEGIN
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
CREATE CONSTRAINT TRIGGER "deliveries_webhooks" AFTER UPDATE OF "state" ON "deliveries"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state AND NEW.state IN ('held', 'failed', 'published'))
  EXECUTE FUNCTION piquet_webhook_from_delivery();

CREATE FUNCTION "piquet_webhook_from_account"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM piquet_webhook_emit(NEW.organisation_id, 'account.needs_reconnection', NULL, jsonb_build_object(
    'accountId', NEW.id, 'handle', NEW.handle, 'network', NEW.network::text, 'reason', NEW.status_reason,
    'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
  RETURN NULL;
END $$;
CREATE TRIGGER "accounts_webhooks" AFTER UPDATE OF "status" ON "accounts"
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status = 'needs_reconnection')
  EXECUTE FUNCTION piquet_webhook_from_account();
