-- AlterTable
ALTER TABLE "account_occupations" ADD COLUMN     "capabilities" JSONB;

-- CreateTable
CREATE TABLE "account_capabilities" (
    "account_id" UUID NOT NULL,
    "feature" TEXT NOT NULL,
    "support" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "account_capabilities_pkey" PRIMARY KEY ("account_id","feature")
);

-- CreateTable
CREATE TABLE "occupation_steps" (
    "strike_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "phase" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'pending',
    "detail" TEXT,
    "last_error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "occupation_steps_pkey" PRIMARY KEY ("strike_id","account_id","phase","step")
);

-- AddForeignKey
ALTER TABLE "account_capabilities" ADD CONSTRAINT "account_capabilities_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "occupation_steps" ADD CONSTRAINT "occupation_steps_strike_id_account_id_fkey" FOREIGN KEY ("strike_id", "account_id") REFERENCES "account_occupations"("strike_id", "account_id") ON DELETE CASCADE ON UPDATE CASCADE;
