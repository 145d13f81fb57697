-- CreateTable
CREATE TABLE "report_links" (
    "id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "strike_id" UUID NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" UUID,

    CONSTRAINT "report_links_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "report_links_strike_id_created_at_idx" ON "report_links"("strike_id", "created_at");

-- CreateIndex
CREATE INDEX "report_links_organisation_id_created_by_idx" ON "report_links"("organisation_id", "created_by");

-- AddForeignKey
ALTER TABLE "report_links" ADD CONSTRAINT "report_links_strike_id_fkey" FOREIGN KEY ("strike_id") REFERENCES "strikes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
