-- Replies from the account's notifications: the count a post's comments account for, when its
-- whole thread was last read, and where each account's notifications were read up to.
ALTER TABLE "tracked_posts" ADD COLUMN "replies_seen" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "tracked_posts" ADD COLUMN "thread_read_at" TIMESTAMPTZ(3);
CREATE INDEX "tracked_posts_account_id_remote_id_idx" ON "tracked_posts"("account_id", "remote_id");
CREATE INDEX "comments_remote_id_idx" ON "comments"("remote_id");

CREATE TABLE "reply_cursors" (
    "account_id" UUID NOT NULL,
    "cursor" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reply_cursors_pkey" PRIMARY KEY ("account_id")
);
