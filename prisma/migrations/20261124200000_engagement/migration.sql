-- CreateTable
CREATE TABLE "tracked_posts" (
    "delivery_id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "strike_id" UUID,
    "remote_id" TEXT NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL,
    "next_at" TIMESTAMPTZ(3),
    "last_polled_at" TIMESTAMPTZ(3),
    "gone_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tracked_posts_pkey" PRIMARY KEY ("delivery_id")
);

-- CreateTable
CREATE TABLE "snapshots" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" UUID NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL,
    "favourites" INTEGER NOT NULL,
    "boosts" INTEGER NOT NULL,
    "replies" INTEGER NOT NULL,
    "quotes" INTEGER,
    "impressions" INTEGER,

    CONSTRAINT "snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "comments" (
    "id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "strike_id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "remote_id" TEXT NOT NULL,
    "in_reply_to_remote_id" TEXT,
    "author_handle" TEXT NOT NULL,
    "author_name" TEXT NOT NULL,
    "author_url" TEXT,
    "text" TEXT NOT NULL,
    "language" TEXT,
    "url" TEXT,
    "posted_at" TIMESTAMPTZ(3) NOT NULL,
    "edited_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "comments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_calls" (
    "id" BIGSERIAL NOT NULL,
    "account_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "api_calls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tracked_posts_account_id_next_at_idx" ON "tracked_posts"("account_id", "next_at");

-- CreateIndex
CREATE INDEX "tracked_posts_strike_id_idx" ON "tracked_posts"("strike_id");

-- CreateIndex
CREATE INDEX "tracked_posts_organisation_id_published_at_idx" ON "tracked_posts"("organisation_id", "published_at");

-- CreateIndex
CREATE INDEX "snapshots_delivery_id_taken_at_idx" ON "snapshots"("delivery_id", "taken_at");

-- CreateIndex
CREATE INDEX "comments_strike_id_posted_at_idx" ON "comments"("strike_id", "posted_at");

-- CreateIndex
CREATE UNIQUE INDEX "comments_delivery_id_remote_id_key" ON "comments"("delivery_id", "remote_id");

-- CreateIndex
CREATE INDEX "api_calls_account_id_at_idx" ON "api_calls"("account_id", "at");
