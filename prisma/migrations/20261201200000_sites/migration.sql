-- CreateTable
CREATE TABLE "sites" (
    "id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "public_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'own',
    "consent_by" TEXT,
    "consent_at" TIMESTAMPTZ(3),
    "consent_note" TEXT,
    "closed_prefixes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "except_prefixes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "removed_at" TIMESTAMPTZ(3),

    CONSTRAINT "sites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "strike_sites" (
    "strike_id" UUID NOT NULL,
    "site_id" UUID NOT NULL,
    "form" TEXT NOT NULL,

    CONSTRAINT "strike_sites_pkey" PRIMARY KEY ("strike_id","site_id")
);

-- CreateTable
CREATE TABLE "strike_calendars" (
    "organisation_id" UUID NOT NULL,
    "feed_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "strike_calendars_pkey" PRIMARY KEY ("organisation_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sites_public_key_key" ON "sites"("public_key");

-- CreateIndex
CREATE INDEX "sites_organisation_id_idx" ON "sites"("organisation_id");

-- CreateIndex
CREATE INDEX "strike_sites_site_id_idx" ON "strike_sites"("site_id");

-- CreateIndex
CREATE UNIQUE INDEX "strike_calendars_feed_key_key" ON "strike_calendars"("feed_key");

-- AddForeignKey
ALTER TABLE "strike_sites" ADD CONSTRAINT "strike_sites_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
