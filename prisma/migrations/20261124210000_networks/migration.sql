-- AlterEnum
ALTER TYPE "Network" ADD VALUE 'x';

-- AlterEnum
ALTER TYPE "Network" ADD VALUE 'bluesky';
