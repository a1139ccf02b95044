-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'stopped';

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "earlyStop" JSONB;

-- AlterTable
ALTER TABLE "Sweep" ADD COLUMN     "stopped" INTEGER NOT NULL DEFAULT 0;
