-- AlterEnum
ALTER TYPE "DeliveryState" ADD VALUE 'held';

-- CreateEnum
CREATE TYPE "DecisionKind" AS ENUM ('votes', 'assembly');

-- CreateEnum
CREATE TYPE "BallotKind" AS ENUM ('named', 'secret');

-- CreateEnum
CREATE TYPE "StrikeState" AS ENUM ('proposed', 'approved', 'rejected', 'running', 'ended', 'cancelled');

-- CreateEnum
CREATE TYPE "StrikeMode" AS ENUM ('silence', 'occupation');

-- CreateEnum
CREATE TYPE "HeldPolicy" AS ENUM ('resume', 'shift', 'drop', 'review');

-- CreateEnum
CREATE TYPE "MotionKind" AS ENUM ('approve', 'amend', 'stop', 'extend');

-- CreateEnum
CREATE TYPE "MotionStatus" AS ENUM ('open', 'approved', 'rejected', 'withdrawn');

-- CreateEnum
CREATE TYPE "VoteChoice" AS ENUM ('approve', 'reject');

-- CreateEnum
CREATE TYPE "HoldFate" AS ENUM ('pending', 'resumed', 'shifted', 'dropped', 'review');

-- AlterTable
ALTER TABLE "organisations" ADD COLUMN     "decision_kind" "DecisionKind" NOT NULL DEFAULT 'votes',
ADD COLUMN     "quorum_count" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "quorum_percent" INTEGER NOT NULL DEFAULT 50,
ADD COLUMN     "ballot" "BallotKind" NOT NULL DEFAULT 'named';

-- AlterTable
ALTER TABLE "posts" ADD COLUMN     "strike_id" UUID,
ADD COLUMN     "strike_role" TEXT,
ALTER COLUMN "created_by_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "strike_id" UUID;

-- CreateTable
CREATE TABLE "strikes" (
    "id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "created_by_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "effective_from" TIMESTAMPTZ(3),
    "all_accounts" BOOLEAN NOT NULL,
    "mode" "StrikeMode" NOT NULL,
    "held_policy" "HeldPolicy" NOT NULL,
    "resume_spacing_seconds" INTEGER NOT NULL,
    "occupation_spacing_seconds" INTEGER NOT NULL,
    "messages" JSONB NOT NULL,
    "profile" JSONB,
    "state" "StrikeState" NOT NULL DEFAULT 'proposed',
    "approved_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "strikes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "strike_accounts" (
    "strike_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,

    CONSTRAINT "strike_accounts_pkey" PRIMARY KEY ("strike_id","account_id")
);

-- CreateTable
CREATE TABLE "motions" (
    "id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "strike_id" UUID NOT NULL,
    "kind" "MotionKind" NOT NULL,
    "status" "MotionStatus" NOT NULL DEFAULT 'open',
    "decision_kind" "DecisionKind" NOT NULL,
    "ballot" "BallotKind" NOT NULL,
    "quorum_count" INTEGER NOT NULL,
    "quorum_percent" INTEGER NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),
    "approvals" INTEGER,
    "rejections" INTEGER,
    "eligible" INTEGER,
    "assembly_date" TIMESTAMPTZ(3),
    "votes_for" INTEGER,
    "votes_against" INTEGER,
    "votes_abstain" INTEGER,
    "minutes" TEXT,
    "recorded_by_id" UUID,

    CONSTRAINT "motions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "votes" (
    "motion_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "choice" "VoteChoice",
    "sealed_choice" TEXT,
    "cast_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "votes_pkey" PRIMARY KEY ("motion_id","member_id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" BIGSERIAL NOT NULL,
    "organisation_id" UUID NOT NULL,
    "strike_id" UUID,
    "motion_id" UUID,
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "holds" (
    "id" UUID NOT NULL,
    "organisation_id" UUID NOT NULL,
    "strike_id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "original_scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "held_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fate" "HoldFate" NOT NULL DEFAULT 'pending',
    "fate_at" TIMESTAMPTZ(3),
    "new_scheduled_at" TIMESTAMPTZ(3),
    "decided_by_id" UUID,

    CONSTRAINT "holds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "native_holds" (
    "id" UUID NOT NULL,
    "strike_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "remote_id" TEXT NOT NULL,
    "original_scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL,
    "text" TEXT NOT NULL,
    "fate" "HoldFate" NOT NULL DEFAULT 'pending',
    "fate_at" TIMESTAMPTZ(3),
    "new_scheduled_at" TIMESTAMPTZ(3),
    "last_error" TEXT,

    CONSTRAINT "native_holds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account_occupations" (
    "strike_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "occupy_state" TEXT NOT NULL DEFAULT 'pending',
    "restore_state" TEXT,
    "before" JSONB,
    "applied" JSONB,
    "avatar_before" BYTEA,
    "avatar_mime" TEXT,
    "header_before" BYTEA,
    "header_mime" TEXT,
    "pinned_remote_id" TEXT,
    "report" JSONB,
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "account_occupations_pkey" PRIMARY KEY ("strike_id","account_id")
);

-- CreateIndex
CREATE INDEX "deliveries_strike_id_idx" ON "deliveries"("strike_id");

-- CreateIndex
CREATE INDEX "strikes_organisation_id_state_ends_at_idx" ON "strikes"("organisation_id", "state", "ends_at");

-- CreateIndex
CREATE INDEX "strikes_state_effective_from_idx" ON "strikes"("state", "effective_from");

-- CreateIndex
CREATE INDEX "strike_accounts_account_id_idx" ON "strike_accounts"("account_id");

-- CreateIndex
CREATE INDEX "motions_strike_id_status_idx" ON "motions"("strike_id", "status");

-- CreateIndex
CREATE INDEX "audit_entries_organisation_id_id_idx" ON "audit_entries"("organisation_id", "id");

-- CreateIndex
CREATE INDEX "audit_entries_strike_id_id_idx" ON "audit_entries"("strike_id", "id");

-- CreateIndex
CREATE INDEX "holds_strike_id_fate_idx" ON "holds"("strike_id", "fate");

-- CreateIndex
CREATE INDEX "holds_delivery_id_idx" ON "holds"("delivery_id");

-- CreateIndex
CREATE UNIQUE INDEX "holds_strike_id_delivery_id_key" ON "holds"("strike_id", "delivery_id");

-- CreateIndex
CREATE UNIQUE INDEX "native_holds_strike_id_account_id_remote_id_key" ON "native_holds"("strike_id", "account_id", "remote_id");

-- AddForeignKey
ALTER TABLE "strike_accounts" ADD CONSTRAINT "strike_accounts_strike_id_fkey" FOREIGN KEY ("strike_id") REFERENCES "strikes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "motions" ADD CONSTRAINT "motions_strike_id_fkey" FOREIGN KEY ("strike_id") REFERENCES "strikes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "votes" ADD CONSTRAINT "votes_motion_id_fkey" FOREIGN KEY ("motion_id") REFERENCES "motions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "holds" ADD CONSTRAINT "holds_strike_id_fkey" FOREIGN KEY ("strike_id") REFERENCES "strikes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "native_holds" ADD CONSTRAINT "native_holds_strike_id_fkey" FOREIGN KEY ("strike_id") REFERENCES "strikes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_occupations" ADD CONSTRAINT "account_occupations_strike_id_fkey" FOREIGN KEY ("strike_id") REFERENCES "strikes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
